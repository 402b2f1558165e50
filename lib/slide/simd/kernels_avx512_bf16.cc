// AVX512_BF16 kernels: vdpbf16ps (32 bf16 products per instruction, pairs summed into float lanes)
// for the bf16 dots and gemm, vcvtne2ps2bf16 for float -> bf16. Every other kernel is the avx512
// set's. Hardware semantics to know: vdpbf16ps treats bf16 denormal inputs as zero and flushes
// denormal results (DAZ/FTZ, whatever MXCSR says); vcvtne2ps2bf16 flushes denormal inputs to
// (signed) zero, so f32_to_bf16 recomputes those lanes by integer rounding to stay bit-exact with
// the scalar set.
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

inline __m512bh load_bh(const bf16* p) {
  return (__m512bh)_mm512_loadu_si512(p);
}
inline __m512bh load_bh(__mmask32 k, const bf16* p) {
  return (__m512bh)_mm512_maskz_loadu_epi16(k, p);
}

float dot_bf16(const bf16* a, const bf16* b, std::size_t n) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    s0 = _mm512_dpbf16_ps(s0, load_bh(a + i), load_bh(b + i));
    s1 = _mm512_dpbf16_ps(s1, load_bh(a + i + 32), load_bh(b + i + 32));
    s2 = _mm512_dpbf16_ps(s2, load_bh(a + i + 64), load_bh(b + i + 64));
    s3 = _mm512_dpbf16_ps(s3, load_bh(a + i + 96), load_bh(b + i + 96));
  }
  for (; i < n; i += 32) {
    const __mmask32 k = n - i >= 32 ? __mmask32(0xFFFFFFFFu) : tail_mask32(n - i);
    s0 = _mm512_dpbf16_ps(s0, load_bh(k, a + i), load_bh(k, b + i));
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

constexpr std::size_t kPrefetchAhead = 8;

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
    for (std::size_t p = 0; p < n; p += 32) {
      const __mmask32 k = n - p >= 32 ? __mmask32(0xFFFFFFFFu) : tail_mask32(n - p);
      const __m512bh xv = load_bh(k, x + p);
      for (int q = 0; q < 4; ++q) s[q] = _mm512_dpbf16_ps(s[q], xv, load_bh(k, r[q] + p));
    }
    for (int q = 0; q < 4; ++q) out[i + q] = _mm512_reduce_add_ps(s[q]);
  }
  for (; i < count; ++i) out[i] = dot_bf16(x, rows + std::size_t{ids[i]} * stride, n);
}

// Lanes holding a nonzero denormal: |bits| - 1 < 0x007FFFFF (unsigned).
inline __mmask16 denormal_lanes(__m512 f) {
  const __m512i mag = _mm512_and_si512(_mm512_castps_si512(f), _mm512_set1_epi32(0x7FFFFFFF));
  return _mm512_cmplt_epu32_mask(_mm512_sub_epi32(mag, _mm512_set1_epi32(1)),
                                 _mm512_set1_epi32(0x007FFFFF));
}

void f32_to_bf16(const float* in, bf16* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 32) {
    const std::size_t left = n - i;
    const __mmask16 k0 = left >= 16 ? __mmask16(0xFFFF) : tail_mask16(left);
    const __mmask16 k1 =
        left >= 32 ? __mmask16(0xFFFF) : (left > 16 ? tail_mask16(left - 16) : __mmask16(0));
    const __m512 lo = _mm512_maskz_loadu_ps(k0, in + i);
    const __m512 hi = _mm512_maskz_loadu_ps(k1, in + i + 16);
    __m512i r = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
    const __mmask16 d0 = denormal_lanes(lo), d1 = denormal_lanes(hi);
    if ((d0 | d1) != 0) [[unlikely]] {
      const __m512i fixed =
          _mm512_inserti64x4(_mm512_castsi256_si512(bf16_round16(lo)), bf16_round16(hi), 1);
      r = _mm512_mask_mov_epi16(r, static_cast<__mmask32>(d0 | (std::uint32_t{d1} << 16)), fixed);
    }
    const __mmask32 k = static_cast<__mmask32>(k0 | (std::uint32_t{k1} << 16));
    _mm512_mask_storeu_epi16(out + i, k, r);
  }
}

// gemm_nt over bf16 with vdpbf16ps: 4x4 blocks, 32 bf16 of k per instruction. Contiguous rows are
// already in the pair layout vdpbf16ps wants, so nothing is repacked.
template <int MR>
[[gnu::always_inline]] inline void gemm_block(const bf16* const* ar, const bf16* const* br,
                                              std::size_t k, float* res) {
  __m512 acc[MR * 4];
  for (int t = 0; t < MR * 4; ++t) acc[t] = _mm512_setzero_ps();
  std::size_t p = 0;
  for (; p + 32 <= k; p += 32) {
    __m512bh bv[4];
    for (int c = 0; c < 4; ++c) bv[c] = load_bh(br[c] + p);
    for (int r = 0; r < MR; ++r) {
      const __m512bh av = load_bh(ar[r] + p);
      for (int c = 0; c < 4; ++c) acc[r * 4 + c] = _mm512_dpbf16_ps(acc[r * 4 + c], av, bv[c]);
    }
  }
  if (p < k) {
    const __mmask32 m = tail_mask32(k - p);
    __m512bh bv[4];
    for (int c = 0; c < 4; ++c) bv[c] = load_bh(m, br[c] + p);
    for (int r = 0; r < MR; ++r) {
      const __m512bh av = load_bh(m, ar[r] + p);
      for (int c = 0; c < 4; ++c) acc[r * 4 + c] = _mm512_dpbf16_ps(acc[r * 4 + c], av, bv[c]);
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
      gemm_block<4>(ar, br, k, res);
      for (std::size_t r = 0; r < 4; ++r) {
        for (std::size_t q = 0; q < nr; ++q) c[(i + r) * ldc + j + q] = res[r * 4 + q];
      }
    }
    for (; i < m; ++i) {
      const bf16* ar[1] = {a + i * lda};
      gemm_block<1>(ar, br, k, res);
      for (std::size_t q = 0; q < nr; ++q) c[i * ldc + j + q] = res[q];
    }
  }
}

Kernels make_table() {
  Kernels table = avx512_kernels();
  table.name = "avx512-bf16";
  table.f32_to_bf16 = f32_to_bf16;
  table.dot_bf16 = dot_bf16;
  table.dot_rows_bf16 = dot_rows_bf16;
  table.gemm_nt_bf16 = gemm_nt_bf16;
  return table;
}

}  // namespace

const Kernels& avx512_bf16_kernels() {
  static const Kernels table = make_table();
  return table;
}

}  // namespace slide::simd
