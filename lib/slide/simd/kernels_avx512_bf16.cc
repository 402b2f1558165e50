// AVX512_BF16 kernels: vdpbf16ps (32 bf16 products per instruction, pairs summed into float lanes)
// for the bf16 dots and gemm, vcvtne2ps2bf16 for float -> bf16. Every other kernel is the avx512
// set's. Hardware semantics to know: vdpbf16ps treats bf16 denormal inputs as zero and flushes
// denormal results (DAZ/FTZ, whatever MXCSR says); vcvtne2ps2bf16 flushes denormal inputs to
// (signed) zero, so f32_to_bf16 recomputes those lanes by integer rounding to stay bit-exact with
// the scalar set.
// <immintrin.h> comes from avx512_common.h, which silences GCC 12's spurious warnings around it.
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

float dot_bf16(const bf16* a, const bf16* b, std::size_t n);

// Element policy of the shared kernel bodies (see isa_common.h, avx512_common.h): 32 bf16 per
// chunk, each pair of products summed into one float lane by vdpbf16ps. Contiguous rows are already
// in the pair layout vdpbf16ps wants, so nothing is repacked.
struct Bf16Pairs {
  using T = bf16;
  using Vec = __m512bh;
  static constexpr std::size_t kWidth = 32;
  static __mmask32 tail(std::size_t r) { return tail_mask32(r); }
  static __m512bh load(const bf16* p) { return load_bh(p); }
  static __m512bh load(__mmask32 m, const bf16* p) { return load_bh(m, p); }
  static __m512 fma(__m512 acc, __m512bh a, __m512bh b) { return _mm512_dpbf16_ps(acc, a, b); }
  static float one_row(const bf16* a, const bf16* b, std::size_t n) { return dot_bf16(a, b, n); }
};

float dot_bf16(const bf16* a, const bf16* b, std::size_t n) {
  return dot_masked_tail<Bf16Pairs, 4, 0>(a, b, n);
}

void dot_rows_bf16(const bf16* x, const bf16* rows, std::size_t stride, const std::uint32_t* ids,
                   std::size_t count, std::size_t n, float* out) {
  dot_rows_blocked<DotRowsBlock<Bf16Pairs, 4>>(x, rows, stride, ids, count, n, out);
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

void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  gemm_nt_blocked<GemmBlock<Bf16Pairs>>(a, lda, b, ldb, c, ldc, m, n, k);
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
