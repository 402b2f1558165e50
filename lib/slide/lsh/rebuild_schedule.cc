#include "slide/lsh/rebuild_schedule.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "slide/core/error.h"
#include "slide/core/random.h"

namespace slide::lsh {

RebuildSchedule::RebuildSchedule(const RebuildScheduleConfig& config) : config_(config) {
  if (config.period == 0) throw UsageError("rebuild schedule: period must be at least 1");
  if (config.kind == ScheduleKind::exponential && !(config.growth >= 1.0))
    throw UsageError("rebuild schedule: growth must be at least 1");
  if (config.kind == ScheduleKind::on_change) {
    if (config.check_period == 0)
      throw UsageError("rebuild schedule: check period must be at least 1");
    if (!(config.change_threshold >= 0.0 && config.change_threshold <= 1.0))
      throw UsageError("rebuild schedule: change threshold must be in [0, 1]");
  }
  interval_ = static_cast<double>(config.period);
  next_ = config.kind == ScheduleKind::on_change ? config.check_period : config.period;
}

RefreshAction RebuildSchedule::refresh() {
  ++rehashes_;
  if (config_.rebuild_every != 0 && rehashes_ % config_.rebuild_every == 0)
    return RefreshAction::rebuild;
  return RefreshAction::rehash;
}

RefreshAction RebuildSchedule::after_batch(std::uint64_t batches_done,
                                           const std::function<double()>& changed_fraction) {
  if (batches_done < next_) return RefreshAction::none;
  switch (config_.kind) {
    case ScheduleKind::fixed:
      next_ = batches_done + config_.period;
      return refresh();
    case ScheduleKind::exponential: {
      interval_ *= config_.growth;
      if (config_.max_period != 0)
        interval_ = std::min(interval_, static_cast<double>(config_.max_period));
      next_ = batches_done + std::max<std::uint64_t>(1, std::llround(interval_));
      return refresh();
    }
    case ScheduleKind::on_change: {
      next_ = batches_done + config_.check_period;
      if (!changed_fraction)
        throw UsageError("rebuild schedule: on_change needs a changed-fraction measurement");
      if (changed_fraction() > config_.change_threshold) return refresh();
      return RefreshAction::none;
    }
  }
  return RefreshAction::none;
}

ChangeMonitor::ChangeMonitor(std::size_t n_rows, std::size_t sample_size, std::uint64_t seed) {
  const std::size_t m = std::min(n_rows, sample_size);
  // Floyd's algorithm: m distinct rows, sorted for locality.
  Rng rng(seed, 0xc4a96e);
  std::vector<bool> taken(n_rows, false);
  sample_.reserve(m);
  for (std::size_t j = n_rows - m; j < n_rows; ++j) {
    auto t = static_cast<std::uint32_t>(rng.uniform64(j + 1));
    if (taken[t]) t = static_cast<std::uint32_t>(j);
    taken[t] = true;
    sample_.push_back(t);
  }
  std::sort(sample_.begin(), sample_.end());
}

void ChangeMonitor::snapshot(const HashFunctions& functions, const float* rows,
                             std::size_t row_stride) {
  tables_ = functions.num_tables();
  keys_.resize(sample_.size() * tables_);
  for (std::size_t i = 0; i < sample_.size(); ++i)
    functions.hash_dense(rows + std::size_t{sample_[i]} * row_stride, keys_.data() + i * tables_);
}

void ChangeMonitor::restore(std::span<const std::uint32_t> keys, std::uint32_t tables) {
  if (keys.size() != sample_.size() * tables)
    throw UsageError("change monitor: a snapshot of " + std::to_string(keys.size()) +
                     " keys does not fit " + std::to_string(sample_.size()) + " rows x " +
                     std::to_string(tables) + " tables");
  keys_.assign(keys.begin(), keys.end());
  tables_ = tables;
}

double ChangeMonitor::changed_fraction(const HashFunctions& functions, const float* rows,
                                       std::size_t row_stride) const {
  if (tables_ == 0 || functions.num_tables() != tables_)
    throw UsageError("change monitor: no snapshot for these hash functions");
  if (sample_.empty()) return 0.0;
  std::vector<std::uint32_t> keys(tables_);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < sample_.size(); ++i) {
    functions.hash_dense(rows + std::size_t{sample_[i]} * row_stride, keys.data());
    changed += !std::equal(keys.begin(), keys.end(),
                           keys_.begin() + static_cast<std::ptrdiff_t>(i * tables_));
  }
  return static_cast<double>(changed) / static_cast<double>(sample_.size());
}

}  // namespace slide::lsh
