// AVX-512 (F, BW, DQ, VL) kernels: 16 floats per register, several independent accumulators to
// hide the FMA latency, masked loads and stores for the tails (no scalar remainder loops).
// GCC 12's avx512*intrin.h initialise their "undefined" vectors from themselves, which
// -Wuninitialized reports at every inlined use (GCC PR 105593, fixed in GCC 13). Silenced for the
// header's own lines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstdint>

#include "slide/simd/avx512_common.h"
#include "slide/simd/kernel_tables.h"

namespace slide::simd {
namespace {

float dot(const float* a, const float* b, std::size_t n) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
    s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
  }
  for (; i + 16 <= n; i += 16) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
  }
  if (i < n) {
    const __mmask16 k = tail_mask16(n - i);
    s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, a + i), _mm512_maskz_loadu_ps(k, b + i), s1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
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

// Plain scalar updates, four per iteration. Measured on Zen 4 (kernels_bench, nnz 128-1024 into a
// 4096-float row): gather + FMA + scatter 2.4 GFLOP/s, gather + FMA + eight scalar stores 3.5,
// this loop 5.1-5.2. The indices being distinct, the four updates are independent.
void sparse_axpy(float alpha, const std::uint32_t* index, const float* value, std::size_t nnz,
                 float* dense) {
  std::size_t i = 0;
  for (; i + 4 <= nnz; i += 4) {
    const float d0 = dense[index[i]] + alpha * value[i];
    const float d1 = dense[index[i + 1]] + alpha * value[i + 1];
    const float d2 = dense[index[i + 2]] + alpha * value[i + 2];
    const float d3 = dense[index[i + 3]] + alpha * value[i + 3];
    dense[index[i]] = d0;
    dense[index[i + 1]] = d1;
    dense[index[i + 2]] = d2;
    dense[index[i + 3]] = d3;
  }
  for (; i < nnz; ++i) dense[index[i]] += alpha * value[i];
}

// Rows are processed two at a time (two independent FMA chains sharing each load of x) while the
// rows eight ids ahead are prefetched. In a standalone test on Zen 4 (random 512-byte rows of a
// 343 MB matrix, one core, noisy shared VM) two rows per block were consistently a little faster
// than one, three, four or eight, and the prefetch distance (0-128 rows) made little difference:
// the loop is bound by how many cache misses one core keeps in flight (docs/PERFORMANCE.md).
constexpr std::size_t kPrefetchAhead = 8;

void dot_rows(const float* x, const float* rows, std::size_t stride, const std::uint32_t* ids,
              std::size_t count, std::size_t n, float* out) {
  const std::size_t row_bytes = n * sizeof(float);
  for (std::size_t i = 0; i < min_size(count, kPrefetchAhead); ++i) {
    prefetch_row(rows + std::size_t{ids[i]} * stride, row_bytes);
  }
  std::size_t i = 0;
  for (; i + 2 <= count; i += 2) {
    for (std::size_t j = i + kPrefetchAhead; j < min_size(count, i + kPrefetchAhead + 2); ++j) {
      prefetch_row(rows + std::size_t{ids[j]} * stride, row_bytes);
    }
    const float* r0 = rows + std::size_t{ids[i]} * stride;
    const float* r1 = rows + std::size_t{ids[i + 1]} * stride;
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    std::size_t p = 0;
    for (; p + 16 <= n; p += 16) {
      const __m512 xv = _mm512_loadu_ps(x + p);
      s0 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(r0 + p), s0);
      s1 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(r1 + p), s1);
    }
    if (p < n) {
      const __mmask16 k = tail_mask16(n - p);
      const __m512 xv = _mm512_maskz_loadu_ps(k, x + p);
      s0 = _mm512_fmadd_ps(xv, _mm512_maskz_loadu_ps(k, r0 + p), s0);
      s1 = _mm512_fmadd_ps(xv, _mm512_maskz_loadu_ps(k, r1 + p), s1);
    }
    out[i] = _mm512_reduce_add_ps(s0);
    out[i + 1] = _mm512_reduce_add_ps(s1);
  }
  if (i < count) out[i] = dot(x, rows + std::size_t{ids[i]} * stride, n);
}

