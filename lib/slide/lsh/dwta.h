#pragma once

// Densified winner-take-all hashing (Chen & Shrivastava, "Densified Winner Take All (WTA)
// Hashing for Sparse Datasets", UAI 2018), the family SLIDE uses for Amazon-670K. As WTA, but
// zero entries are missing rather than small: a bin's code is the position of its largest
// non-zero value, and a bin with no non-zero value borrows the code of another bin through a
// seeded probe sequence (see densify()). A sparse input costs O(nnz * permutations), not
// O(K*L*bin_size). hash_dense(x) equals hash_sparse(non-zeros of x) exactly.
//
// Bins are bin_size wide while K*L*bin_size covers the input (the 128-wide hidden layer of
// SLIDE: 300 bins of 8 use 19 permutations). For wider inputs (sparse features) they widen to
// ceil(dim / (K*L)) so that every dimension lies in some bin instead of most being ignored;
// the argmax position is then reduced to bin_size values by a seeded hash, as in b-bit minwise
// hashing (different positions collide with probability 1 / bin_size).

#include "slide/lsh/bin_layout.h"
#include "slide/lsh/hash_functions.h"

namespace slide::lsh {

class DwtaHash : public HashFunctions {
 public:
  DwtaHash(const LshConfig& config, std::size_t dim);

  void codes_dense(const float* x, std::uint32_t* codes_out) const override;
  void codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                    std::uint32_t* codes_out) const override;
  // Blocks of rows through the SIMD block loop (wta_block.h); same keys as hash_dense.
  void hash_rows(const float* rows, std::size_t row_stride, std::size_t n, std::uint32_t* keys_out,
                 std::size_t key_stride) const override;

  // The codes before densification (kEmptyCode for empty bins): tests and diagnostics.
  void raw_codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                        std::uint32_t* codes_out) const;

  const BinLayout& layout() const { return layout_; }
  // Dimensions per bin: max(bin_size, ceil(dim / (K*L))).
  std::uint32_t width() const { return width_; }

 private:
  void reduce(std::uint32_t* codes) const;

  std::uint32_t width_;
  BinLayout layout_;
  std::uint64_t probe_seed_;
  std::uint64_t reduce_seed_;
};

}  // namespace slide::lsh
