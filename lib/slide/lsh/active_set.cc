#include "slide/lsh/active_set.h"

#include <algorithm>
#include <functional>
#include <string>

#include "slide/core/error.h"
#include "slide/core/name_table.h"
#include "slide/core/random.h"
#include "slide/simd/dispatch.h"

namespace slide::lsh {
namespace {

// The set under construction: `out` plus a per-item marker, reset by walking `out`.
class Chosen {
 public:
  Chosen(std::vector<std::uint8_t>& marker, std::vector<std::uint32_t>& out)
      : marker_(marker), out_(out) {}
  ~Chosen() {
    for (std::uint32_t id : out_) marker_[id] = 0;
  }
  Chosen(const Chosen&) = delete;
  Chosen& operator=(const Chosen&) = delete;

  bool has(std::uint32_t id) const { return marker_[id] != 0; }
  void push(std::uint32_t id) {
    if (!marker_[id]) {
      marker_[id] = 1;
      out_.push_back(id);
    }
  }
  std::size_t size() const { return out_.size(); }

 private:
  std::vector<std::uint8_t>& marker_;
  std::vector<std::uint32_t>& out_;
};

// Adds uniformly random ids not yet chosen until `target` (or every id) is chosen.
std::size_t fill(Chosen& chosen, std::size_t target, std::size_t n, Rng& rng) {
  const std::size_t before = chosen.size();
  if (chosen.size() >= target) return 0;
  std::size_t need = target - chosen.size();
  const std::size_t available = n - chosen.size();
  if (need >= available) {
    for (std::uint32_t id = 0; id < n; ++id) chosen.push(static_cast<std::uint32_t>(id));
  } else if (target <= n / 2) {
    // At most half the ids are taken: rejection needs fewer than two draws per id.
    while (chosen.size() < target) chosen.push(static_cast<std::uint32_t>(rng.uniform64(n)));
  } else {
    // Selection sampling (Knuth's algorithm S) over the free ids: exact and O(n).
    std::size_t left = available;
    for (std::size_t id = 0; id < n && need > 0; ++id) {
      const auto u = static_cast<std::uint32_t>(id);
      if (chosen.has(u)) continue;
      if (rng.uniform64(left) < need) {
        chosen.push(u);
        --need;
      }
      --left;
    }
  }
  return chosen.size() - before;
}

// The pool of `size` distinct ids < n drawn from `seed` (rejection with the caller's marker
// array, which is all zero on entry and on exit), cached in the scratch while the seed is the
// same. Depends only on (seed, size, n), never on the thread.
const std::vector<std::uint32_t>& fill_pool(QueryScratch& scratch, std::size_t size, std::size_t n,
                                            std::uint64_t seed) {
  std::vector<std::uint32_t>& pool = scratch.pool;
  if (scratch.pool_ready && scratch.pool_seed == seed && pool.size() == std::min(size, n)) {
    return pool;
  }
  pool.clear();
  std::vector<std::uint8_t>& marker = scratch.chosen;
  Rng rng(seed ^ 0x9e3779b97f4a7c15ULL);
  if (size >= n) {
    for (std::size_t id = 0; id < n; ++id) pool.push_back(static_cast<std::uint32_t>(id));
  } else {
    while (pool.size() < size) {
      const auto id = static_cast<std::uint32_t>(rng.uniform64(n));
      if (!marker[id]) {
        marker[id] = 1;
        pool.push_back(id);
      }
    }
    for (std::uint32_t id : pool) marker[id] = 0;
  }
  scratch.pool_seed = seed;
  scratch.pool_ready = true;
  return pool;
}

// fill() from the pool: uniform draws from the pool (an id already chosen is drawn again), at
// most twice the pool's size of them; if the set is still short, fill() from all ids.
std::size_t fill_from_pool(Chosen& chosen, std::size_t target, std::size_t n, Rng& rng,
                           const std::vector<std::uint32_t>& pool) {
  const std::size_t before = chosen.size();
  if (chosen.size() >= target || pool.empty()) return fill(chosen, target, n, rng);
  std::size_t draws = 0;
  const std::size_t max_draws = 2 * pool.size();
  while (chosen.size() < target && draws < max_draws) {
    chosen.push(pool[rng.uniform64(pool.size())]);
    ++draws;
  }
  fill(chosen, target, n, rng);
  return chosen.size() - before;
}

// Moves `count` uniformly chosen elements of v to its front (partial Fisher-Yates).
void sample_front(std::vector<std::uint32_t>& v, std::size_t count, Rng& rng) {
  for (std::size_t i = 0; i < count && i + 1 < v.size(); ++i)
    std::swap(v[i], v[i + rng.uniform64(v.size() - i)]);
}

constexpr NameTable<ActivePolicy, 6> kPolicies{"active-set policy",
                                               {{{ActivePolicy::union_fill, "union"},
                                                 {ActivePolicy::budget, "budget"},
                                                 {ActivePolicy::threshold, "threshold"},
                                                 {ActivePolicy::top_hits, "top-hits"},
                                                 {ActivePolicy::uniform, "uniform"},
                                                 {ActivePolicy::exact, "exact"}}}};

}  // namespace

const char* active_policy_name(ActivePolicy policy) {
  return kPolicies.name(policy);
}

ActivePolicy parse_active_policy(std::string_view name) {
  return kPolicies.parse(name);
}

ActiveSetSelector::ActiveSetSelector(const ActiveSetConfig& config, std::size_t n_items)
    : config_(config), n_items_(n_items) {
  const bool sized = config.policy == ActivePolicy::budget ||
                     config.policy == ActivePolicy::top_hits ||
                     config.policy == ActivePolicy::uniform || config.policy == ActivePolicy::exact;
  if (sized && config.beta == 0) throw UsageError("active set: beta must be at least 1");
  if (config.policy == ActivePolicy::threshold && config.min_hits == 0)
    throw UsageError("active set: the hit threshold must be at least 1");
  if (n_items >= 0xffffffffULL) throw UsageError("active set: at most 2^32 - 1 items");
}

void ActiveSetSelector::set_rows(const float* rows, std::size_t row_stride, std::size_t dim) {
  rows_ = rows;
  row_stride_ = row_stride;
  dim_ = dim;
}

SelectStats ActiveSetSelector::select(std::span<const std::uint32_t> forced,
                                      const LshTables* tables, const std::uint32_t* keys,
                                      std::uint64_t seed, QueryScratch& scratch,
                                      std::vector<std::uint32_t>& out, const float* query,
                                      std::uint64_t pool_seed) const {
  const ActivePolicy policy = config_.policy;
  const bool uses_tables = policy == ActivePolicy::union_fill || policy == ActivePolicy::budget ||
                           policy == ActivePolicy::threshold || policy == ActivePolicy::top_hits;
  if (uses_tables && (tables == nullptr || keys == nullptr))
    throw UsageError(std::string("active set: policy '") + active_policy_name(policy) +
                     "' needs the tables and the example's keys");
  if (uses_tables && tables->num_items() > n_items_)
    throw UsageError("active set: the tables hold more items than the selector knows");
  if (policy == ActivePolicy::exact && (rows_ == nullptr || query == nullptr))
    throw UsageError("active set: policy 'exact' needs set_rows() and the dense query");
  for (std::uint32_t id : forced)
    if (id >= n_items_)
      throw UsageError("active set: forced id " + std::to_string(id) + " is not below " +
                       std::to_string(n_items_));
  if (scratch.capacity() < n_items_) scratch.reserve(n_items_);
  if (scratch.chosen.size() < n_items_) scratch.chosen.assign(n_items_, 0);

  // `forced` may be a view of `out` itself (a caller that already put the labels there):
  // copy it aside before `out` is cleared.
  const std::less<const std::uint32_t*> less;
  if (!forced.empty() && !less(forced.data(), out.data()) &&
      less(forced.data(), out.data() + out.capacity())) {
    scratch.forced.assign(forced.begin(), forced.end());
    forced = scratch.forced;
  }
  SelectStats stats;
  out.clear();
  Rng rng(seed);
  // Random fill of the table policies: from the batch's pool when there is one (drawn before
  // `chosen` marks anything, as it borrows the same marker array).
  const std::vector<std::uint32_t>* pool =
      config_.fill_pool > 0 ? &fill_pool(scratch, config_.fill_pool, n_items_, pool_seed) : nullptr;
  Chosen chosen(scratch.chosen, out);
  for (std::uint32_t id : forced) chosen.push(id);
  const std::size_t target = std::max<std::size_t>(config_.beta, chosen.size());
  const std::uint32_t l = tables ? tables->num_tables() : 0;
  const auto fill_up = [&](std::size_t to) {
    return pool ? fill_from_pool(chosen, to, n_items_, rng, *pool)
                : fill(chosen, to, n_items_, rng);
  };

  switch (policy) {
    case ActivePolicy::union_fill: {
      tables->query(keys, scratch);
      stats.tables_used = l;
      for (std::uint32_t t = 0; t < l; ++t) stats.ids_scanned += tables->bucket(t, keys[t]).size();
      const std::size_t before = chosen.size();
      for (std::uint32_t id : scratch.candidates()) chosen.push(id);
      stats.from_tables = chosen.size() - before;
      stats.filled = fill_up(config_.min_active);
      break;
    }
    case ActivePolicy::budget: {
      std::vector<std::uint32_t>& order = scratch.order;
      order.resize(l);
      for (std::uint32_t t = 0; t < l; ++t) order[t] = t;
      const std::size_t before = chosen.size();
      for (std::uint32_t s = 0; s < l && chosen.size() < target; ++s) {
        std::swap(order[s], order[s + rng.uniform64(l - s)]);  // the next table, lazily shuffled
        const std::uint32_t t = order[s];
        const std::span<const std::uint32_t> ids = tables->bucket(t, keys[t]);
        ++stats.tables_used;
        stats.ids_scanned += ids.size();
        std::vector<std::uint32_t>& fresh = scratch.buffer;
        fresh.clear();
        for (std::uint32_t id : ids)
          if (!chosen.has(id)) fresh.push_back(id);
        const std::size_t room = target - chosen.size();
        if (fresh.size() > room) {
          sample_front(fresh, room, rng);  // a uniform part of the last bucket, not its head
          fresh.resize(room);
        }
        for (std::uint32_t id : fresh) chosen.push(id);
      }
      stats.from_tables = chosen.size() - before;
      stats.filled = fill_up(target);
      break;
    }
    case ActivePolicy::threshold: {
      tables->query(keys, scratch);
      stats.tables_used = l;
      for (std::uint32_t t = 0; t < l; ++t) stats.ids_scanned += tables->bucket(t, keys[t]).size();
      const std::size_t before = chosen.size();
      for (std::uint32_t id : scratch.candidates())
        if (scratch.hits(id) >= config_.min_hits) chosen.push(id);
      stats.from_tables = chosen.size() - before;
      stats.filled = fill_up(config_.min_active);
      break;
    }
    case ActivePolicy::top_hits: {
      tables->query(keys, scratch);
      stats.tables_used = l;
      for (std::uint32_t t = 0; t < l; ++t) stats.ids_scanned += tables->bucket(t, keys[t]).size();
      // Counting sort by hits (at most L): find the hit level h where the budget runs out, take
      // everything above it and a uniform part of level h.
      std::vector<std::uint32_t>& histogram = scratch.order;
      histogram.assign(std::size_t{l} + 2, 0);
      for (std::uint32_t id : scratch.candidates())
        if (!chosen.has(id)) ++histogram[scratch.hits(id)];
      const std::size_t need = target - chosen.size();
      std::size_t above = 0;
      std::uint32_t level = l + 1;
      while (level > 1 && above + histogram[level - 1] <= need) above += histogram[--level];
      // Now every candidate with hits >= level fits; level - 1 (if >= 1) is the partial level.
      const std::size_t before = chosen.size();
      std::vector<std::uint32_t>& partial = scratch.buffer;
      partial.clear();
      for (std::uint32_t id : scratch.candidates()) {
        if (chosen.has(id)) continue;
        const std::uint32_t h = scratch.hits(id);
        if (h >= level)
          chosen.push(id);
        else if (h + 1 == level)
          partial.push_back(id);
      }
      const std::size_t room = target - chosen.size();
      if (partial.size() > room) {
        sample_front(partial, room, rng);
        partial.resize(room);
      }
      for (std::uint32_t id : partial) chosen.push(id);
      stats.from_tables = chosen.size() - before;
      stats.filled = fill_up(target);
      break;
    }
    case ActivePolicy::uniform:
      stats.filled = fill(chosen, target, n_items_, rng);
      break;
    case ActivePolicy::exact: {
      std::vector<float>& scores = scratch.scores;
      scores.resize(n_items_);
      simd::kernels().gemm_nt(query, dim_, rows_, row_stride_, scores.data(), n_items_, 1, n_items_,
                              dim_);
      std::vector<std::uint32_t>& ids = scratch.buffer;
      ids.clear();
      for (std::size_t i = 0; i < n_items_; ++i)
        if (!chosen.has(static_cast<std::uint32_t>(i)))
          ids.push_back(static_cast<std::uint32_t>(i));
      const std::size_t take = std::min(ids.size(), target - chosen.size());
      const auto better = [&](std::uint32_t a, std::uint32_t b) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
      };
      std::nth_element(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(take), ids.end(),
                       better);
      std::sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(take), better);
      for (std::size_t i = 0; i < take; ++i) chosen.push(ids[i]);
      stats.from_tables = take;
      break;
    }
  }
  // `chosen` resets the markers on scope exit, walking `out`.
  return stats;
}

}  // namespace slide::lsh
