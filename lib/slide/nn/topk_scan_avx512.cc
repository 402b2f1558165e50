// AVX-512 top-k scan (see topk_scan.h). Compiled with AVX-512 flags: this file includes no
// standard header that defines inline functions or templates, so no code built for AVX-512 can
// be shared (COMDAT-folded) with code that runs on CPUs without it. Only called after the
// dispatcher has checked the CPU.

#include <immintrin.h>

#include "slide/nn/topk_scan.h"
#include "slide/nn/topk_scan_offer.h"

namespace slide::nn::detail {

void topk_scan_avx512(const float* c, const float* bias, std::size_t n, std::uint32_t first_id,
                      float* scores, std::uint32_t* ids, std::size_t k) {
  alignas(64) float v[16];
  std::size_t j = 0;
  __m512 threshold = _mm512_set1_ps(scores[k - 1]);
  for (; j + 16 <= n; j += 16) {
    __m512 x = _mm512_loadu_ps(c + j);
    if (bias) x = _mm512_add_ps(x, _mm512_loadu_ps(bias + j));
    __mmask16 mask = _mm512_cmp_ps_mask(x, threshold, _CMP_GT_OQ);
    if (mask == 0) continue;
    _mm512_store_ps(v, x);
    // Lanes in increasing order, so ties keep the smaller id as in the portable version.
    while (mask) {
      const unsigned t = static_cast<unsigned>(__builtin_ctz(mask));
      mask = static_cast<__mmask16>(mask & (mask - 1));
      offer(scores, ids, k, v[t], first_id + static_cast<std::uint32_t>(j + t));
    }
    threshold = _mm512_set1_ps(scores[k - 1]);
  }
  for (; j < n; ++j) {
    offer(scores, ids, k, c[j] + (bias ? bias[j] : 0.0f), first_id + static_cast<std::uint32_t>(j));
  }
}

}  // namespace slide::nn::detail
