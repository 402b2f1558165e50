#pragma once

// The LSH-sampled output mode: a NeuronSelector over slide::lsh tables that hash the output
// layer's weight rows. For each example the last hidden activation is hashed with the same
// functions, the L buckets are looked up and an lsh::ActiveSetSelector policy (budget,
// union+fill, threshold, top-by-hits, uniform, exact oracle) turns the buckets into the active
// set, the labels first. Between batches the trainer calls after_step(), where a
// RebuildSchedule decides when to rehash (same functions, current weights) or rebuild (new
// functions, seeded by (seed, rebuild count)).
//
// Only the weights are hashed (not the bias): the query is the activation alone, and an inner
// product search over [w; b] . [h; 1] would need the asymmetric transform, which the reference
// SLIDE does not do either.

#include <cstdint>
#include <memory>
#include <optional>

#include "slide/lsh/active_set.h"
#include "slide/lsh/lsh_config.h"
#include "slide/lsh/lsh_tables.h"
#include "slide/lsh/rebuild_schedule.h"
#include "slide/nn/neuron_selector.h"

namespace slide::nn {

// Where a selector stands between batches (checkpoints), besides its tables.
struct LshSelectorState {
  std::uint64_t rehashes = 0;
  std::uint64_t rebuilds = 0;
  std::uint64_t seed = 0;        // of the current hash functions
  std::uint64_t generation = 0;  // LshTables::generation()
  lsh::RebuildSchedule::State schedule{};
};

struct LshSelectorConfig {
  lsh::LshConfig tables{};                // family, K, L, bucket capacity, seed
  lsh::ActiveSetConfig active{};          // policy and budget
  lsh::RebuildScheduleConfig schedule{};  // when to rehash / rebuild
  std::size_t change_sample = 1024;       // rows sampled by the on_change schedule
};

class LshSelector final : public NeuronSelector {
 public:
  // hidden_dim: the width of the activations (and of the rows) that are hashed. Throws
  // UsageError for an invalid configuration.
  LshSelector(std::uint32_t output_dim, std::uint32_t hidden_dim, LshSelectorConfig config);

  std::unique_ptr<SelectorScratch> make_scratch() const override;
  std::size_t max_selected() const override;
  bool selects_all() const override { return false; }

  // Builds the tables from the network's output rows (also after loading a model).
  void prepare(const Network& network) override;
  void after_step(const Network& network, std::span<const std::uint32_t> changed, bool all_rows,
                  std::uint64_t step) override;

  const lsh::LshTables& tables() const { return tables_; }
  const LshSelectorConfig& config() const { return config_; }
  std::uint64_t rehashes() const { return rehashes_; }
  std::uint64_t rebuilds() const { return rebuilds_; }
  // Seed of the current hash functions (what a model file must store to rebuild the tables).
  std::uint64_t current_seed() const { return tables_.config().seed; }
  // Rebuilds with the functions of `seed` (loading a model).
  void rebuild_with_seed(const Network& network, std::uint64_t seed);

  // Checkpoints: the counters and schedule position; the tables' contents (tables().contents())
  // and the change monitor's snapshot (monitor_keys(); empty unless on_change) go with them.
  LshSelectorState state() const;
  std::span<const std::uint32_t> monitor_keys() const;
  std::uint32_t monitor_tables() const { return monitor_ ? monitor_->tables() : 0; }
  // Puts a saved state back on a selector built with the saved configuration (the original
  // seed): the tables as they were at the last refresh, not rehashed from the current weights,
  // so that a resumed run selects exactly what the uninterrupted one would. The next prepare()
  // keeps them. Throws UsageError when the parts do not fit the configuration.
  void restore(const LshSelectorState& state, const lsh::LshTables::Contents& tables,
               std::span<const std::uint32_t> monitor_keys, std::uint32_t monitor_tables);

 protected:
  void select_more(std::span<const float> hidden, Rng& rng, SelectorScratch& scratch,
                   std::vector<std::uint32_t>& out) const override;

 private:
  void rehash(const Network& network);

  LshSelectorConfig config_;
  std::uint32_t hidden_dim_;
  lsh::LshTables tables_;
  lsh::ActiveSetSelector active_;
  lsh::RebuildSchedule schedule_;
  std::optional<lsh::ChangeMonitor> monitor_;
  std::uint64_t rehashes_ = 0;
  std::uint64_t rebuilds_ = 0;
  bool restored_ = false;  // prepare() keeps restored tables
};

}  // namespace slide::nn
