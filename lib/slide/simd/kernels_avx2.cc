// AVX2 + FMA (+F16C) kernels: 8 floats per register, several accumulators, scalar loops for the
// tails. AVX2 has no bf16 arithmetic, so the bf16 kernels widen bf16 to float (shift left by 16)
// and use FMA.
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "slide/simd/exp_constants.h"
#include "slide/simd/isa_common.h"
#include "slide/simd/kernel_tables.h"

namespace slide::simd {
namespace {

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

float dot(const float* a, const float* b, std::size_t n);
float dot_bf16(const bf16* a, const bf16* b, std::size_t n);

// Element policies of the shared kernel bodies (see isa_common.h): bf16 is widened to float (AVX2
// has no bf16 arithmetic); scalar() converts one element for the scalar tails.
struct F32 {
  using T = float;
  static constexpr std::size_t kWidth = 8;
  static __m256 load(const float* p) { return _mm256_loadu_ps(p); }
  static __m256 fma(__m256 acc, __m256 a, __m256 b) { return _mm256_fmadd_ps(a, b, acc); }
  static float scalar(float f) { return f; }
  static float one_row(const float* a, const float* b, std::size_t n) { return dot(a, b, n); }
};

struct Bf16 {
  using T = bf16;
  static constexpr std::size_t kWidth = 8;
  static __m256 load(const bf16* p) { return bf16_widen8(p); }
  static __m256 fma(__m256 acc, __m256 a, __m256 b) { return _mm256_fmadd_ps(a, b, acc); }
  static float scalar(bf16 h) { return bf16_scalar(h); }
  static float one_row(const bf16* a, const bf16* b, std::size_t n) { return dot_bf16(a, b, n); }
};

// A dense dot: U accumulators, then the elements left over one by one.
template <typename E, int U>
[[gnu::always_inline]] inline float dot_scalar_tail(const typename E::T* a, const typename E::T* b,
                                                    std::size_t n) {
  __m256 s[U];
  std::size_t i = dot_chunks<E, U>(a, b, n, s);
  float sum = hsum(sum_pairwise<U>(s));
  for (; i < n; ++i) sum += E::scalar(a[i]) * E::scalar(b[i]);
  return sum;
}

float dot(const float* a, const float* b, std::size_t n) {
  return dot_scalar_tail<F32, 4>(a, b, n);
}

float dot_bf16(const bf16* a, const bf16* b, std::size_t n) {
  return dot_scalar_tail<Bf16, 2>(a, b, n);
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

// dot_rows block (see dot_rows_blocked): x against 4 rows, 8-float chunks, scalar tail.
template <typename E>
struct DotRowsBlock {
  static constexpr std::size_t kRows = 4;
  using T = typename E::T;
  [[gnu::always_inline]] static void rows(const T* x, const T* const* r, std::size_t n,
                                          float* out) {
    __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                   _mm256_setzero_ps()};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8) {
      const __m256 xv = E::load(x + p);
      for (int q = 0; q < 4; ++q) s[q] = E::fma(s[q], xv, E::load(r[q] + p));
    }
    for (int q = 0; q < 4; ++q) {
      float t = hsum(s[q]);
      for (std::size_t e = p; e < n; ++e) t += E::scalar(x[e]) * E::scalar(r[q][e]);
      out[q] = t;
    }
  }
  static float one_row(const T* x, const T* row, std::size_t n) { return E::one_row(x, row, n); }
};

void dot_rows(const float* x, const float* rows, std::size_t stride, const std::uint32_t* ids,
              std::size_t count, std::size_t n, float* out) {
  dot_rows_blocked<DotRowsBlock<F32>>(x, rows, stride, ids, count, n, out);
}

void dot_rows_bf16(const bf16* x, const bf16* rows, std::size_t stride, const std::uint32_t* ids,
                   std::size_t count, std::size_t n, float* out) {
  dot_rows_blocked<DotRowsBlock<Bf16>>(x, rows, stride, ids, count, n, out);
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

// gemm_nt block (see gemm_nt_blocked): MR rows of A by 2 rows of B (8 accumulators when MR = 4,
// which with the B registers fits the 16 ymm registers), 8-float chunks of k, scalar tail of k.
template <typename E>
struct GemmBlock {
  static constexpr std::size_t kCols = 2;
  using T = typename E::T;
  template <int MR>
  [[gnu::always_inline]] static void run(const T* const* ar, const T* const* br, std::size_t k,
                                         float* res) {
    __m256 acc[8];
    for (int t = 0; t < 8; ++t) acc[t] = _mm256_setzero_ps();
    std::size_t p = 0;
    for (; p + 8 <= k; p += 8) {
      const __m256 b0 = E::load(br[0] + p), b1 = E::load(br[1] + p);
      for (int r = 0; r < MR; ++r) {
        const __m256 av = E::load(ar[r] + p);
        acc[r * 2] = E::fma(acc[r * 2], av, b0);
        acc[r * 2 + 1] = E::fma(acc[r * 2 + 1], av, b1);
      }
    }
    _mm256_storeu_ps(res, reduce8(acc));
    for (; p < k; ++p) {
      for (int r = 0; r < MR; ++r) {
        for (int q = 0; q < 2; ++q) res[r * 2 + q] += E::scalar(ar[r][p]) * E::scalar(br[q][p]);
      }
    }
  }
};

void gemm_nt(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
             std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  gemm_nt_blocked<GemmBlock<F32>>(a, lda, b, ldb, c, ldc, m, n, k);
}

void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  gemm_nt_blocked<GemmBlock<Bf16>>(a, lda, b, ldb, c, ldc, m, n, k);
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
