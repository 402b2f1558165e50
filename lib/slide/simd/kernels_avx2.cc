// AVX2 + FMA (+F16C) kernels: 8 floats per register, several accumulators, scalar loops for the
// tails. AVX2 has no bf16 arithmetic, so the bf16 kernels widen bf16 to float (shift left by 16)
// and use FMA.
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "slide/simd/exp_constants.h"
#include "slide/simd/kernel_tables.h"

namespace slide::simd {
namespace {

// Not std::min: a std template instantiated here would be an external (COMDAT) symbol compiled
// with -mavx2 that the linker may pick for the whole program (ANCHORS.md §7). For the same reason
// this TU instantiates no std templates at all.
inline std::size_t min_size(std::size_t a, std::size_t b) {
  return a < b ? a : b;
}

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// 8 vectors -> one vector whose lane t is the sum of v[t].
inline __m256 reduce8(const __m256 v[8]) {
  const __m256 t0 = _mm256_hadd_ps(v[0], v[1]), t1 = _mm256_hadd_ps(v[2], v[3]);
  const __m256 t2 = _mm256_hadd_ps(v[4], v[5]), t3 = _mm256_hadd_ps(v[6], v[7]);
  const __m256 u0 = _mm256_hadd_ps(t0, t1), u1 = _mm256_hadd_ps(t2, t3);
  return _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
}

inline float bf16_scalar(bf16 h) {
  const std::uint32_t bits = std::uint32_t{h} << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline bf16 round_bf16_scalar(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<bf16>((bits >> 16) | 0x40u);
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<bf16>(bits >> 16);
}

inline __m256 bf16_widen8(const bf16* p) {
  const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

float dot(const float* a, const float* b, std::size_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
    s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
  }
  for (; i + 8 <= n; i += 8) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  }
  float s = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

void axpy(float alpha, const float* x, float* y, std::size_t n) {
  const __m256 va = _mm256_set1_ps(alpha);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    _mm256_storeu_ps(y + i + 8,
                     _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8)));
  }
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] += alpha * x[i];
}

void scale(float alpha, float* x, std::size_t n) {
  const __m256 va = _mm256_set1_ps(alpha);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(va, _mm256_loadu_ps(x + i)));
  for (; i < n; ++i) x[i] *= alpha;
}

// Indices are signed 32-bit gather offsets: dense arrays must have < 2^31 elements.
float sparse_dot(const std::uint32_t* index, const float* value, std::size_t nnz,
                 const float* dense) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 <= nnz; i += 16) {
    const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(index + i));
    const __m256i i1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(index + i + 8));
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(value + i), _mm256_i32gather_ps(dense, i0, 4), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(value + i + 8), _mm256_i32gather_ps(dense, i1, 4), s1);
  }
  for (; i + 8 <= nnz; i += 8) {
    const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(index + i));
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(value + i), _mm256_i32gather_ps(dense, i0, 4), s0);
  }
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; i < nnz; ++i) s += value[i] * dense[index[i]];
  return s;
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

constexpr std::size_t kPrefetchAhead = 8;

inline void prefetch_row(const void* row, std::size_t bytes) {
  const char* p = static_cast<const char*>(row);
  for (std::size_t off = 0; off < bytes; off += 64) _mm_prefetch(p + off, _MM_HINT_T0);
  if (bytes) _mm_prefetch(p + bytes - 1, _MM_HINT_T0);
}

