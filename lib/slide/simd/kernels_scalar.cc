// The reference kernel set: plain loops, one accumulator, no instruction-set flags. The tests check
// every other set against float64 and use this one as the readable statement of what each kernel
// computes. It is compiled for baseline x86-64 without -ffast-math. What GCC 12 -O3 made of it
// (objdump): the dot-product loops compute four products at a time with SSE2 mulps but add them
// one by one in order (addss, a single dependency chain), since float addition is not
// associative; axpy and scale are fully vectorised to SSE2 (mulps/addps); exp calls floor() in
// libm (no SSE4.1 roundps at baseline), which makes it slow, but it is the reference.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "slide/simd/exp_constants.h"
#include "slide/simd/kernel_tables.h"

namespace slide::simd {
namespace {

float dot(const float* a, const float* b, std::size_t n) {
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

void axpy(float alpha, const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void scale(float alpha, float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) x[i] *= alpha;
}

float sparse_dot(const std::uint32_t* index, const float* value, std::size_t nnz,
                 const float* dense) {
  float s = 0;
  for (std::size_t i = 0; i < nnz; ++i) s += value[i] * dense[index[i]];
  return s;
}

void sparse_axpy(float alpha, const std::uint32_t* index, const float* value, std::size_t nnz,
                 float* dense) {
  for (std::size_t i = 0; i < nnz; ++i) dense[index[i]] += alpha * value[i];
}

void dot_rows(const float* x, const float* rows, std::size_t stride, const std::uint32_t* ids,
              std::size_t count, std::size_t n, float* out) {
  for (std::size_t i = 0; i < count; ++i) out[i] = dot(x, rows + std::size_t{ids[i]} * stride, n);
}

float to_f32(bf16 h) {
  const std::uint32_t bits = std::uint32_t{h} << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// Round to nearest, ties to even, on the bit pattern: adding 0x7FFF plus the lowest kept bit
// carries into the kept half exactly when the dropped half is above the tie, or at the tie with an
// odd kept half. Overflow of the largest finite values carries into the exponent and gives inf,
// as IEEE rounding does. NaN is made quiet (bit 6 of the kept half) so that truncating a
// signalling NaN whose payload lives only in the dropped bits cannot turn it into inf.
bf16 to_bf16(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<bf16>((bits >> 16) | 0x40u);
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<bf16>(bits >> 16);
}

void f32_to_bf16(const float* in, bf16* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = to_bf16(in[i]);
}

void bf16_to_f32(const bf16* in, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = to_f32(in[i]);
}

float dot_bf16(const bf16* a, const bf16* b, std::size_t n) {
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += to_f32(a[i]) * to_f32(b[i]);
  return s;
}

void dot_rows_bf16(const bf16* x, const bf16* rows, std::size_t stride, const std::uint32_t* ids,
                   std::size_t count, std::size_t n, float* out) {
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = dot_bf16(x, rows + std::size_t{ids[i]} * stride, n);
  }
}

// The exp of exp_constants.h, one value at a time.
float exp_one(float x) {
  if (std::isnan(x)) return x;
  if (x > kExpHi) return HUGE_VALF;
  if (x < kExpLo) return 0.0f;
  const float fn = std::floor(x * kLog2e + 0.5f);
  float r = x - fn * kLn2Hi;
  r = r - fn * kLn2Lo;
  float p = kExpPoly[0];
  for (int t = 1; t < kExpPolyTerms; ++t) p = p * r + kExpPoly[t];
  const float e = (p * r) * r + r + 1.0f;
  std::uint32_t bits;
  std::memcpy(&bits, &e, sizeof bits);
  bits += static_cast<std::uint32_t>(static_cast<std::int32_t>(fn)) << 23;
  float y;
  std::memcpy(&y, &bits, sizeof y);
  return y;
}

void exp_kernel(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = exp_one(x[i]);
}

void softmax(float* x, std::size_t n) {
  if (n == 0) return;
  float m = x[0];
  for (std::size_t i = 1; i < n; ++i) m = x[i] > m ? x[i] : m;
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += (x[i] = exp_one(x[i] - m));
  const float inv = 1.0f / s;
  for (std::size_t i = 0; i < n; ++i) x[i] *= inv;
}

void adam_step(float* w, float* m, float* v, const float* g, std::size_t n, const AdamParams& p) {
  const float c1 = 1.0f - p.beta1, c2 = 1.0f - p.beta2;
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = p.beta1 * m[i] + c1 * g[i];
    v[i] = p.beta2 * v[i] + c2 * (g[i] * g[i]);
    w[i] -= p.learning_rate * m[i] / (std::sqrt(v[i]) + p.epsilon);
  }
}

void gemm_nt(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
             std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = dot(a + i * lda, b + j * ldb, k);
  }
}

void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = dot_bf16(a + i * lda, b + j * ldb, k);
  }
}

void axpy_bf16(float alpha, const bf16* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += alpha * to_f32(x[i]);
}

constexpr Kernels kScalar{"scalar",     dot,      axpy,          scale,       sparse_dot,
                          sparse_axpy,  dot_rows, dot_rows_bf16, f32_to_bf16, bf16_to_f32,
                          dot_bf16,     softmax,  exp_kernel,    adam_step,   gemm_nt,
                          gemm_nt_bf16, axpy_bf16};

}  // namespace

const Kernels& scalar_kernels() {
  return kScalar;
}

}  // namespace slide::simd
