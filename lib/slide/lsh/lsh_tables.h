#pragma once

// L hash tables over n items (neuron ids 0..n-1), stored flat: per table, the ids sorted by key
// in one array and, per key, where its bucket starts. Memory is proportional to what is stored:
// 4 bytes per stored id plus 4 bytes per reachable key per table (radix^K + 1; a sorted list of
// the non-empty keys instead when radix^K exceeds n). No allocation per bucket.
//
// A build hashes all rows in parallel (oneTBB) into a table-major key array [L x n], then builds
// each table (in parallel over tables) with a counting sort by key, visiting ids in increasing
// order. A bucket over capacity keeps, under FIFO, the last `capacity` ids of that order and,
// under reservoir sampling, a uniform sample whose random choices are seeded by
// (seed, table, key, position). The result is therefore a function of the rows and the seed
// only, whatever the number of threads.
//
// Rehash: same functions, new weights. Rebuild: new functions (a new seed), then rehash.
// Queries are const and thread-safe; builds are not concurrent with queries.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "slide/lsh/hash_functions.h"
#include "slide/lsh/huge_buffer.h"
#include "slide/lsh/lsh_config.h"
#include "slide/lsh/query_scratch.h"

namespace slide::lsh {

class LshTables {
 public:
  // Draws the hash functions from config.seed for inputs of `dim` floats; no items yet.
  LshTables(const LshConfig& config, std::size_t dim);

  const LshConfig& config() const { return config_; }
  const HashFunctions& functions() const { return *functions_; }
  std::size_t dim() const { return functions_->dim(); }
  std::uint32_t num_tables() const { return config_.l; }
  std::size_t num_items() const { return n_items_; }
  // How many times the functions were redrawn (0 after construction).
  std::uint64_t generation() const { return generation_; }

  // Hashes n_rows rows of `dim` floats (row i at rows + i * row_stride; a bias column may follow
  // or not, dim says what is hashed) with the current functions and rebuilds every table.
  // Throws UsageError if dim differs from the functions' dim or n_rows >= 2^32.
  void rehash(const float* rows, std::size_t row_stride, std::size_t n_rows, std::size_t dim);
  // Draws new functions from `seed` (config().seed becomes seed), then rehash().
  void rebuild(const float* rows, std::size_t row_stride, std::size_t n_rows, std::size_t dim,
               std::uint64_t seed);
  // Builds the tables from precomputed keys, table-major: keys[t * n_items + i] for item i in
  // table t, each < config().num_keys(). (Tests, and callers that hash themselves.)
  void build_from_keys(const std::uint32_t* keys, std::size_t n_items);

  // The built tables as flat arrays, borrowed (valid until the next build): checkpoints store
  // them, so that a resumed run continues with the tables of the last rehash rather than tables
  // rebuilt from the current weights.
  struct Contents {
    std::uint64_t n_items = 0;
    bool direct = true;
    std::span<const std::uint32_t> entries, offsets, keys;
    std::span<const std::size_t> table_start, key_start;
  };
  Contents contents() const;
  // Replaces the functions by those drawn from `seed` (config().seed becomes seed, generation()
  // becomes `generation`) and the tables by a copy of `contents`, after checking that they are
  // consistent with the configuration (UsageError otherwise: queries never read out of bounds).
  void restore(const Contents& contents, std::uint64_t seed, std::uint64_t generation);

  // Keys of a query (keys_out[0..L)), with the current functions.
  void hash_dense(const float* x, std::uint32_t* keys_out) const {
    functions_->hash_dense(x, keys_out);
  }
  void hash_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                   std::uint32_t* keys_out) const {
    functions_->hash_sparse(index, value, nnz, keys_out);
  }

  // The ids stored under `key` in `table` (empty if none).
  std::span<const std::uint32_t> bucket(std::uint32_t table, std::uint32_t key) const;
  // Clears `scratch` and merges the L buckets of `keys` into it: candidates with hit counts.
  // scratch grows to num_items() on first use (one allocation) and is reused afterwards.
  void query(const std::uint32_t* keys, QueryScratch& scratch) const;

  // Ids stored over all tables (<= L * n), and bytes held by the tables.
  std::size_t stored() const { return entries_size_; }
  std::size_t memory_bytes() const;
  // Whether buckets are found by direct indexing (radix^K + 1 offsets per table) rather than by
  // binary search in the sorted non-empty keys.
  bool direct_index() const { return direct_; }

 private:
  void build_table_direct(std::uint32_t t, const std::uint32_t* keys, std::uint32_t* count,
                          std::uint32_t* entries) const;
  void build_table_sorted(std::uint32_t t, const std::uint32_t* keys,
                          std::vector<std::uint64_t>& pairs, std::uint32_t* entries,
                          std::vector<std::uint32_t>& nonempty_keys,
                          std::vector<std::uint32_t>& offsets) const;
  std::uint32_t slot_for(std::uint32_t t, std::uint32_t key, std::uint32_t position) const;

  LshConfig config_;
  std::unique_ptr<HashFunctions> functions_;
  std::uint64_t generation_ = 0;
  std::size_t n_items_ = 0;
  bool direct_ = true;
  std::uint64_t num_keys_ = 0;

  // Table t's ids are entries_[table_start_[t] .. table_start_[t + 1]).
  HugeBuffer<std::uint32_t> entries_;
  std::size_t entries_size_ = 0;
  std::vector<std::size_t> table_start_;
  // Direct: offsets_[t * (num_keys_ + 1) + key] (relative to table_start_[t]).
  // Sorted: keys_[key_start_[t] ..] the non-empty keys of table t, offsets_[key_start_[t] + t ..]
  // their bucket starts plus one end.
  HugeBuffer<std::uint32_t> offsets_;
  std::vector<std::uint32_t> keys_;
  std::vector<std::size_t> key_start_;
};

}  // namespace slide::lsh
