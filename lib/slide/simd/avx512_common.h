#pragma once

// Helpers shared by the AVX-512 translation units (kernels_avx512.cc, kernels_avx512_bf16.cc,
// kernels_amx.cc), which alone may include this header: it needs their -mavx512* flags. As in
// isa_common.h, which explains why, everything is in an anonymous namespace and no std template is
// instantiated, so that the linker can never hand code built with these flags to a smaller set.

// GCC 12's avx512*intrin.h initialise their "undefined" vectors from themselves, which
// -Wuninitialized reports at every inlined use (GCC PR 105593, fixed in GCC 13). Silenced for the
// header's own lines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>

#include "slide/simd/exp_constants.h"
#include "slide/simd/isa_common.h"

namespace slide::simd {
namespace {  // NOLINT(google-build-namespaces): internal linkage per ISA TU is the point.

inline __mmask16 tail_mask16(std::size_t r) {
  return static_cast<__mmask16>((1u << r) - 1u);  // r < 16
}
inline __mmask32 tail_mask32(std::size_t r) {
  return static_cast<__mmask32>((std::uint64_t{1} << r) - 1u);  // r < 32
}

// 16 vectors -> one vector whose lane t is the sum of the lanes of v[t]: a transpose-and-add tree
// (4 levels of shuffle+add, 30 shuffles and 15 adds instead of 16 full horizontal reductions).
inline __m512 reduce16(const __m512 v[16]) {
  __m512 s[8];
  for (int i = 0; i < 8; ++i) {
    // lanes 0-1: v[2i] halves summed, lanes 2-3: v[2i+1]
    s[i] = _mm512_add_ps(_mm512_shuffle_f32x4(v[2 * i], v[2 * i + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_f32x4(v[2 * i], v[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2)));
  }
  __m512 u[4];
  for (int j = 0; j < 4; ++j) {
    // 128-bit lane L: 4 partial sums of v[4j+L]
    u[j] = _mm512_add_ps(_mm512_shuffle_f32x4(s[2 * j], s[2 * j + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(s[2 * j], s[2 * j + 1], _MM_SHUFFLE(3, 1, 3, 1)));
  }
  __m512 w[2];
  for (int h = 0; h < 2; ++h) {
    // lane L: 2 partials of v[8h+L], then 2 of v[8h+4+L]
    w[h] = _mm512_add_ps(_mm512_shuffle_ps(u[2 * h], u[2 * h + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_ps(u[2 * h], u[2 * h + 1], _MM_SHUFFLE(3, 2, 3, 2)));
  }
  // lane L: v[L], v[4+L], v[8+L], v[12+L]; element 4L+q holds v[4q+L].
  const __m512 z = _mm512_add_ps(_mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                 _mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(3, 1, 3, 1)));
  const __m512i order =
      _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);  // t -> 4(t%4)+t/4
  return _mm512_permutexvar_ps(order, z);
}

// The exp of exp_constants.h, 16 lanes at a time.
inline __m512 exp16(__m512 x) {
  const __m512 hi = _mm512_set1_ps(kExpHi), lo = _mm512_set1_ps(kExpLo);
  const __mmask16 is_nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  const __mmask16 above = _mm512_cmp_ps_mask(x, hi, _CMP_GT_OQ);
  const __mmask16 below = _mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ);
  const __m512 xc = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
  const __m512 fn = _mm512_roundscale_ps(
      _mm512_add_ps(_mm512_mul_ps(xc, _mm512_set1_ps(kLog2e)), _mm512_set1_ps(0.5f)),
      _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(fn, _mm512_set1_ps(kLn2Hi), xc);
  r = _mm512_fnmadd_ps(fn, _mm512_set1_ps(kLn2Lo), r);
  __m512 p = _mm512_set1_ps(kExpPoly[0]);
  for (int t = 1; t < kExpPolyTerms; ++t) p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpPoly[t]));
  __m512 e = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r);
  e = _mm512_add_ps(e, _mm512_set1_ps(1.0f));
  const __m512i pow2 = _mm512_slli_epi32(_mm512_cvtps_epi32(fn), 23);
  __m512 y = _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(e), pow2));
  y = _mm512_mask_mov_ps(y, above, _mm512_set1_ps(__builtin_huge_valf()));
  y = _mm512_maskz_mov_ps(static_cast<__mmask16>(~below), y);
  return _mm512_mask_mov_ps(y, is_nan, x);
}

// float -> bfloat16 by integer rounding (nearest, ties to even; NaN made quiet), as the scalar set.
inline __m256i bf16_round16(__m512 f) {
  const __m512i bits = _mm512_castps_si512(f);
  const __m512i high = _mm512_srli_epi32(bits, 16);
  const __m512i bias =
      _mm512_add_epi32(_mm512_set1_epi32(0x7FFF), _mm512_and_si512(high, _mm512_set1_epi32(1)));
  __m512i r = _mm512_srli_epi32(_mm512_add_epi32(bits, bias), 16);
  const __mmask16 is_nan = _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q);
  r = _mm512_mask_mov_epi32(r, is_nan, _mm512_or_si512(high, _mm512_set1_epi32(0x40)));
  return _mm512_cvtepi32_epi16(r);
}

