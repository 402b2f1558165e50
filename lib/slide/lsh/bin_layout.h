#pragma once

// Bins of random permutations, shared by WTA, DWTA and MinHash. Random permutations of
// [0, dim) are drawn and concatenated; the concatenation is cut into `num_bins` bins. Each bin
// lists its dimensions in permutation order (slot 0, 1, ...). The inverse map lists, for each
// dimension, the (bin, slot) pairs it occupies, so that a sparse input touches only its own
// entries: O(nnz * permutations) instead of O(bins * width).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace slide::lsh {

class BinLayout {
 public:
  struct Slot {
    std::uint32_t bin;
    std::uint32_t slot;
  };

  // Fixed width: every bin holds `width` distinct dimensions; a permutation gives
  // floor(dim / width) bins and the rest of it is unused, so no bin repeats a dimension.
  // Requires 1 <= width <= dim.
  static BinLayout fixed_width(std::size_t dim, std::uint32_t num_bins, std::uint32_t width,
                               std::uint64_t seed);
  // Partition: the fewest permutations with at least num_bins positions, cut into num_bins
  // bins of near-equal width, so every position of them is used (one-permutation hashing).
  static BinLayout partition(std::size_t dim, std::uint32_t num_bins, std::uint64_t seed);

  std::size_t dim() const { return dim_; }
  std::uint32_t num_bins() const { return static_cast<std::uint32_t>(bin_offsets_.size() - 1); }
  std::span<const std::uint32_t> bin(std::uint32_t b) const {
    return {dims_.data() + bin_offsets_[b], dims_.data() + bin_offsets_[b + 1]};
  }
  // All bins' dimensions back to back (fixed width: bin b at [b * width, (b + 1) * width)).
  const std::uint32_t* dims() const { return dims_.data(); }
  std::span<const Slot> slots_of(std::uint32_t dimension) const {
    return {slots_.data() + dim_offsets_[dimension], slots_.data() + dim_offsets_[dimension + 1]};
  }

 private:
  BinLayout() = default;
  void build_inverse();

  std::size_t dim_ = 0;
  std::vector<std::uint32_t> bin_offsets_;  // num_bins + 1
  std::vector<std::uint32_t> dims_;         // bin contents
  std::vector<std::uint32_t> dim_offsets_;  // dim + 1
  std::vector<Slot> slots_;                 // inverse map
};

// Fills empty bins (codes[b] == kEmptyCode) from non-empty ones through a seeded probe sequence
// (Shrivastava, "Optimal Densification for Fast and Accurate Minwise Hashing", ICML 2017): bin b
// takes the code of the first non-empty bin among h(b, 1), h(b, 2), ... so two inputs with the
// same non-empty bins borrow identically. After 64 probes it falls back to a scan, so it always
// ends. If every bin is empty the codes become 0.
inline constexpr std::uint32_t kEmptyCode = 0xffffffffU;
void densify(std::uint32_t* codes, std::uint32_t num_bins, std::uint64_t seed);

}  // namespace slide::lsh
