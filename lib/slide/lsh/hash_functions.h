#pragma once

// The interface of one family of L hash functions, each the concatenation of K codes. A key is
// the K codes of a table packed in mixed radix (see LshConfig), so keys of table t lie in
// [0, config.num_keys()). All implementations are immutable after construction, drawn from
// config.seed alone, and safe to call from many threads at once (scratch is per thread).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "slide/lsh/lsh_config.h"

namespace slide::lsh {

class HashFunctions {
 public:
  virtual ~HashFunctions() = default;
  HashFunctions(const HashFunctions&) = delete;
  HashFunctions& operator=(const HashFunctions&) = delete;

  const LshConfig& config() const { return config_; }
  std::size_t dim() const { return dim_; }
  std::uint32_t num_tables() const { return config_.l; }
  // K * L: the number of codes one input gets.
  std::uint32_t num_codes() const { return config_.k * config_.l; }

  // One key per table (keys_out[0..L)) of a dense vector of dim() floats.
  void hash_dense(const float* x, std::uint32_t* keys_out) const;
  // The same for a sparse vector: nnz distinct indices < dim(), any order. value == nullptr
  // means every value is 1 (binary input). For every family,
  // hash_sparse(non-zeros of x) == hash_dense(x) (up to float rounding in SimHash sums).
  void hash_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                   std::uint32_t* keys_out) const;
  // Keys of n dense rows, table-major: keys_out[t * key_stride + i] for table t, row i, the
  // layout LshTables sorts from. Serial; callers parallelise over blocks of rows.
  virtual void hash_rows(const float* rows, std::size_t row_stride, std::size_t n,
                         std::uint32_t* keys_out, std::size_t key_stride) const;

  // The K*L raw codes (code j of table t at [t*K + j], each < config().radix()): tests and
  // diagnostics.
  virtual void codes_dense(const float* x, std::uint32_t* codes_out) const = 0;
  virtual void codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                            std::uint32_t* codes_out) const = 0;

  // Packs K*L codes into L keys.
  void pack(const std::uint32_t* codes, std::uint32_t* keys_out) const;

 protected:
  HashFunctions(const LshConfig& config, std::size_t dim);

 private:
  LshConfig config_;
  std::size_t dim_;
};

// Draws the functions of config.family from config.seed for inputs of `dim` floats.
// Throws UsageError if the config is invalid for this dim.
std::unique_ptr<HashFunctions> make_hash_functions(const LshConfig& config, std::size_t dim);

}  // namespace slide::lsh