void dot_rows(const float* x, const float* rows, std::size_t stride, const std::uint32_t* ids,
              std::size_t count, std::size_t n, float* out) {
  const std::size_t row_bytes = n * sizeof(float);
  for (std::size_t i = 0; i < min_size(count, kPrefetchAhead); ++i) {
    prefetch_row(rows + std::size_t{ids[i]} * stride, row_bytes);
  }
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    for (std::size_t j = i + kPrefetchAhead; j < min_size(count, i + kPrefetchAhead + 4); ++j) {
      prefetch_row(rows + std::size_t{ids[j]} * stride, row_bytes);
    }
    const float* r[4];
    for (int q = 0; q < 4; ++q) r[q] = rows + std::size_t{ids[i + q]} * stride;
    __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                   _mm256_setzero_ps()};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8) {
      const __m256 xv = _mm256_loadu_ps(x + p);
      for (int q = 0; q < 4; ++q) s[q] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(r[q] + p), s[q]);
    }
    for (int q = 0; q < 4; ++q) {
      float t = hsum(s[q]);
      for (std::size_t e = p; e < n; ++e) t += x[e] * r[q][e];
      out[i + q] = t;
    }
  }
  for (; i < count; ++i) out[i] = dot(x, rows + std::size_t{ids[i]} * stride, n);
}

float dot_bf16(const bf16* a, const bf16* b, std::size_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(bf16_widen8(a + i), bf16_widen8(b + i), s0);
    s1 = _mm256_fmadd_ps(bf16_widen8(a + i + 8), bf16_widen8(b + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(bf16_widen8(a + i), bf16_widen8(b + i), s0);
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; i < n; ++i) s += bf16_scalar(a[i]) * bf16_scalar(b[i]);
  return s;
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
    __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                   _mm256_setzero_ps()};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8) {
      const __m256 xv = bf16_widen8(x + p);
      for (int q = 0; q < 4; ++q) s[q] = _mm256_fmadd_ps(xv, bf16_widen8(r[q] + p), s[q]);
    }
    for (int q = 0; q < 4; ++q) {
      float t = hsum(s[q]);
      for (std::size_t e = p; e < n; ++e) t += bf16_scalar(x[e]) * bf16_scalar(r[q][e]);
      out[i + q] = t;
    }
  }
  for (; i < count; ++i) out[i] = dot_bf16(x, rows + std::size_t{ids[i]} * stride, n);
}

void f32_to_bf16(const float* in, bf16* out, std::size_t n) {
  const __m256i one = _mm256_set1_epi32(1), bias = _mm256_set1_epi32(0x7FFF);
  const __m256i quiet = _mm256_set1_epi32(0x40);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 f = _mm256_loadu_ps(in + i);
    const __m256i bits = _mm256_castps_si256(f);
    const __m256i high = _mm256_srli_epi32(bits, 16);
    __m256i r = _mm256_srli_epi32(
        _mm256_add_epi32(bits, _mm256_add_epi32(bias, _mm256_and_si256(high, one))), 16);
    const __m256i is_nan = _mm256_castps_si256(_mm256_cmp_ps(f, f, _CMP_UNORD_Q));
    r = _mm256_blendv_epi8(r, _mm256_or_si256(high, quiet), is_nan);
    // packus interleaves 128-bit halves: [r0..3, r0..3 | r4..7, r4..7] -> pick qwords 0 and 2.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_castsi256_si128(packed));
  }
  for (; i < n; ++i) out[i] = round_bf16_scalar(in[i]);
}

void bf16_to_f32(const bf16* in, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, bf16_widen8(in + i));
  for (; i < n; ++i) out[i] = bf16_scalar(in[i]);
}

// The exp of exp_constants.h, 8 lanes at a time.
inline __m256 exp8(__m256 x) {
  const __m256 hi = _mm256_set1_ps(kExpHi), lo = _mm256_set1_ps(kExpLo);
  const __m256 is_nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
  const __m256 above = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
  const __m256 below = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
  const __m256 xc = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
  const __m256 fn = _mm256_floor_ps(
      _mm256_add_ps(_mm256_mul_ps(xc, _mm256_set1_ps(kLog2e)), _mm256_set1_ps(0.5f)));
  __m256 r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(kLn2Hi), xc);
  r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(kLn2Lo), r);
  __m256 p = _mm256_set1_ps(kExpPoly[0]);
  for (int t = 1; t < kExpPolyTerms; ++t) p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kExpPoly[t]));
  __m256 e = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r);
  e = _mm256_add_ps(e, _mm256_set1_ps(1.0f));
  const __m256i pow2 = _mm256_slli_epi32(_mm256_cvtps_epi32(fn), 23);
  __m256 y = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(e), pow2));
  y = _mm256_blendv_ps(y, _mm256_set1_ps(HUGE_VALF), above);
  y = _mm256_andnot_ps(below, y);
  return _mm256_blendv_ps(y, x, is_nan);
}

