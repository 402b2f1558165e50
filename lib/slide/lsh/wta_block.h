#pragma once

// WTA/DWTA codes of a block of kWtaLanes dense rows at once, the rebuild's hot loop. The block
// is transposed (xt[d * kWtaLanes + r] = row r, dimension d), so each bin position is one
// contiguous load of kWtaLanes values and the argmax runs across rows in SIMD lanes: with
// AVX-512 a row costs about a sixteenth of the scalar per-row scan. Results equal the scalar
// codes_dense() exactly (strictly greater wins, so ties keep the earliest position; for DWTA
// zeros, -inf and NaN are missing and an empty bin gets kEmptyCode).
//
// The same loop is compiled three times (wta_block.cc, wta_block_avx2.cc, wta_block_avx512.cc)
// with different instruction sets; wta_block_codes() picks one from the active kernel set.

#include <cstddef>
#include <cstdint>

namespace slide::lsh {

class BinLayout;
class HashFunctions;

inline constexpr std::size_t kWtaLanes = 16;

// Keys of n dense rows (table-major, as HashFunctions::hash_rows) for WtaHash (zeros_missing
// false) and DwtaHash (true; rows with empty bins are densified with probe_seed).
// Bins are `width` wide; if reduce_seed != 0 a non-empty bin's position p becomes
// mix_seed(reduce_seed, {bin, p}) % bin_size (DwtaHash's wide bins).
void wta_hash_rows(const HashFunctions& functions, const BinLayout& layout, std::uint32_t width,
                   bool zeros_missing, std::uint64_t probe_seed, std::uint64_t reduce_seed,
                   const float* rows, std::size_t row_stride, std::size_t n,
                   std::uint32_t* keys_out, std::size_t key_stride);

// codes[b * kWtaLanes + r] for bin b < bins, row r < kWtaLanes; dims: bins * width dimension ids.
void wta_block_codes(const float* xt, const std::uint32_t* dims, std::uint32_t bins,
                     std::uint32_t width, bool zeros_missing, std::uint32_t* codes);

namespace detail {
void wta_block_codes_baseline(const float*, const std::uint32_t*, std::uint32_t, std::uint32_t,
                              bool, std::uint32_t*);
void wta_block_codes_avx2(const float*, const std::uint32_t*, std::uint32_t, std::uint32_t, bool,
                          std::uint32_t*);
void wta_block_codes_avx512(const float*, const std::uint32_t*, std::uint32_t, std::uint32_t, bool,
                            std::uint32_t*);
}  // namespace detail

}  // namespace slide::lsh
