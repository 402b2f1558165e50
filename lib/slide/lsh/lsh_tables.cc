#include "slide/lsh/lsh_tables.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "slide/core/error.h"
#include "slide/core/random.h"

namespace slide::lsh {
namespace {

constexpr std::uint32_t kDropped = 0xffffffffU;

}  // namespace

LshTables::LshTables(const LshConfig& config, std::size_t dim)
    : config_(config), functions_(make_hash_functions(config, dim)) {}

void LshTables::rehash(const float* rows, std::size_t row_stride, std::size_t n_rows,
                       std::size_t dim) {
  if (dim != functions_->dim())
    throw UsageError("LSH: rows of dimension " + std::to_string(dim) +
                     " given to tables built for dimension " + std::to_string(functions_->dim()));
  if (row_stride < dim && n_rows > 1) throw UsageError("LSH: row stride smaller than dim");
  if (n_rows >= 0xffffffffULL) throw UsageError("LSH: at most 2^32 - 1 items");
  const std::uint32_t l = config_.l;
  // The key array is transient (4 * L * n bytes): it is released once the tables are built.
  HugeBuffer<std::uint32_t> keys(std::size_t{l} * n_rows);
  const HashFunctions& functions = *functions_;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_rows, 256),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      functions.hash_rows(rows + r.begin() * row_stride, row_stride, r.size(),
                                          keys.data() + r.begin(), n_rows);
                    });
  build_from_keys(keys.data(), n_rows);
}

void LshTables::rebuild(const float* rows, std::size_t row_stride, std::size_t n_rows,
                        std::size_t dim, std::uint64_t seed) {
  LshConfig next = config_;
  next.seed = seed;
  functions_ = make_hash_functions(next, functions_->dim());
  config_ = next;
  ++generation_;
  rehash(rows, row_stride, n_rows, dim);
}

std::uint32_t LshTables::slot_for(std::uint32_t t, std::uint32_t key,
                                  std::uint32_t position) const {
  const std::uint32_t cap = config_.capacity;
  if (position < cap) return position;
  if (config_.replacement == Replacement::fifo) return position % cap;  // overwrite the oldest
  // Algorithm R: the position-th insert replaces a uniform slot with probability cap/(pos+1).
  Rng rng(config_.seed ^ 0x2e5e2e5e2e5eULL, t, key, position);
  const auto j = static_cast<std::uint32_t>(rng.uniform64(std::uint64_t{position} + 1));
  return j < cap ? j : kDropped;
}

void LshTables::build_table_direct(std::uint32_t t, const std::uint32_t* keys, std::uint32_t* count,
                                   std::uint32_t* entries) const {
  const std::uint32_t* offsets = offsets_.data() + t * (num_keys_ + 1);
  std::fill(count, count + num_keys_, 0U);
  for (std::size_t i = 0; i < n_items_; ++i) {
    const std::uint32_t key = keys[i];
    const std::uint32_t slot = slot_for(t, key, count[key]++);
    if (slot != kDropped) entries[offsets[key] + slot] = static_cast<std::uint32_t>(i);
  }
}

void LshTables::build_table_sorted(std::uint32_t t, const std::uint32_t* keys,
                                   std::vector<std::uint64_t>& pairs, std::uint32_t* entries,
                                   std::vector<std::uint32_t>& nonempty_keys,
                                   std::vector<std::uint32_t>& offsets) const {
  pairs.resize(n_items_);
  for (std::size_t i = 0; i < n_items_; ++i) pairs[i] = (std::uint64_t{keys[i]} << 32) | i;
  std::sort(pairs.begin(), pairs.end());  // by key, then by id: insertion order
  nonempty_keys.clear();
  offsets.clear();
  std::uint32_t stored = 0;
  for (std::size_t begin = 0; begin < pairs.size();) {
    const auto key = static_cast<std::uint32_t>(pairs[begin] >> 32);
    std::size_t end = begin;
    while (end < pairs.size() && (pairs[end] >> 32) == key) ++end;
    nonempty_keys.push_back(key);
    offsets.push_back(stored);
    for (std::size_t p = begin; p < end; ++p) {
      const std::uint32_t slot = slot_for(t, key, static_cast<std::uint32_t>(p - begin));
      if (slot != kDropped) entries[stored + slot] = static_cast<std::uint32_t>(pairs[p]);
    }
    stored += static_cast<std::uint32_t>(std::min<std::size_t>(end - begin, config_.capacity));
    begin = end;
  }
  offsets.push_back(stored);
}