inline void exp_tail(const float* x, float* y, std::size_t count) {
  alignas(32) float buf[8] = {};
  std::memcpy(buf, x, count * sizeof(float));
  _mm256_store_ps(buf, exp8(_mm256_load_ps(buf)));
  std::memcpy(y, buf, count * sizeof(float));
}

void exp_kernel(const float* x, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i)));
  if (i < n) exp_tail(x + i, y + i, n - i);
}

void softmax(float* x, std::size_t n) {
  if (n == 0) return;
  __m256 vmax = _mm256_set1_ps(x[0]);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + i));
  __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
  m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
  m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
  float mx = _mm_cvtss_f32(m4);
  for (; i < n; ++i) mx = x[i] > mx ? x[i] : mx;
  const __m256 m = _mm256_set1_ps(mx);
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  for (i = 0; i + 16 <= n; i += 16) {
    const __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
    const __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), m));
    _mm256_storeu_ps(x + i, e0);
    _mm256_storeu_ps(x + i + 8, e1);
    s0 = _mm256_add_ps(s0, e0);
    s1 = _mm256_add_ps(s1, e1);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
    _mm256_storeu_ps(x + i, e0);
    s0 = _mm256_add_ps(s0, e0);
  }
  float s = hsum(_mm256_add_ps(s0, s1));
  if (i < n) {
    alignas(32) float buf[8] = {};
    for (std::size_t e = i; e < n; ++e) buf[e - i] = x[e] - mx;
    exp_tail(buf, buf, n - i);
    for (std::size_t e = i; e < n; ++e) s += (x[e] = buf[e - i]);
  }
  const float inv = 1.0f / s;
  const __m256 vinv = _mm256_set1_ps(inv);
  for (i = 0; i + 8 <= n; i += 8)
    _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), vinv));
  for (; i < n; ++i) x[i] *= inv;
}

void adam_step(float* w, float* m, float* v, const float* g, std::size_t n,
               const AdamParams& params) {
  const float c1s = 1.0f - params.beta1, c2s = 1.0f - params.beta2;
  const __m256 b1 = _mm256_set1_ps(params.beta1), b2 = _mm256_set1_ps(params.beta2);
  const __m256 c1 = _mm256_set1_ps(c1s), c2 = _mm256_set1_ps(c2s);
  const __m256 lr = _mm256_set1_ps(params.learning_rate), eps = _mm256_set1_ps(params.epsilon);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 gv = _mm256_loadu_ps(g + i);
    const __m256 mv = _mm256_fmadd_ps(b1, _mm256_loadu_ps(m + i), _mm256_mul_ps(c1, gv));
    const __m256 vv =
        _mm256_fmadd_ps(b2, _mm256_loadu_ps(v + i), _mm256_mul_ps(c2, _mm256_mul_ps(gv, gv)));
    const __m256 step =
        _mm256_div_ps(_mm256_mul_ps(lr, mv), _mm256_add_ps(_mm256_sqrt_ps(vv), eps));
    _mm256_storeu_ps(m + i, mv);
    _mm256_storeu_ps(v + i, vv);
    _mm256_storeu_ps(w + i, _mm256_sub_ps(_mm256_loadu_ps(w + i), step));
  }
  for (; i < n; ++i) {
    m[i] = params.beta1 * m[i] + c1s * g[i];
    v[i] = params.beta2 * v[i] + c2s * (g[i] * g[i]);
    w[i] -= params.learning_rate * m[i] / (std::sqrt(v[i]) + params.epsilon);
  }
}

