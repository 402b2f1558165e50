#pragma once

// Signed random projections (Charikar, STOC 2002): code j = [<p_j, x> > 0]. For Gaussian p_j two
// vectors at angle theta agree in a code with probability exactly 1 - theta / pi; SLIDE's sparse
// +-1 projections over a random third of the dimensions approximate that at a third of the work.
//
// The K*L projections are stored as one row-major [K*L x dim] matrix, so hashing a dense vector
// is one small matrix-vector product and hashing a block of rows (rebuild) is one matrix product
// (slide::simd gemm_nt), plus the transpose [dim x K*L] so that a sparse input is nnz axpy's of
// contiguous rows. Memory: 8 * dim * K * L bytes (150 KiB for dim 128, K*L = 300).

#include <vector>

#include "slide/lsh/hash_functions.h"

namespace slide::lsh {

class SimHash : public HashFunctions {
 public:
  SimHash(const LshConfig& config, std::size_t dim);

  void codes_dense(const float* x, std::uint32_t* codes_out) const override;
  void codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                    std::uint32_t* codes_out) const override;
  void hash_rows(const float* rows, std::size_t row_stride, std::size_t n, std::uint32_t* keys_out,
                 std::size_t key_stride) const override;

  // The K*L projections of x (tests).
  void project_dense(const float* x, float* out) const;
  // Projection j, dim() floats.
  const float* projection(std::uint32_t j) const { return matrix_.data() + j * dim(); }

 private:
  std::vector<float> matrix_;      // [K*L x dim]
  std::vector<float> transposed_;  // [dim x K*L]
};

}  // namespace slide::lsh
