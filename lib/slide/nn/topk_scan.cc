#include "slide/nn/topk_scan.h"

#include "slide/nn/topk_scan_offer.h"
#include "slide/simd/dispatch.h"

namespace slide::nn::detail {

void topk_scan_portable(const float* c, const float* bias, std::size_t n, std::uint32_t first_id,
                        float* scores, std::uint32_t* ids, std::size_t k) {
  float v[16];
  std::size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const float threshold = scores[k - 1];
    int any = 0;
    for (std::size_t t = 0; t < 16; ++t) {
      v[t] = c[j + t] + (bias ? bias[j + t] : 0.0f);
      any |= v[t] > threshold;
    }
    if (!any) continue;
    for (std::size_t t = 0; t < 16; ++t) {
      offer(scores, ids, k, v[t], first_id + static_cast<std::uint32_t>(j + t));
    }
  }
  for (; j < n; ++j) {
    offer(scores, ids, k, c[j] + (bias ? bias[j] : 0.0f), first_id + static_cast<std::uint32_t>(j));
  }
}

TopkScanFn topk_scan() {
  return simd::active_kernel_set() >= simd::KernelSet::avx512 ? topk_scan_avx512
                                                              : topk_scan_portable;
}

}  // namespace slide::nn::detail
