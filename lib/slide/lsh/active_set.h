#pragma once

// Active-set selection: which output neurons one example computes. The forced ids (the true
// labels during training) always come first, deduplicated, in the order given; a policy, chosen
// at run time, adds further ids; no id appears twice. All randomness comes from the seed the
// caller passes (the engine seeds per (epoch, batch, example)): the same inputs and seed give
// the same set, on any thread.
//
// Policies (beta counts the forced ids: the set has max(beta, forced) ids where it says "to beta"):
//   union_fill  the union of the L buckets, then random fill up to min_active (SLIDE's default:
//               unbounded size; for comparison)
//   budget      buckets of tables taken in a random order until beta ids are collected (the last
//               bucket contributes a uniform subset), then random fill to exactly beta: a fixed
//               amount of work per example
//   threshold   ids found in at least min_hits tables, then random fill up to min_active
//   top_hits    the beta - forced candidates with the most table hits (ties broken at random),
//               then random fill to beta
//   uniform     beta ids uniformly at random (sampled softmax: the baseline LSH must beat)
//   exact       the beta - forced ids with the largest inner product with the query: an oracle
//               costing a full pass over the rows (needs set_rows() and the dense query)
// Random fill draws uniformly among the ids not yet chosen.
//
// Typical use in a training thread (one QueryScratch per thread, allocated once):
//   LshTables tables(lsh_config, hidden_dim);              // once
//   tables.rehash(weights, stride, n_labels, hidden_dim);  // and whenever the schedule says
//   ActiveSetSelector selector(active_config, n_labels);
//   ...per example:
//   tables.hash_dense(hidden, scratch.keys.data());        // scratch.keys sized L
//   selector.select(labels, &tables, scratch.keys.data(), mix_seed(seed, {epoch, batch, example}),
//                   scratch, active_ids);

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "slide/lsh/lsh_tables.h"
#include "slide/lsh/query_scratch.h"

namespace slide::lsh {

enum class ActivePolicy { union_fill, budget, threshold, top_hits, uniform, exact };

// "union", "budget", "threshold", "top-hits", "uniform", "exact".
const char* active_policy_name(ActivePolicy policy);
ActivePolicy parse_active_policy(std::string_view name);

struct ActiveSetConfig {
  ActivePolicy policy = ActivePolicy::budget;
  std::uint32_t beta = 1024;     // budget, top_hits, uniform, exact
  std::uint32_t min_active = 0;  // union_fill, threshold: random fill up to this size
  std::uint32_t min_hits = 2;    // threshold: m
  // Random fill of the table policies (not of `uniform`, the baseline) draws from a pool of this
  // many ids (distinct, uniform over all ids, drawn from the pool seed select() gets: the trainer
  // passes one per batch) instead of from all ids; 0: from all ids. Each example's fill is
  // still uniform over all ids, but the examples of a batch share their negatives the way
  // sampled softmax shares them within a batch, so a batch touches far fewer distinct output
  // rows: those rows stay in cache between examples and the lazy optimizer step, whose cost is
  // proportional to the rows touched, shrinks. Larger than beta; a pool smaller than a fill
  // needs is topped up from all ids.
  std::uint32_t fill_pool = 0;
};

// What a selection did, for benchmarks and monitoring.
struct SelectStats {
  std::uint32_t tables_used = 0;  // buckets gathered
  std::size_t ids_scanned = 0;    // bucket entries read
  std::size_t from_tables = 0;    // ids chosen from buckets (or exact scores)
  std::size_t filled = 0;         // ids chosen by random fill
};

class ActiveSetSelector {
 public:
  // n_items: ids are < n_items. Throws UsageError on a zero beta for the fixed-size policies.
  ActiveSetSelector(const ActiveSetConfig& config, std::size_t n_items);

  const ActiveSetConfig& config() const { return config_; }
  std::size_t num_items() const { return n_items_; }

  // The rows the exact policy scores (row i at rows + i * row_stride, dim floats); the pointer
  // is kept, so rows updated in place are seen by later calls.
  void set_rows(const float* rows, std::size_t row_stride, std::size_t dim);

  // Replaces `out` with the active set of one example (`forced` may view `out` itself, e.g.
  // when the labels were put there first). keys: the example's L keys under
  // `tables` (LSH policies). query: the dense vector of set_rows' dim floats (exact policy;
  // ignored otherwise). scratch is grown to n_items on first use and reused.
  // Throws UsageError if an input the policy needs is missing or a forced id is >= n_items.
  // pool_seed: the seed of the fill pool (config().fill_pool > 0), the same for every example
  // that is to share it.
  SelectStats select(std::span<const std::uint32_t> forced, const LshTables* tables,
                     const std::uint32_t* keys, std::uint64_t seed, QueryScratch& scratch,
                     std::vector<std::uint32_t>& out, const float* query = nullptr,
                     std::uint64_t pool_seed = 0) const;

 private:
  ActiveSetConfig config_;
  std::size_t n_items_;
  const float* rows_ = nullptr;
  std::size_t row_stride_ = 0;
  std::size_t dim_ = 0;
};

}  // namespace slide::lsh
