#pragma once

// Densified one-permutation MinHash (Li, Owen & Zhang, NIPS 2012; densification as in
// Shrivastava, ICML 2017) for binary sparse inputs: the input is the set of its non-zero
// dimensions (values are ignored). Enough random permutations to give K*L positions-or-more
// are cut into K*L bins of near-equal width; a bin's minimum is the first of its dimensions in
// permutation order that is in the set, and its code is a seeded hash of (bin, that dimension)
// reduced to bin_size values (b-bit minwise hashing). Empty bins borrow through densify().
// Two sets collide in a code with probability about J + (1 - J) / bin_size, J their Jaccard
// similarity.

#include "slide/lsh/bin_layout.h"
#include "slide/lsh/hash_functions.h"

namespace slide::lsh {

class MinHash : public HashFunctions {
 public:
  MinHash(const LshConfig& config, std::size_t dim);

  void codes_dense(const float* x, std::uint32_t* codes_out) const override;
  void codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                    std::uint32_t* codes_out) const override;

  // The minimum's dimension per bin before reduction and densification (kEmptyCode if empty).
  void min_dims_sparse(const std::uint32_t* index, std::size_t nnz, std::uint32_t* dims_out) const;

  const BinLayout& layout() const { return layout_; }

 private:
  std::uint32_t reduce(std::uint32_t bin, std::uint32_t dimension) const;

  BinLayout layout_;
  std::uint64_t code_seed_;
  std::uint64_t probe_seed_;
};

}  // namespace slide::lsh
