#include "slide/lsh/dwta.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "slide/core/random.h"
#include "slide/lsh/wta_block.h"

namespace slide::lsh {

namespace {

std::uint32_t bin_width(const LshConfig& config, std::size_t dim) {
  const std::size_t bins = std::size_t{config.k} * config.l;
  return static_cast<std::uint32_t>(
      std::max<std::size_t>(config.bin_size, (dim + bins - 1) / bins));
}

}  // namespace

DwtaHash::DwtaHash(const LshConfig& config, std::size_t dim)
    : HashFunctions(config, dim),
      width_(bin_width(config, dim)),
      layout_(BinLayout::fixed_width(dim, config.k * config.l, width_,
                                     mix_seed(config.seed, {0xd77a}))),
      probe_seed_(mix_seed(config.seed, {0x9806e})),
      reduce_seed_(width_ > config.bin_size ? mix_seed(config.seed, {0x7ed}) : 0) {}

void DwtaHash::reduce(std::uint32_t* codes) const {
  if (width_ == config().bin_size) return;
  for (std::uint32_t b = 0; b < num_codes(); ++b)
    if (codes[b] != kEmptyCode)
      codes[b] =
          static_cast<std::uint32_t>(mix_seed(reduce_seed_, {b, codes[b]}) % config().bin_size);
}

void DwtaHash::codes_dense(const float* x, std::uint32_t* codes_out) const {
  constexpr float kMissing = -std::numeric_limits<float>::infinity();
  const std::uint32_t width = width_;
  const std::uint32_t bins = num_codes();
  const std::uint32_t* dims = layout_.dims();
  bool any_empty = false;
  for (std::uint32_t b = 0; b < bins; ++b, dims += width) {
    float best = kMissing;
    std::uint32_t arg = kEmptyCode;
    for (std::uint32_t s = 0; s < width; ++s) {
      const float v = x[dims[s]];
      // Strictly greater and non-zero: zeros (and -inf) are missing, ties keep the first.
      // Zero -> -inf first, then one comparison: written this way the compiler emits
      // conditional moves; a branch on the zero test mispredicts on ReLU inputs (half zeros).
      const float present = v == 0.0F ? kMissing : v;
      const bool greater = present > best;
      best = greater ? present : best;
      arg = greater ? s : arg;
    }
    codes_out[b] = arg;
    any_empty |= arg == kEmptyCode;
  }
  reduce(codes_out);
  if (any_empty) densify(codes_out, bins, probe_seed_);
}

void DwtaHash::raw_codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                                std::uint32_t* codes_out) const {
  const std::uint32_t bins = num_codes();
  thread_local std::vector<float> best;
  if (best.size() < bins) best.resize(bins);
  for (std::uint32_t b = 0; b < bins; ++b) codes_out[b] = kEmptyCode;
  for (std::size_t i = 0; i < nnz; ++i) {
    const float v = value ? value[i] : 1.0F;
    // Missing as in the dense scan: zero, -inf and NaN.
    if (v == 0.0F || !(v > -std::numeric_limits<float>::infinity())) continue;
    for (const BinLayout::Slot& s : layout_.slots_of(index[i])) {
      std::uint32_t& code = codes_out[s.bin];
      // Same order as the dense scan: larger value wins, equal values go to the earlier slot.
      if (code == kEmptyCode || v > best[s.bin] || (v == best[s.bin] && s.slot < code)) {
        code = s.slot;
        best[s.bin] = v;
      }
    }
  }
  reduce(codes_out);
}

void DwtaHash::codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                            std::uint32_t* codes_out) const {
  raw_codes_sparse(index, value, nnz, codes_out);
  densify(codes_out, num_codes(), probe_seed_);
}

void DwtaHash::hash_rows(const float* rows, std::size_t row_stride, std::size_t n,
                         std::uint32_t* keys_out, std::size_t key_stride) const {
  wta_hash_rows(*this, layout_, width_, true, probe_seed_, reduce_seed_, rows, row_stride, n,
                keys_out, key_stride);
}

}  // namespace slide::lsh