void LshTables::build_from_keys(const std::uint32_t* keys, std::size_t n_items) {
  if (n_items >= 0xffffffffULL) throw UsageError("LSH: at most 2^32 - 1 items");
  const std::uint32_t l = config_.l;
  const std::uint32_t cap = config_.capacity;
  n_items_ = n_items;
  num_keys_ = config_.num_keys();
  direct_ = num_keys_ <= std::max<std::uint64_t>(n_items, 1U << 16);
  table_start_.assign(std::size_t{l} + 1, 0);
  offsets_ = HugeBuffer<std::uint32_t>();
  keys_.clear();
  key_start_.clear();
  entries_ = HugeBuffer<std::uint32_t>();
  entries_size_ = 0;

  if (direct_) {
    const std::size_t row = num_keys_ + 1;
    offsets_ = HugeBuffer<std::uint32_t>(std::size_t{l} * row);
    std::fill_n(offsets_.data(), offsets_.size(), 0U);
    std::atomic<bool> bad_key{false};
    // Pass 1, per table: bucket sizes after capacity, as bucket starts.
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, l, 1),
                      [&](const tbb::blocked_range<std::uint32_t>& r) {
                        for (std::uint32_t t = r.begin(); t != r.end(); ++t) {
                          std::uint32_t* off = offsets_.data() + t * row;
                          const std::uint32_t* k = keys + t * n_items;
                          for (std::size_t i = 0; i < n_items; ++i) {
                            if (k[i] >= num_keys_) {
                              bad_key = true;  // checked before any entry is written
                              continue;
                            }
                            ++off[k[i] + 1];
                          }
                          std::uint32_t sum = 0;
                          for (std::size_t key = 1; key < row; ++key) {
                            sum += std::min(off[key], cap);
                            off[key] = sum;
                          }
                          table_start_[t + 1] = sum;
                        }
                      });
    if (bad_key) {
      n_items_ = 0;
      offsets_ = HugeBuffer<std::uint32_t>();
      throw UsageError("LSH: a key exceeds the key space of the configuration");
    }
    for (std::uint32_t t = 0; t < l; ++t) table_start_[t + 1] += table_start_[t];
    entries_size_ = table_start_[l];
    entries_ = HugeBuffer<std::uint32_t>(entries_size_);
    // Pass 2, per table: place ids in id order; the capacity policy decides each slot.
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> counters;
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, l, 1),
                      [&](const tbb::blocked_range<std::uint32_t>& r) {
                        std::vector<std::uint32_t>& count = counters.local();
                        count.resize(num_keys_);
                        for (std::uint32_t t = r.begin(); t != r.end(); ++t)
                          build_table_direct(t, keys + t * n_items, count.data(),
                                             entries_.data() + table_start_[t]);
                      });
    return;
  }

  // Sorted: a table's stored ids are at most n, so build each into its own n-sized slice of a
  // scratch array, then compact.
  auto scratch = std::make_unique_for_overwrite<std::uint32_t[]>(std::size_t{l} * n_items);
  std::vector<std::vector<std::uint32_t>> table_keys(l), table_offsets(l);
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> pair_buffers;
  tbb::parallel_for(
      tbb::blocked_range<std::uint32_t>(0, l, 1), [&](const tbb::blocked_range<std::uint32_t>& r) {
        for (std::uint32_t t = r.begin(); t != r.end(); ++t) {
          build_table_sorted(t, keys + t * n_items, pair_buffers.local(),
                             scratch.get() + t * n_items, table_keys[t], table_offsets[t]);
          table_start_[t + 1] = table_offsets[t].back();
        }
      });
  key_start_.assign(std::size_t{l} + 1, 0);
  for (std::uint32_t t = 0; t < l; ++t) {
    table_start_[t + 1] += table_start_[t];
    key_start_[t + 1] = key_start_[t] + table_keys[t].size();
  }
  entries_size_ = table_start_[l];
  entries_ = HugeBuffer<std::uint32_t>(entries_size_);
  keys_.reserve(key_start_[l]);
  offsets_ = HugeBuffer<std::uint32_t>(key_start_[l] + l);
  for (std::uint32_t t = 0; t < l; ++t) {
    std::copy_n(scratch.get() + t * n_items, table_start_[t + 1] - table_start_[t],
                entries_.data() + table_start_[t]);
    keys_.insert(keys_.end(), table_keys[t].begin(), table_keys[t].end());
    std::copy(table_offsets[t].begin(), table_offsets[t].end(),
              offsets_.data() + key_start_[t] + t);
  }
}

LshTables::Contents LshTables::contents() const {
  Contents c;
  c.n_items = n_items_;
  c.direct = direct_;
  c.entries = {entries_.data(), entries_size_};
  c.offsets = {offsets_.data(), offsets_.size()};
  c.keys = keys_;
  c.table_start = table_start_;
  c.key_start = key_start_;
  return c;
}

