// Placeholder until the kernel layer lands: plain loops, used for every set.
#include <cmath>
#include <cstring>

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
float sparse_dot(const std::uint32_t* index, const float* value, std::size_t nnz, const float* d) {
  float s = 0;
  for (std::size_t i = 0; i < nnz; ++i) s += value[i] * d[index[i]];
  return s;
}
void sparse_axpy(float alpha, const std::uint32_t* index, const float* value, std::size_t nnz,
                 float* d) {
  for (std::size_t i = 0; i < nnz; ++i) d[index[i]] += alpha * value[i];
}
void dot_rows(const float* x, const float* rows, std::size_t stride, const std::uint32_t* ids,
              std::size_t count, std::size_t n, float* out) {
  for (std::size_t i = 0; i < count; ++i) out[i] = dot(x, rows + ids[i] * stride, n);
}
float to_f32(bf16 h) {
  std::uint32_t bits = std::uint32_t{h} << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
bf16 to_bf16(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f)) return bf16((bits >> 16) | 0x40);
  bits += 0x7FFF + ((bits >> 16) & 1);
  return bf16(bits >> 16);
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
  for (std::size_t i = 0; i < count; ++i) out[i] = dot_bf16(x, rows + ids[i] * stride, n);
}
void exp_kernel(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}
void softmax(float* x, std::size_t n) {
  if (n == 0) return;
  float m = x[0];
  for (std::size_t i = 1; i < n; ++i) m = std::max(m, x[i]);
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += (x[i] = std::exp(x[i] - m));
  for (std::size_t i = 0; i < n; ++i) x[i] /= s;
}
void adam_step(float* w, float* m, float* v, const float* g, std::size_t n, const AdamParams& p) {
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = p.beta1 * m[i] + (1 - p.beta1) * g[i];
    v[i] = p.beta2 * v[i] + (1 - p.beta2) * g[i] * g[i];
    w[i] -= p.learning_rate * m[i] / (std::sqrt(v[i]) + p.epsilon);
  }
}
void gemm_nt(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
             std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = dot(a + i * lda, b + j * ldb, k);
}
void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = dot_bf16(a + i * lda, b + j * ldb, k);
}

constexpr Kernels kScalar{"scalar", dot, axpy, scale, sparse_dot, sparse_axpy, dot_rows,
                          dot_rows_bf16, f32_to_bf16, bf16_to_f32, dot_bf16, softmax, exp_kernel,
                          adam_step, gemm_nt, gemm_nt_bf16};
}  // namespace

const Kernels& scalar_kernels() { return kScalar; }
const Kernels& avx2_kernels() { return kScalar; }
const Kernels& avx512_kernels() { return kScalar; }
const Kernels& avx512_bf16_kernels() { return kScalar; }
const Kernels& amx_kernels() { return kScalar; }

}  // namespace slide::simd
