#pragma once

// The body of the WTA block loop (see wta_block.h), included by each instruction-set file.
// Everything here has internal linkage (an unnamed namespace), so the copies compiled with
// different -m flags can never be merged by the linker into one that the CPU cannot run. It
// calls nothing from the standard library for the same reason.

#include <cstdint>

#include "slide/lsh/wta_block.h"

namespace slide::lsh {
namespace {

// GCC/Clang vector extensions of the including file's native width (SLIDE_WTA_VECTOR_BYTES:
// 16 for SSE2, 32 for AVX2, 64 for AVX-512); a 16-row block is 16 * 4 / width of them.
#ifndef SLIDE_WTA_VECTOR_BYTES
#error "define SLIDE_WTA_VECTOR_BYTES before including wta_block_impl.h"
#endif
constexpr std::size_t kVectorBytes = SLIDE_WTA_VECTOR_BYTES;
constexpr std::size_t kVectorLanes = kVectorBytes / 4;
constexpr std::size_t kVectors = kWtaLanes / kVectorLanes;
typedef float LaneFloats __attribute__((vector_size(kVectorBytes)));
typedef std::int32_t LaneInts __attribute__((vector_size(kVectorBytes)));
typedef float LaneFloatsUnaligned __attribute__((vector_size(kVectorBytes), aligned(4)));
typedef std::int32_t LaneIntsUnaligned __attribute__((vector_size(kVectorBytes), aligned(4)));

inline LaneFloats load(const float* p) {
  return *reinterpret_cast<const LaneFloatsUnaligned*>(p);
}

template <bool kZerosMissing>
void wta_block_impl(const float* xt, const std::uint32_t* dims, std::uint32_t bins,
                    std::uint32_t width, std::uint32_t* codes) {
  const LaneFloats zero = {};
  const LaneFloats missing = zero - __builtin_inff();
  const LaneInts empty = LaneInts{} - 1;  // kEmptyCode as int32
  for (std::uint32_t b = 0; b < bins; ++b, dims += width) {
    LaneFloats best[kVectors];
    LaneInts arg[kVectors];
    std::uint32_t s = 0;
    if constexpr (kZerosMissing) {
      for (std::size_t v = 0; v < kVectors; ++v) {
        best[v] = missing;
        arg[v] = empty;
      }
    } else {
      const float* x = xt + std::size_t{dims[0]} * kWtaLanes;
      for (std::size_t v = 0; v < kVectors; ++v) {
        best[v] = load(x + v * kVectorLanes);
        arg[v] = LaneInts{};
      }
      s = 1;
    }
    for (; s < width; ++s) {
      const float* x = xt + std::size_t{dims[s]} * kWtaLanes;
      const LaneInts position = LaneInts{} + static_cast<std::int32_t>(s);
      for (std::size_t v = 0; v < kVectors; ++v) {
        const LaneFloats value = load(x + v * kVectorLanes);
        LaneInts greater = value > best[v];
        if constexpr (kZerosMissing) greater &= value != zero;
        best[v] = greater ? value : best[v];
        arg[v] = greater ? position : arg[v];
      }
    }
    for (std::size_t v = 0; v < kVectors; ++v)
      *reinterpret_cast<LaneIntsUnaligned*>(codes + std::size_t{b} * kWtaLanes + v * kVectorLanes) =
          arg[v];
  }
}

inline void wta_block_dispatch(const float* xt, const std::uint32_t* dims, std::uint32_t bins,
                               std::uint32_t width, bool zeros_missing, std::uint32_t* codes) {
  if (zeros_missing)
    wta_block_impl<true>(xt, dims, bins, width, codes);
  else
    wta_block_impl<false>(xt, dims, bins, width, codes);
}

}  // namespace
}  // namespace slide::lsh
