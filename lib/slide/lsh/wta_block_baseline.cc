// The WTA block loop compiled for baseline (file-name suffix selects the flags; see
// lib/CMakeLists.txt).
#define SLIDE_WTA_VECTOR_BYTES 16
#include "slide/lsh/wta_block_impl.h"

namespace slide::lsh::detail {

void wta_block_codes_baseline(const float* xt, const std::uint32_t* dims, std::uint32_t bins,
                              std::uint32_t width, bool zeros_missing, std::uint32_t* codes) {
  wta_block_dispatch(xt, dims, bins, width, zeros_missing, codes);
}

}  // namespace slide::lsh::detail
