#include "slide/nn/lsh_selector.h"

#include <string>

#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/nn/network.h"

namespace slide::nn {
namespace {

constexpr std::uint64_t kRebuildStream = 0x2eb1;

struct LshScratch final : SelectorScratch {
  LshScratch(std::uint32_t output_dim, std::uint32_t tables)
      : SelectorScratch(output_dim), query(output_dim), keys(tables) {}
  lsh::QueryScratch query;
  std::vector<std::uint32_t> keys;
  std::vector<std::uint32_t> forced;
  std::vector<std::uint32_t> chosen;
};

}  // namespace

LshSelector::LshSelector(std::uint32_t output_dim, std::uint32_t hidden_dim,
                         LshSelectorConfig config)
    : NeuronSelector(output_dim),
      config_(config),
      hidden_dim_(hidden_dim),
      tables_(config.tables, hidden_dim),
      active_(config.active, output_dim),
      schedule_(config.schedule) {
  if (config_.schedule.kind == lsh::ScheduleKind::on_change) {
    monitor_.emplace(output_dim, config_.change_sample, config_.tables.seed);
  }
}

std::unique_ptr<SelectorScratch> LshSelector::make_scratch() const {
  auto s = std::make_unique<LshScratch>(output_dim(), tables_.num_tables());
  s->chosen.reserve(max_selected() + 64);
  return s;
}

std::size_t LshSelector::max_selected() const {
  const auto& a = config_.active;
  switch (a.policy) {
    case lsh::ActivePolicy::union_fill:
    case lsh::ActivePolicy::threshold:
      return std::min<std::size_t>(
          output_dim(), std::max<std::size_t>(
                            a.min_active, std::size_t{config_.tables.l} * config_.tables.capacity));
    default:
      return std::min<std::size_t>(output_dim(), a.beta);
  }
}

void LshSelector::rehash(const Network& network) {
  const DenseMatrix<float>& w = network.output_weights();
  tables_.rehash(w.data(), w.stride(), w.rows(), hidden_dim_);
  if (monitor_) monitor_->snapshot(tables_.functions(), w.data(), w.stride());
  ++rehashes_;
}

void LshSelector::prepare(const Network& network) {
  const DenseMatrix<float>& w = network.output_weights();
  active_.set_rows(w.data(), w.stride(), hidden_dim_);
  if (restored_) {
    restored_ = false;
    return;
  }
  rehash(network);
}

LshSelectorState LshSelector::state() const {
  return {rehashes_, rebuilds_, tables_.config().seed, tables_.generation(), schedule_.state()};
}

std::span<const std::uint32_t> LshSelector::monitor_keys() const {
  if (!monitor_) return {};
  return monitor_->keys();
}

void LshSelector::restore(const LshSelectorState& state, const lsh::LshTables::Contents& tables,
                          std::span<const std::uint32_t> monitor_keys,
                          std::uint32_t monitor_tables) {
  if (tables.n_items != output_dim()) {
    throw UsageError("LSH selector: saved tables hold " + std::to_string(tables.n_items) +
                     " items, the output layer has " + std::to_string(output_dim()));
  }
  if (monitor_) {
    monitor_->restore(monitor_keys, monitor_tables);
  } else if (!monitor_keys.empty()) {
    throw UsageError("LSH selector: a change-monitor snapshot without the on_change schedule");
  }
  tables_.restore(tables, state.seed, state.generation);
  schedule_.restore(state.schedule);
  rehashes_ = state.rehashes;
  rebuilds_ = state.rebuilds;
  restored_ = true;
}

void LshSelector::rebuild_with_seed(const Network& network, std::uint64_t seed) {
  const DenseMatrix<float>& w = network.output_weights();
  active_.set_rows(w.data(), w.stride(), hidden_dim_);
  tables_.rebuild(w.data(), w.stride(), w.rows(), hidden_dim_, seed);
  if (monitor_) monitor_->snapshot(tables_.functions(), w.data(), w.stride());
}

void LshSelector::after_step(const Network& network, std::span<const std::uint32_t>, bool,
                             std::uint64_t step) {
  const DenseMatrix<float>& w = network.output_weights();
  const lsh::RefreshAction action = schedule_.after_batch(step, [&] {
    return monitor_ ? monitor_->changed_fraction(tables_.functions(), w.data(), w.stride()) : 1.0;
  });
  if (action == lsh::RefreshAction::rehash) {
    rehash(network);
  } else if (action == lsh::RefreshAction::rebuild) {
    ++rebuilds_;
    rebuild_with_seed(network, mix_seed(config_.tables.seed, {kRebuildStream, rebuilds_}));
    ++rehashes_;
  }
}

void LshSelector::select_more(std::span<const float> hidden, Rng& rng, SelectorScratch& base,
                              std::vector<std::uint32_t>& out) const {
  auto& s = static_cast<LshScratch&>(base);
  tables_.hash_dense(hidden.data(), s.keys.data());
  s.forced.assign(out.begin(), out.end());
  active_.select(s.forced, &tables_, s.keys.data(), rng.next_u64(), s.query, s.chosen,
                 hidden.data(), base.batch_seed);
  // s.chosen starts with the forced ids, deduplicated in the same order as `out` holds them
  // (both keep first occurrences), and is distinct: append the rest as it is. Skipping the
  // membership stamps saves a random write per id into an output_dim array; nothing reads
  // them after select() (see NeuronSelector::select_more).
  for (std::size_t i = out.size(); i < s.chosen.size(); ++i) out.push_back(s.chosen[i]);
}

}  // namespace slide::nn