// gemm_nt: blocks of MR rows of A by 2 rows of B (8 accumulators when MR = 4, which with the B
// registers fits the 16 ymm registers), 8-float chunks of k, scalar tail of k.
template <int MR, typename T, typename Load, typename Scalar>
[[gnu::always_inline]] inline void gemm_block(const T* const* ar, const T* const* br, std::size_t k,
                                              float* res, Load load, Scalar scalar) {
  __m256 acc[8];
  for (int t = 0; t < 8; ++t) acc[t] = _mm256_setzero_ps();
  std::size_t p = 0;
  for (; p + 8 <= k; p += 8) {
    const __m256 b0 = load(br[0] + p), b1 = load(br[1] + p);
    for (int r = 0; r < MR; ++r) {
      const __m256 av = load(ar[r] + p);
      acc[r * 2] = _mm256_fmadd_ps(av, b0, acc[r * 2]);
      acc[r * 2 + 1] = _mm256_fmadd_ps(av, b1, acc[r * 2 + 1]);
    }
  }
  _mm256_storeu_ps(res, reduce8(acc));
  for (; p < k; ++p) {
    for (int r = 0; r < MR; ++r) {
      for (int q = 0; q < 2; ++q) res[r * 2 + q] += scalar(ar[r][p]) * scalar(br[q][p]);
    }
  }
}

template <typename T, typename Load, typename Scalar>
void gemm_nt_any(const T* a, std::size_t lda, const T* b, std::size_t ldb, float* c,
                 std::size_t ldc, std::size_t m, std::size_t n, std::size_t k, Load load,
                 Scalar scalar) {
  float res[8];
  for (std::size_t j = 0; j < n; j += 2) {
    const std::size_t nr = min_size(2, n - j);
    const T* br[2] = {b + j * ldb, b + (j + nr - 1) * ldb};
    std::size_t i = 0;
    for (; i + 4 <= m; i += 4) {
      const T* ar[4] = {a + i * lda, a + (i + 1) * lda, a + (i + 2) * lda, a + (i + 3) * lda};
      gemm_block<4>(ar, br, k, res, load, scalar);
      for (std::size_t r = 0; r < 4; ++r) {
        for (std::size_t q = 0; q < nr; ++q) c[(i + r) * ldc + j + q] = res[r * 2 + q];
      }
    }
    for (; i < m; ++i) {
      const T* ar[1] = {a + i * lda};
      gemm_block<1>(ar, br, k, res, load, scalar);
      for (std::size_t q = 0; q < nr; ++q) c[i * ldc + j + q] = res[q];
    }
  }
}

void gemm_nt(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
             std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  gemm_nt_any(
      a, lda, b, ldb, c, ldc, m, n, k, [](const float* p) { return _mm256_loadu_ps(p); },
      [](float f) { return f; });
}

void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  gemm_nt_any(
      a, lda, b, ldb, c, ldc, m, n, k, [](const bf16* p) { return bf16_widen8(p); },
      [](bf16 h) { return bf16_scalar(h); });
}

void axpy_bf16(float alpha, const bf16* x, float* y, std::size_t n) {
  const __m256 va = _mm256_set1_ps(alpha);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, bf16_widen8(x + i), _mm256_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] += alpha * bf16_scalar(x[i]);
}

constexpr Kernels kAvx2{"avx2",       dot,      axpy,          scale,       sparse_dot,
                        sparse_axpy,  dot_rows, dot_rows_bf16, f32_to_bf16, bf16_to_f32,
                        dot_bf16,     softmax,  exp_kernel,    adam_step,   gemm_nt,
                        gemm_nt_bf16, axpy_bf16};

}  // namespace

const Kernels& avx2_kernels() {
  return kAvx2;
}

}  // namespace slide::simd
