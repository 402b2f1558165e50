#pragma once

// Per-thread working memory of queries and active-set selection, allocated once (for the
// number of items) and reused for every query: a hit counter per item plus the list of items
// touched, reset by walking that list, so a query costs O(ids gathered), never O(items), and
// allocates nothing. Not thread-safe: one per thread (e.g. tbb::enumerable_thread_specific).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace slide::lsh {

class QueryScratch {
 public:
  QueryScratch() = default;
  explicit QueryScratch(std::size_t n_items) { reserve(n_items); }

  // Makes room for ids < n_items (grows only; clears the current candidates).
  void reserve(std::size_t n_items);
  std::size_t capacity() const { return hits_.size(); }

  // Forgets the candidates: O(candidates).
  void clear() {
    for (std::uint32_t id : touched_) hits_[id] = 0;
    touched_.clear();
  }
  // Counts one hit for each id (ids < capacity()); new ids join the candidates in order.
  void add(std::span<const std::uint32_t> ids) {
    for (std::uint32_t id : ids) {
      if (hits_[id]++ == 0) touched_.push_back(id);
    }
  }
  // Distinct ids hit since clear(), in first-hit order.
  std::span<const std::uint32_t> candidates() const { return touched_; }
  std::size_t size() const { return touched_.size(); }
  // Times `id` was added since clear() (0 if never). Tables hold an id at most once each, so
  // after a query this is the number of tables whose bucket held it (<= L <= 65535).
  std::uint16_t hits(std::uint32_t id) const { return hits_[id]; }

  // Work buffers of ActiveSetSelector and LshTables::hash_* callers; kept here so that they
  // too are allocated once per thread. Their contents between calls are unspecified.
  std::vector<std::uint32_t> keys;    // one key per table
  std::vector<std::uint32_t> order;   // table order, bucket orders
  std::vector<std::uint32_t> buffer;  // ids
  std::vector<std::uint32_t> forced;  // a copy of forced ids that alias the output
  std::vector<std::uint8_t> chosen;   // per item: already in the active set
  std::vector<float> scores;          // per item: exact inner products
  // The fill pool of ActiveSetConfig::fill_pool, drawn from pool_seed (valid when pool_ready).
  std::vector<std::uint32_t> pool;
  std::uint64_t pool_seed = 0;
  bool pool_ready = false;

 private:
  std::vector<std::uint16_t> hits_;
  std::vector<std::uint32_t> touched_;
};

}  // namespace slide::lsh
