#pragma once

// The table of compute kernels, one implementation per instruction set, chosen once at start-up
// (see dispatch.h). Every pointer of every table is non-null: a set that has no special version of
// a kernel points at the best one below it. The scalar set is the reference the tests check
// the others against.
//
// Every kernel is stateless and safe to call from several threads at once, takes any length
// (0 included) and needs no particular alignment, and reads and writes exactly the elements it
// names (tails use masked or scalar accesses, never a full vector past the end). Outputs must not
// overlap inputs except where said (exp may work in place; softmax is in place).

#include <cstddef>
#include <cstdint>

namespace slide::simd {

using bf16 = std::uint16_t;  // bfloat16 bit pattern: the upper half of a binary32.

struct AdamParams {
  float learning_rate;  // already multiplied by the bias correction sqrt(1-b2^t)/(1-b1^t)
  float beta1;
  float beta2;
  float epsilon;  // added to sqrt(v) (epsilon-hat of Kingma & Ba, section 2)
};

struct Kernels {
  const char* name;

  // Dense vectors.
  float (*dot)(const float* a, const float* b, std::size_t n);
  void (*axpy)(float alpha, const float* x, float* y, std::size_t n);  // y += alpha * x
  void (*scale)(float alpha, float* x, std::size_t n);                 // x *= alpha

  // Sparse (index, value) pairs against a dense row. The vector sets gather with signed 32-bit
  // offsets: indices must be < 2^31.
  float (*sparse_dot)(const std::uint32_t* index, const float* value, std::size_t nnz,
                      const float* dense);
  // dense[index[i]] += alpha * value[i]; indices must be distinct.
  void (*sparse_axpy)(float alpha, const std::uint32_t* index, const float* value, std::size_t nnz,
                      float* dense);

  // out[i] = dot(x, rows + ids[i] * stride, n) for i < count: the output layer's inner loop.
  // Prefetches the rows of later ids while it computes.
  void (*dot_rows)(const float* x, const float* rows, std::size_t stride, const std::uint32_t* ids,
                   std::size_t count, std::size_t n, float* out);
  // The same over bfloat16 rows and a bfloat16 x (both activations and weights in bf16).
  // On avx512-bf16 and amx the bf16 dot products (dot_bf16, dot_rows_bf16, gemm_nt_bf16) use
  // vdpbf16ps / tdpbf16ps, which treat denormal bf16 inputs as zero and flush denormal results
  // (hardware DAZ/FTZ); the other sets keep denormals. Only terms involving values below 2^-126
  // in magnitude are affected.
  void (*dot_rows_bf16)(const bf16* x, const bf16* rows, std::size_t stride,
                        const std::uint32_t* ids, std::size_t count, std::size_t n, float* out);

  // bfloat16 conversion, bit-identical in every set: float -> bf16 rounds to nearest, ties to
  // even (denormals included; values from max-finite-bf16 + half an ulp up become inf); NaN keeps
  // its sign and upper payload bits and is made quiet (bit 6 of the bf16 set).
  void (*f32_to_bf16)(const float* in, bf16* out, std::size_t n);
  void (*bf16_to_f32)(const bf16* in, float* out, std::size_t n);
  float (*dot_bf16)(const bf16* a, const bf16* b, std::size_t n);

  // In-place softmax of finite values: x[i] = exp(x[i] - max) / sum. Uses the exp below, so each
  // output is within about 2 kExpMaxRelativeError + (n + 1) 2^-24 (relative) of the exact value;
  // terms more than 87.3 below the max become 0.
  void (*softmax)(float* x, std::size_t n);
  // y[i] = exp(x[i]) elementwise with the vectorised exp (range reduction x = k ln2 + r, degree-5
  // polynomial in r), the same algorithm in every set. For -87.3 <= x <= 88.7 the result is a
  // normal float within kExpMaxRelativeError of exp(x); below -87.3 gives 0, above 88.7 gives
  // +inf, NaN gives NaN. x and y may be the same array.
  void (*exp)(const float* x, float* y, std::size_t n);

  // One Adam step over a row: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
  // w -= lr * m / (sqrt(v) + eps).
  void (*adam_step)(float* w, float* m, float* v, const float* g, std::size_t n,
                    const AdamParams& params);

  // C[i*ldc + j] = dot(A row i, B row j) over k, for i < m, j < n: scoring a batch of vectors
  // against many rows (exact inference). Row-major, leading dimensions in elements.
  void (*gemm_nt)(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k);
  // The same with bfloat16 inputs and float32 accumulation (AMX tiles where present).
  void (*gemm_nt_bf16)(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                       std::size_t ldc, std::size_t m, std::size_t n, std::size_t k);

  // y += alpha * x with x in bfloat16 (widened exactly to float32): the backward pass of the
  // bf16-weights mode reads the bf16 copy of an output row it has just read for the forward dot.
  void (*axpy_bf16)(float alpha, const bf16* x, float* y, std::size_t n);
};

// Bound of the exp used by softmax and exp in every set, relative to the exact value, for
// -87.3 <= x <= 88.7 (where the result is a normal float). Measured over every float in that range
// (2,237,661,186 values; the disabled test KernelsTest.DISABLED_ExpEveryFloat): the worst is
// 8.53e-8 (1.43 * 2^-24, reached at x = -5.89112949 in the FMA sets; 8.31e-8 in scalar), the
// float rounding of the result alone accounting for up to 2^-24 = 5.96e-8.
inline constexpr double kExpMaxRelativeError = 1.0e-7;

}  // namespace slide::simd