void LshTables::restore(const Contents& c, std::uint64_t seed, std::uint64_t generation) {
  const std::uint32_t l = config_.l;
  const std::uint64_t num_keys = config_.num_keys();
  auto bad = [](const std::string& what) { throw UsageError("LSH: restored tables: " + what); };
  if (c.n_items >= 0xffffffffULL) bad("too many items");
  if (c.direct != (num_keys <= std::max<std::uint64_t>(c.n_items, 1U << 16)))
    bad("layout does not match the configuration");
  if (c.table_start.size() != std::size_t{l} + 1 || c.table_start[0] != 0 ||
      c.table_start[l] != c.entries.size())
    bad("table starts do not match the entries");
  for (std::uint32_t t = 0; t < l; ++t)
    if (c.table_start[t + 1] < c.table_start[t]) bad("table starts decrease");
  for (std::uint32_t id : c.entries)
    if (id >= c.n_items) bad("an id exceeds the number of items");
  // Bucket offsets of one table: start at 0, never decrease, end at the table's size.
  auto check_offsets = [&](const std::uint32_t* off, std::size_t count, std::size_t size) {
    if (off[0] != 0 || off[count - 1] != size) bad("bucket offsets do not match a table");
    for (std::size_t i = 1; i < count; ++i)
      if (off[i] < off[i - 1]) bad("bucket offsets decrease");
  };
  if (c.direct) {
    const std::size_t row = num_keys + 1;
    if (!c.keys.empty() || !c.key_start.empty() || c.offsets.size() != std::size_t{l} * row)
      bad("direct-indexed offsets of the wrong size");
    for (std::uint32_t t = 0; t < l; ++t)
      check_offsets(c.offsets.data() + t * row, row, c.table_start[t + 1] - c.table_start[t]);
  } else {
    if (c.key_start.size() != std::size_t{l} + 1 || c.key_start[0] != 0 ||
        c.key_start[l] != c.keys.size() || c.offsets.size() != c.keys.size() + l)
      bad("sorted keys and offsets of the wrong size");
    for (std::uint32_t t = 0; t < l; ++t) {
      if (c.key_start[t + 1] < c.key_start[t]) bad("key starts decrease");
      for (std::size_t i = c.key_start[t]; i < c.key_start[t + 1]; ++i)
        if (c.keys[i] >= num_keys || (i > c.key_start[t] && c.keys[i] <= c.keys[i - 1]))
          bad("keys out of order or out of range");
      check_offsets(c.offsets.data() + c.key_start[t] + t, c.key_start[t + 1] - c.key_start[t] + 1,
                    c.table_start[t + 1] - c.table_start[t]);
    }
  }
  LshConfig next = config_;
  next.seed = seed;
  functions_ = make_hash_functions(next, functions_->dim());
  config_ = next;
  generation_ = generation;
  n_items_ = c.n_items;
  direct_ = c.direct;
  num_keys_ = num_keys;
  entries_size_ = c.entries.size();
  entries_ = HugeBuffer<std::uint32_t>(entries_size_);
  std::copy(c.entries.begin(), c.entries.end(), entries_.data());
  offsets_ = HugeBuffer<std::uint32_t>(c.offsets.size());
  std::copy(c.offsets.begin(), c.offsets.end(), offsets_.data());
  keys_.assign(c.keys.begin(), c.keys.end());
  table_start_.assign(c.table_start.begin(), c.table_start.end());
  key_start_.assign(c.key_start.begin(), c.key_start.end());
}

std::span<const std::uint32_t> LshTables::bucket(std::uint32_t table, std::uint32_t key) const {
  if (entries_size_ == 0 || key >= num_keys_) return {};
  const std::uint32_t* base = entries_.data() + table_start_[table];
  if (direct_) {
    const std::uint32_t* off = offsets_.data() + table * (num_keys_ + 1);
    return {base + off[key], base + off[key + 1]};
  }
  const std::uint32_t* first = keys_.data() + key_start_[table];
  const std::uint32_t* last = keys_.data() + key_start_[table + 1];
  const std::uint32_t* it = std::lower_bound(first, last, key);
  if (it == last || *it != key) return {};
  const std::uint32_t* off = offsets_.data() + key_start_[table] + table + (it - first);
  return {base + off[0], base + off[1]};
}

void LshTables::query(const std::uint32_t* keys, QueryScratch& scratch) const {
  if (scratch.capacity() < n_items_) scratch.reserve(n_items_);  // first use only
  scratch.clear();
  if (!direct_ || entries_size_ == 0) {
    for (std::uint32_t t = 0; t < config_.l; ++t) scratch.add(bucket(t, keys[t]));
    return;
  }
  // The L bucket lookups are independent cache misses (offsets, then entries): issue them in
  // groups so that their latencies overlap instead of adding up.
  constexpr std::uint32_t kGroup = 16;
  const std::size_t row = num_keys_ + 1;
  for (std::uint32_t first = 0; first < config_.l; first += kGroup) {
    const std::uint32_t last = std::min(config_.l, first + kGroup);
    for (std::uint32_t t = first; t < last; ++t)
      __builtin_prefetch(offsets_.data() + t * row + keys[t]);
    std::span<const std::uint32_t> buckets[kGroup];
    for (std::uint32_t t = first; t < last; ++t) {
      buckets[t - first] = bucket(t, keys[t]);
      __builtin_prefetch(buckets[t - first].data());
    }
    for (std::uint32_t t = first; t < last; ++t) scratch.add(buckets[t - first]);
  }
}

std::size_t LshTables::memory_bytes() const {
  return entries_size_ * sizeof(std::uint32_t) + offsets_.size() * sizeof(std::uint32_t) +
         keys_.size() * sizeof(std::uint32_t) +
         (table_start_.size() + key_start_.size()) * sizeof(std::size_t);
}

}  // namespace slide::lsh
