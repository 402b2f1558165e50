// AVX-512 (F, BW, DQ, VL) kernels: 16 floats per register, several independent accumulators to
// hide the FMA latency, masked loads and stores for the tails (no scalar remainder loops).
// <immintrin.h> comes from avx512_common.h, which silences GCC 12's spurious warnings around it.
#include <cstdint>

#include "slide/simd/avx512_common.h"
#include "slide/simd/kernel_tables.h"

namespace slide::simd {
namespace {

float dot(const float* a, const float* b, std::size_t n);
float dot_bf16(const bf16* a, const bf16* b, std::size_t n);

// Element policies of the shared kernel bodies (see isa_common.h, avx512_common.h). This set has no
// bf16 arithmetic: bf16 is widened to float in registers.
struct F32 {
  using T = float;
  using Vec = __m512;
  static constexpr std::size_t kWidth = 16;
  static __mmask16 tail(std::size_t r) { return tail_mask16(r); }
  static __m512 load(const float* p) { return _mm512_loadu_ps(p); }
  static __m512 load(__mmask16 m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static __m512 fma(__m512 acc, __m512 a, __m512 b) { return _mm512_fmadd_ps(a, b, acc); }
  static float one_row(const float* a, const float* b, std::size_t n) { return dot(a, b, n); }
};

struct Bf16 {
  using T = bf16;
  using Vec = __m512;
  static constexpr std::size_t kWidth = 16;
  static __mmask16 tail(std::size_t r) { return tail_mask16(r); }
  static __m512 load(const bf16* p) {
    return bf16_widen16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static __m512 load(__mmask16 m, const bf16* p) {
    return bf16_widen16(_mm256_maskz_loadu_epi16(m, p));
  }
  static __m512 fma(__m512 acc, __m512 a, __m512 b) { return _mm512_fmadd_ps(a, b, acc); }
  static float one_row(const bf16* a, const bf16* b, std::size_t n) { return dot_bf16(a, b, n); }
};

float dot(const float* a, const float* b, std::size_t n) {
  return dot_masked_tail<F32, 4, 1>(a, b, n);
}

void axpy(float alpha, const float* x, float* y, std::size_t n) {
  const __m512 va = _mm512_set1_ps(alpha);
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
    _mm512_storeu_ps(y + i + 16,
                     _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16)));
  }
  for (; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    _mm512_mask_storeu_ps(
        y + i, k,
        _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(k, x + i), _mm512_maskz_loadu_ps(k, y + i)));
  }
}

void scale(float alpha, float* x, std::size_t n) {
  const __m512 va = _mm512_set1_ps(alpha);
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    _mm512_mask_storeu_ps(x + i, k, _mm512_mul_ps(va, _mm512_maskz_loadu_ps(k, x + i)));
  }
}

// Indices are used as signed 32-bit gather offsets: dense arrays must have < 2^31 elements.
float sparse_dot(const std::uint32_t* index, const float* value, std::size_t nnz,
                 const float* dense) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= nnz; i += 32) {
    const __m512i i0 = _mm512_loadu_si512(index + i);
    const __m512i i1 = _mm512_loadu_si512(index + i + 16);
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(value + i), _mm512_i32gather_ps(i0, dense, 4), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(value + i + 16), _mm512_i32gather_ps(i1, dense, 4), s1);
  }
  for (; i < nnz; i += 16) {
    const __mmask16 k = nnz - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(nnz - i);
    const __m512i idx = _mm512_maskz_loadu_epi32(k, index + i);
    const __m512 g = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, idx, dense, 4);
    s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, value + i), g, s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

float dot_bf16(const bf16* a, const bf16* b, std::size_t n) {
  return dot_masked_tail<Bf16, 2, 0>(a, b, n);
}

// Two rows per block (two independent FMA chains sharing each load of x). In a standalone test on
// Zen 4 (random 512-byte rows of a 343 MB matrix, one core, noisy shared VM) two rows per block
// were consistently a little faster than one, three, four or eight.
void dot_rows(const float* x, const float* rows, std::size_t stride, const std::uint32_t* ids,
              std::size_t count, std::size_t n, float* out) {
  dot_rows_blocked<DotRowsBlock<F32, 2>>(x, rows, stride, ids, count, n, out);
}