float dot_bf16(const bf16* a, const bf16* b, std::size_t n) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i* pa = reinterpret_cast<const __m256i*>(a + i);
    const __m256i* pb = reinterpret_cast<const __m256i*>(b + i);
    s0 = _mm512_fmadd_ps(bf16_widen16(_mm256_loadu_si256(pa)), bf16_widen16(_mm256_loadu_si256(pb)),
                         s0);
    s1 = _mm512_fmadd_ps(bf16_widen16(_mm256_loadu_si256(pa + 1)),
                         bf16_widen16(_mm256_loadu_si256(pb + 1)), s1);
  }
  for (; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    s0 = _mm512_fmadd_ps(bf16_widen16(_mm256_maskz_loadu_epi16(k, a + i)),
                         bf16_widen16(_mm256_maskz_loadu_epi16(k, b + i)), s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

void dot_rows_bf16(const bf16* x, const bf16* rows, std::size_t stride, const std::uint32_t* ids,
                   std::size_t count, std::size_t n, float* out) {
  const std::size_t row_bytes = n * sizeof(bf16);
  for (std::size_t i = 0; i < min_size(count, kPrefetchAhead); ++i) {
    prefetch_row(rows + std::size_t{ids[i]} * stride, row_bytes);
  }
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    for (std::size_t j = i + kPrefetchAhead; j < min_size(count, i + kPrefetchAhead + 4); ++j) {
      prefetch_row(rows + std::size_t{ids[j]} * stride, row_bytes);
    }
    const bf16* r[4];
    for (int q = 0; q < 4; ++q) r[q] = rows + std::size_t{ids[i + q]} * stride;
    __m512 s[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                   _mm512_setzero_ps()};
    for (std::size_t p = 0; p < n; p += 16) {
      const __mmask16 k = n - p >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - p);
      const __m512 xv = bf16_widen16(_mm256_maskz_loadu_epi16(k, x + p));
      for (int q = 0; q < 4; ++q) {
        s[q] = _mm512_fmadd_ps(xv, bf16_widen16(_mm256_maskz_loadu_epi16(k, r[q] + p)), s[q]);
      }
    }
    for (int q = 0; q < 4; ++q) out[i + q] = _mm512_reduce_add_ps(s[q]);
  }
  for (; i < count; ++i) out[i] = dot_bf16(x, rows + std::size_t{ids[i]} * stride, n);
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

// gemm_nt: blocks of MR rows of A by 4 rows of B, 4*MR accumulators over 16-float chunks of k
// (each chunk: MR + 4 loads for 4*MR FMAs), reduced at the end. Loop order: a 4-row panel of B
// (2 KiB for k = 128) stays in L1 while every block of A (from L2) passes over it, so B, the big
// operand, streams from memory once.
template <int MR>
[[gnu::always_inline]] inline void gemm_block(const float* const* ar, const float* const* br,
                                              std::size_t k, float* res) {
  __m512 acc[MR * 4];
  for (int t = 0; t < MR * 4; ++t) acc[t] = _mm512_setzero_ps();
  std::size_t p = 0;
  for (; p + 16 <= k; p += 16) {
    __m512 bv[4];
    for (int c = 0; c < 4; ++c) bv[c] = _mm512_loadu_ps(br[c] + p);
    for (int r = 0; r < MR; ++r) {
      const __m512 av = _mm512_loadu_ps(ar[r] + p);
      for (int c = 0; c < 4; ++c) acc[r * 4 + c] = _mm512_fmadd_ps(av, bv[c], acc[r * 4 + c]);
    }
  }
  if (p < k) {
    const __mmask16 m = tail_mask16(k - p);
    __m512 bv[4];
    for (int c = 0; c < 4; ++c) bv[c] = _mm512_maskz_loadu_ps(m, br[c] + p);
    for (int r = 0; r < MR; ++r) {
      const __m512 av = _mm512_maskz_loadu_ps(m, ar[r] + p);
      for (int c = 0; c < 4; ++c) acc[r * 4 + c] = _mm512_fmadd_ps(av, bv[c], acc[r * 4 + c]);
    }
  }
  if constexpr (MR == 4) {
    _mm512_storeu_ps(res, reduce16(acc));
  } else {
    for (int t = 0; t < MR * 4; ++t) res[t] = _mm512_reduce_add_ps(acc[t]);
  }
}

void gemm_nt(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
             std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  float res[16];
  for (std::size_t j = 0; j < n; j += 4) {
    const std::size_t nr = min_size(4, n - j);
    const float* br[4];
    // Past the edge, repeat the last row: computed, never stored.
    for (std::size_t q = 0; q < 4; ++q) br[q] = b + (j + min_size(q, nr - 1)) * ldb;
    std::size_t i = 0;
    for (; i + 4 <= m; i += 4) {
      const float* ar[4] = {a + i * lda, a + (i + 1) * lda, a + (i + 2) * lda, a + (i + 3) * lda};
      gemm_block<4>(ar, br, k, res);
      for (std::size_t r = 0; r < 4; ++r) {
        for (std::size_t q = 0; q < nr; ++q) c[(i + r) * ldc + j + q] = res[r * 4 + q];
      }
    }
    for (; i < m; ++i) {
      const float* ar[1] = {a + i * lda};
      gemm_block<1>(ar, br, k, res);
      for (std::size_t q = 0; q < nr; ++q) c[i * ldc + j + q] = res[q];
    }
  }
}

// The same blocking over bfloat16, widened to float in registers (no bf16 arithmetic in this set).
template <int MR>
[[gnu::always_inline]] inline void gemm_block_bf16(const bf16* const* ar, const bf16* const* br,
                                                   std::size_t k, float* res) {
  __m512 acc[MR * 4];
  for (int t = 0; t < MR * 4; ++t) acc[t] = _mm512_setzero_ps();
  for (std::size_t p = 0; p < k; p += 16) {
    const __mmask16 m = k - p >= 16 ? __mmask16(0xFFFF) : tail_mask16(k - p);
    __m512 bv[4];
    for (int c = 0; c < 4; ++c) bv[c] = bf16_widen16(_mm256_maskz_loadu_epi16(m, br[c] + p));
    for (int r = 0; r < MR; ++r) {
      const __m512 av = bf16_widen16(_mm256_maskz_loadu_epi16(m, ar[r] + p));
      for (int c = 0; c < 4; ++c) acc[r * 4 + c] = _mm512_fmadd_ps(av, bv[c], acc[r * 4 + c]);
    }
  }
  if constexpr (MR == 4) {
    _mm512_storeu_ps(res, reduce16(acc));
  } else {
    for (int t = 0; t < MR * 4; ++t) res[t] = _mm512_reduce_add_ps(acc[t]);
  }
}

void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  float res[16];
  for (std::size_t j = 0; j < n; j += 4) {
    const std::size_t nr = min_size(4, n - j);
    const bf16* br[4];
    for (std::size_t q = 0; q < 4; ++q) br[q] = b + (j + min_size(q, nr - 1)) * ldb;
    std::size_t i = 0;
    for (; i + 4 <= m; i += 4) {
      const bf16* ar[4] = {a + i * lda, a + (i + 1) * lda, a + (i + 2) * lda, a + (i + 3) * lda};
      gemm_block_bf16<4>(ar, br, k, res);
      for (std::size_t r = 0; r < 4; ++r) {
        for (std::size_t q = 0; q < nr; ++q) c[(i + r) * ldc + j + q] = res[r * 4 + q];
      }
    }
    for (; i < m; ++i) {
      const bf16* ar[1] = {a + i * lda};
      gemm_block_bf16<1>(ar, br, k, res);
      for (std::size_t q = 0; q < nr; ++q) c[i * ldc + j + q] = res[q];
    }
  }
}

void axpy_bf16(float alpha, const bf16* x, float* y, std::size_t n) {
  const __m512 va = _mm512_set1_ps(alpha);
  for (std::size_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : tail_mask16(n - i);
    const __m512 xv = bf16_widen16(_mm256_maskz_loadu_epi16(k, x + i));
    _mm512_mask_storeu_ps(y + i, k, _mm512_fmadd_ps(va, xv, _mm512_maskz_loadu_ps(k, y + i)));
  }
}

constexpr Kernels kAvx512{
    "avx512",    dot,         axpy,     scale,   sparse_dot, sparse_axpy, dot_rows, dot_rows_bf16,
    f32_to_bf16, bf16_to_f32, dot_bf16, softmax, exp_kernel, adam_step,   gemm_nt,  gemm_nt_bf16,
    axpy_bf16};

}  // namespace

const Kernels& avx512_kernels() {
  return kAvx512;
}

}  // namespace slide::simd
