#pragma once

// Winner-take-all hashing (Yagnik et al., ICCV 2011): code = the position of the largest value
// among bin_size dimensions taken from a random permutation. It depends only on the ranks of the
// values, so its collision probability grows with the rank correlation of two vectors. Every
// entry counts, zeros included (a sparse input's missing entries are zeros); ties go to the
// earliest position. Memory: K*L*bin_size dimension ids plus their inverse map.

#include "slide/lsh/bin_layout.h"
#include "slide/lsh/hash_functions.h"

namespace slide::lsh {

class WtaHash : public HashFunctions {
 public:
  WtaHash(const LshConfig& config, std::size_t dim);

  void codes_dense(const float* x, std::uint32_t* codes_out) const override;
  void codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                    std::uint32_t* codes_out) const override;
  // Blocks of rows through the SIMD block loop (wta_block.h); same keys as hash_dense.
  void hash_rows(const float* rows, std::size_t row_stride, std::size_t n, std::uint32_t* keys_out,
                 std::size_t key_stride) const override;

  const BinLayout& layout() const { return layout_; }

 private:
  BinLayout layout_;
};

}  // namespace slide::lsh
