#include "slide/lsh/minhash.h"

#include <vector>

#include "slide/core/random.h"

namespace slide::lsh {

MinHash::MinHash(const LshConfig& config, std::size_t dim)
    : HashFunctions(config, dim),
      layout_(BinLayout::partition(dim, config.k * config.l, mix_seed(config.seed, {0x314}))),
      code_seed_(mix_seed(config.seed, {0xc0de})),
      probe_seed_(mix_seed(config.seed, {0x9806e})) {}

std::uint32_t MinHash::reduce(std::uint32_t bin, std::uint32_t dimension) const {
  return static_cast<std::uint32_t>(mix_seed(code_seed_, {bin, dimension}) % config().bin_size);
}

void MinHash::codes_dense(const float* x, std::uint32_t* codes_out) const {
  const std::uint32_t bins = num_codes();
  bool any_empty = false;
  for (std::uint32_t b = 0; b < bins; ++b) {
    std::uint32_t code = kEmptyCode;
    for (std::uint32_t d : layout_.bin(b)) {
      if (x[d] != 0.0F) {
        code = reduce(b, d);
        break;
      }
    }
    codes_out[b] = code;
    any_empty |= code == kEmptyCode;
  }
  if (any_empty) densify(codes_out, bins, probe_seed_);
}

void MinHash::min_dims_sparse(const std::uint32_t* index, std::size_t nnz,
                              std::uint32_t* dims_out) const {
  const std::uint32_t bins = num_codes();
  thread_local std::vector<std::uint32_t> best_slot;
  if (best_slot.size() < bins) best_slot.resize(bins);
  for (std::uint32_t b = 0; b < bins; ++b) {
    dims_out[b] = kEmptyCode;
    best_slot[b] = kEmptyCode;
  }
  for (std::size_t i = 0; i < nnz; ++i) {
    for (const BinLayout::Slot& s : layout_.slots_of(index[i])) {
      if (s.slot < best_slot[s.bin]) {
        best_slot[s.bin] = s.slot;
        dims_out[s.bin] = index[i];
      }
    }
  }
}

void MinHash::codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                           std::uint32_t* codes_out) const {
  const std::uint32_t bins = num_codes();
  thread_local std::vector<std::uint32_t> present;
  // Zero values are not in the set, as in the dense form.
  const std::uint32_t* set = index;
  std::size_t set_size = nnz;
  if (value != nullptr) {
    present.clear();
    for (std::size_t i = 0; i < nnz; ++i)
      if (value[i] != 0.0F) present.push_back(index[i]);
    set = present.data();
    set_size = present.size();
  }
  min_dims_sparse(set, set_size, codes_out);
  for (std::uint32_t b = 0; b < bins; ++b)
    if (codes_out[b] != kEmptyCode) codes_out[b] = reduce(b, codes_out[b]);
  densify(codes_out, bins, probe_seed_);
}

}  // namespace slide::lsh