inline __m512 bf16_widen16(__m256i h) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

// The element policies of the AVX-512 sets (see isa_common.h) add Vec, the register a chunk is
// loaded into (for bf16 pairs not a float register), tail(r), the load mask of a last chunk of
// r < kWidth elements, and load(m, p), a masked load (masked-off elements zero). Full chunks use
// plain loads, the last one a masked load: no element past the end is read.

// A dense dot: U accumulators, then the last partial chunk into s[TailAcc] (which accumulator takes
// it is part of the summation order, kept as each kernel was first written).
template <typename E, int U, int TailAcc>
[[gnu::always_inline]] inline float dot_masked_tail(const typename E::T* a, const typename E::T* b,
                                                    std::size_t n) {
  __m512 s[U];
  const std::size_t i = dot_chunks<E, U>(a, b, n, s);
  if (i < n) {
    const auto m = E::tail(n - i);
    s[TailAcc] = E::fma(s[TailAcc], E::load(m, a + i), E::load(m, b + i));
  }
  return _mm512_reduce_add_ps(sum_pairwise<U>(s));
}

// One chunk of fma_rows, at element p; given a mask, the masked last one.
template <typename E, int Rows, int Cols, typename... Mask>
[[gnu::always_inline]] inline void fma_chunk(const typename E::T* const* ar,
                                             const typename E::T* const* br, std::size_t p,
                                             __m512* acc, Mask... mask) {
  typename E::Vec bv[Cols];
  for (int c = 0; c < Cols; ++c) bv[c] = E::load(mask..., br[c] + p);
  for (int r = 0; r < Rows; ++r) {
    const typename E::Vec av = E::load(mask..., ar[r] + p);
    for (int c = 0; c < Cols; ++c) acc[r * Cols + c] = E::fma(acc[r * Cols + c], av, bv[c]);
  }
}

// acc[r * Cols + c] = (row r of a) . (row c of b) over k elements, as Rows * Cols float lanes
// sums, reduced by the caller.
template <typename E, int Rows, int Cols>
[[gnu::always_inline]] inline void fma_rows(const typename E::T* const* ar,
                                            const typename E::T* const* br, std::size_t k,
                                            __m512* acc) {
  for (int t = 0; t < Rows * Cols; ++t) acc[t] = _mm512_setzero_ps();
  std::size_t p = 0;
  for (; p + E::kWidth <= k; p += E::kWidth) fma_chunk<E, Rows, Cols>(ar, br, p, acc);
  if (p < k) fma_chunk<E, Rows, Cols>(ar, br, p, acc, E::tail(k - p));
}

// dot_rows block (see dot_rows_blocked): x against Rows rows, a 1 x Rows block of gemm_nt.
template <typename E, int Rows>
struct DotRowsBlock {
  static constexpr std::size_t kRows = Rows;
  using T = typename E::T;
  [[gnu::always_inline]] static void rows(const T* x, const T* const* r, std::size_t n,
                                          float* out) {
    __m512 acc[Rows];
    fma_rows<E, 1, Rows>(&x, r, n, acc);
    for (int q = 0; q < Rows; ++q) out[q] = _mm512_reduce_add_ps(acc[q]);
  }
  static float one_row(const T* x, const T* row, std::size_t n) { return E::one_row(x, row, n); }
};

// gemm_nt block (see gemm_nt_blocked): MR rows of A by 4 rows of B, 4*MR accumulators over chunks
// of k (each chunk: MR + 4 loads for 4*MR FMAs), reduced at the end. Loop order: a 4-row panel of B
// (2 KiB for k = 128 floats) stays in L1 while every block of A (from L2) passes over it, so B, the
// big operand, streams from memory once.
template <typename E>
struct GemmBlock {
  static constexpr std::size_t kCols = 4;
  using T = typename E::T;
  template <int MR>
  [[gnu::always_inline]] static void run(const T* const* ar, const T* const* br, std::size_t k,
                                         float* res) {
    __m512 acc[MR * 4];
    fma_rows<E, MR, 4>(ar, br, k, acc);
    if constexpr (MR == 4) {
      _mm512_storeu_ps(res, reduce16(acc));
    } else {
      for (int t = 0; t < MR * 4; ++t) res[t] = _mm512_reduce_add_ps(acc[t]);
    }
  }
};

}  // namespace
}  // namespace slide::simd