void dot_rows_bf16(const bf16* x, const bf16* rows, std::size_t stride, const std::uint32_t* ids,
                   std::size_t count, std::size_t n, float* out) {
  dot_rows_blocked<DotRowsBlock<Bf16, 4>>(x, rows, stride, ids, count, n, out);
}

void f32_to_bf16(const float* in, bf16* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    _mm256_mask_storeu_epi16(out + i, k, bf16_round16(_mm512_maskz_loadu_ps(k, in + i)));
  }
}

void bf16_to_f32(const bf16* in, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    _mm512_mask_storeu_ps(out + i, k, bf16_widen16(_mm256_maskz_loadu_epi16(k, in + i)));
  }
}

void exp_kernel(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    _mm512_mask_storeu_ps(y + i, k, exp16(_mm512_maskz_loadu_ps(k, x + i)));
  }
}

void softmax(float* x, std::size_t n) {
  if (n == 0) return;
  const __m512 neg_inf = _mm512_set1_ps(-__builtin_huge_valf());
  __m512 vmax = neg_inf;
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    vmax = _mm512_max_ps(vmax, _mm512_mask_loadu_ps(neg_inf, k, x + i));
  }
  const __m512 m = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 e0 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), m));
    const __m512 e1 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i + 16), m));
    _mm512_storeu_ps(x + i, e0);
    _mm512_storeu_ps(x + i + 16, e1);
    s0 = _mm512_add_ps(s0, e0);
    s1 = _mm512_add_ps(s1, e1);
  }
  for (; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    const __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), m));
    _mm512_mask_storeu_ps(x + i, k, e);
    s0 = _mm512_mask_add_ps(s0, k, s0, e);
  }
  const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(_mm512_add_ps(s0, s1)));
  for (i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    _mm512_mask_storeu_ps(x + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), inv));
  }
}

void adam_step(float* w, float* m, float* v, const float* g, std::size_t n,
               const AdamParams& params) {
  const __m512 b1 = _mm512_set1_ps(params.beta1), b2 = _mm512_set1_ps(params.beta2);
  const __m512 c1 = _mm512_set1_ps(1.0f - params.beta1), c2 = _mm512_set1_ps(1.0f - params.beta2);
  const __m512 lr = _mm512_set1_ps(params.learning_rate), eps = _mm512_set1_ps(params.epsilon);
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    const __m512 gv = _mm512_maskz_loadu_ps(k, g + i);
    const __m512 mv = _mm512_fmadd_ps(b1, _mm512_maskz_loadu_ps(k, m + i), _mm512_mul_ps(c1, gv));
    const __m512 vv = _mm512_fmadd_ps(b2, _mm512_maskz_loadu_ps(k, v + i),
                                      _mm512_mul_ps(c2, _mm512_mul_ps(gv, gv)));
    const __m512 step =
        _mm512_div_ps(_mm512_mul_ps(lr, mv), _mm512_add_ps(_mm512_sqrt_ps(vv), eps));
    _mm512_mask_storeu_ps(m + i, k, mv);
    _mm512_mask_storeu_ps(v + i, k, vv);
    _mm512_mask_storeu_ps(w + i, k, _mm512_sub_ps(_mm512_maskz_loadu_ps(k, w + i), step));
  }
}

void gemm_nt(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
             std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  gemm_nt_blocked<GemmBlock<F32>>(a, lda, b, ldb, c, ldc, m, n, k);
}

void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  gemm_nt_blocked<GemmBlock<Bf16>>(a, lda, b, ldb, c, ldc, m, n, k);
}

void axpy_bf16(float alpha, const bf16* x, float* y, std::size_t n) {
  const __m512 va = _mm512_set1_ps(alpha);
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    const __m512 xv = bf16_widen16(_mm256_maskz_loadu_epi16(k, x + i));
    _mm512_mask_storeu_ps(y + i, k, _mm512_fmadd_ps(va, xv, _mm512_maskz_loadu_ps(k, y + i)));
  }
}

constexpr Kernels kAvx512{"avx512",     dot,      axpy,          scale,       sparse_dot,
                          sparse_axpy,  dot_rows, dot_rows_bf16, f32_to_bf16, bf16_to_f32,
                          dot_bf16,     softmax,  exp_kernel,    adam_step,   gemm_nt,
                          gemm_nt_bf16, axpy_bf16};

}  // namespace

const Kernels& avx512_kernels() {
  return kAvx512;
}

}  // namespace slide::simd
