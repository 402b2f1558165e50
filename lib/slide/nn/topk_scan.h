#pragma once

// The inner loop of exact top-k inference: add the output bias to a row of scores and offer each
// score to a best-first top-k array, skipping, 16 at a time, scores that cannot enter. Chosen once
// from the active kernel set: an AVX-512 version (topk_scan_avx512.cc, compiled with those
// flags) where the CPU and SLIDE_KERNELS allow it, portable code otherwise. Both give identical
// results (ties keep the earlier, smaller id).

#include <cstddef>
#include <cstdint>

namespace slide::nn::detail {

// scores/ids: k entries, best first (initially -inf / any id). bias may be null.
using TopkScanFn = void (*)(const float* c, const float* bias, std::size_t n,
                            std::uint32_t first_id, float* scores, std::uint32_t* ids,
                            std::size_t k);

void topk_scan_portable(const float* c, const float* bias, std::size_t n, std::uint32_t first_id,
                        float* scores, std::uint32_t* ids, std::size_t k);
void topk_scan_avx512(const float* c, const float* bias, std::size_t n, std::uint32_t first_id,
                      float* scores, std::uint32_t* ids, std::size_t k);

// The version for this machine and the active kernel set.
TopkScanFn topk_scan();

}  // namespace slide::nn::detail
