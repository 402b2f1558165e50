#pragma once

// The insertion step shared by topk_scan.cc and topk_scan_avx512.cc. The AVX-512 file is compiled
// with AVX-512 flags, so this function is in an anonymous namespace: each of the two files gets its
// own copy with internal linkage, and the linker cannot pick the AVX-512 build of it for the
// portable scan, which runs on every CPU.

#include <cstddef>
#include <cstdint>

namespace slide::nn::detail {
namespace {  // NOLINT(google-build-namespaces): one copy per instruction set is the point.

// Inserts (score, id) into the best-first arrays if it beats the last entry. Strictly greater, and
// ties placed after their equals, so that of equal scores the one offered first (the smaller id)
// ranks first.
inline void offer(float* scores, std::uint32_t* ids, std::size_t k, float score, std::uint32_t id) {
  if (!(score > scores[k - 1])) return;
  std::size_t pos = k - 1;
  while (pos > 0 && score > scores[pos - 1]) {
    scores[pos] = scores[pos - 1];
    ids[pos] = ids[pos - 1];
    --pos;
  }
  scores[pos] = score;
  ids[pos] = id;
}

}  // namespace
}  // namespace slide::nn::detail
