#include "slide/lsh/wta_block.h"

#include <vector>

#include "slide/core/random.h"
#include "slide/lsh/bin_layout.h"
#include "slide/lsh/hash_functions.h"
#include "slide/simd/dispatch.h"

namespace slide::lsh {

void wta_block_codes(const float* xt, const std::uint32_t* dims, std::uint32_t bins,
                     std::uint32_t width, bool zeros_missing, std::uint32_t* codes) {
  // Follow the active kernel set, so SLIDE_KERNELS / --kernels also govern this loop.
  switch (simd::active_kernel_set()) {
    case simd::KernelSet::avx512:
    case simd::KernelSet::avx512_bf16:
    case simd::KernelSet::amx:
      detail::wta_block_codes_avx512(xt, dims, bins, width, zeros_missing, codes);
      return;
    case simd::KernelSet::avx2:
      detail::wta_block_codes_avx2(xt, dims, bins, width, zeros_missing, codes);
      return;
    case simd::KernelSet::scalar:
      break;
  }
  detail::wta_block_codes_baseline(xt, dims, bins, width, zeros_missing, codes);
}

void wta_hash_rows(const HashFunctions& functions, const BinLayout& layout, std::uint32_t width,
                   bool zeros_missing, std::uint64_t probe_seed, std::uint64_t reduce_seed,
                   const float* rows, std::size_t row_stride, std::size_t n,
                   std::uint32_t* keys_out, std::size_t key_stride) {
  const std::size_t dim = functions.dim();
  const std::uint32_t bins = functions.num_codes();
  const std::uint32_t k = functions.config().k;
  const std::uint32_t l = functions.num_tables();
  const std::uint32_t radix = functions.config().radix();
  const std::uint32_t bin_size = functions.config().bin_size;
  thread_local std::vector<float> xt;
  thread_local std::vector<std::uint32_t> codes, row_codes, row_keys;
  xt.resize(dim * kWtaLanes);
  codes.resize(std::size_t{bins} * kWtaLanes);
  row_codes.resize(bins);
  row_keys.resize(l);
  for (std::size_t start = 0; start < n; start += kWtaLanes) {
    const std::size_t count = n - start < kWtaLanes ? n - start : kWtaLanes;
    for (std::size_t r = 0; r < kWtaLanes; ++r) {
      if (r < count) {
        const float* row = rows + (start + r) * row_stride;
        for (std::size_t d = 0; d < dim; ++d) xt[d * kWtaLanes + r] = row[d];
      } else {
        for (std::size_t d = 0; d < dim; ++d) xt[d * kWtaLanes + r] = 0.0F;
      }
    }
    wta_block_codes(xt.data(), layout.dims(), bins, width, zeros_missing, codes.data());
    if (reduce_seed != 0) {
      for (std::uint32_t b = 0; b < bins; ++b)
        for (std::size_t r = 0; r < kWtaLanes; ++r) {
          std::uint32_t& c = codes[b * kWtaLanes + r];
          if (c != kEmptyCode)
            c = static_cast<std::uint32_t>(mix_seed(reduce_seed, {b, c}) % bin_size);
        }
    }
    for (std::size_t r = 0; r < count; ++r) {
      bool empty = false;
      if (zeros_missing)
        for (std::uint32_t b = 0; b < bins; ++b) empty |= codes[b * kWtaLanes + r] == kEmptyCode;
      if (empty) {
        for (std::uint32_t b = 0; b < bins; ++b) row_codes[b] = codes[b * kWtaLanes + r];
        densify(row_codes.data(), bins, probe_seed);
        functions.pack(row_codes.data(), row_keys.data());
        for (std::uint32_t t = 0; t < l; ++t) keys_out[t * key_stride + start + r] = row_keys[t];
        continue;
      }
      for (std::uint32_t t = 0; t < l; ++t) {
        const std::uint32_t* c = codes.data() + std::size_t{t} * k * kWtaLanes + r;
        std::uint32_t key = 0;
        for (std::uint32_t j = 0; j < k; ++j) key = key * radix + c[j * kWtaLanes];
        keys_out[t * key_stride + start + r] = key;
      }
    }
  }
}

}  // namespace slide::lsh
