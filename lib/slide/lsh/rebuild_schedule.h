#pragma once

// When to refresh the tables as the weights move. Two separate actions:
//   rehash   re-insert every row with its current weights, same hash functions (LshTables::rehash)
//   rebuild  draw new hash functions, then rehash (LshTables::rebuild)
// Rehash timing, chosen at run time:
//   fixed        every `period` batches
//   exponential  first after `period` batches (N0), then each interval `growth` times the last
//                (the SLIDE paper's schedule: frequent early, when weights move fast)
//   on_change    every `check_period` batches, measure the fraction of a fixed sample of rows
//                whose keys changed since the last refresh (ChangeMonitor); rehash if it
//                exceeds `change_threshold`
// Rebuild: every `rebuild_every` rehashes (0: never); a rebuild replaces that rehash.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "slide/lsh/hash_functions.h"

namespace slide::lsh {

enum class ScheduleKind { fixed, exponential, on_change };

struct RebuildScheduleConfig {
  ScheduleKind kind = ScheduleKind::exponential;
  std::uint64_t period = 50;        // fixed: interval; exponential: first interval (N0)
  double growth = 1.1;              // exponential: interval factor (>= 1)
  std::uint64_t max_period = 0;     // exponential: cap on the interval (0: none)
  std::uint64_t check_period = 10;  // on_change: batches between measurements
  double change_threshold = 0.1;    // on_change: rehash when more than this fraction changed
  std::uint32_t rebuild_every = 0;  // rehashes per rebuild (0: never rebuild)
};

enum class RefreshAction { none, rehash, rebuild };

class RebuildSchedule {
 public:
  // Throws UsageError on a zero period/check_period, growth < 1 or a threshold outside [0, 1].
  explicit RebuildSchedule(const RebuildScheduleConfig& config);

  const RebuildScheduleConfig& config() const { return config_; }

  // Call after each batch with the number of batches done so far (1, 2, ...; increasing).
  // For on_change, `changed_fraction` is called when a measurement is due (and only then) and
  // returns the fraction of sampled rows whose keys changed; it may be empty for the others.
  // The caller performs the returned action (and, for on_change, refreshes its ChangeMonitor).
  RefreshAction after_batch(std::uint64_t batches_done,
                            const std::function<double()>& changed_fraction = {});

  // The batch count at which the next rehash is due (fixed, exponential) or the next
  // measurement is due (on_change).
  std::uint64_t next_due() const { return next_; }
  std::uint64_t rehashes() const { return rehashes_; }

  // Where the schedule stands (checkpoints): a schedule restored from state() decides exactly
  // as the saved one would have.
  struct State {
    std::uint64_t next = 0;  // next_due()
    double interval = 0;     // exponential: the current interval before rounding
    std::uint64_t rehashes = 0;
  };
  State state() const { return {next_, interval_, rehashes_}; }
  void restore(const State& state) {
    next_ = state.next;
    interval_ = state.interval;
    rehashes_ = state.rehashes;
  }

 private:
  RefreshAction refresh();

  RebuildScheduleConfig config_;
  std::uint64_t next_;
  double interval_;
  std::uint64_t rehashes_ = 0;
};

// A fixed, seeded sample of rows and their keys at the last refresh; changed_fraction() hashes
// the sample with the current weights and reports the fraction of rows with any key changed.
class ChangeMonitor {
 public:
  // Samples min(sample_size, n_rows) distinct rows of n_rows (uniformly, from the seed).
  ChangeMonitor(std::size_t n_rows, std::size_t sample_size, std::uint64_t seed);

  // Records the sample's keys (call after each rehash/rebuild, with the functions used).
  void snapshot(const HashFunctions& functions, const float* rows, std::size_t row_stride);
  // Fraction of sampled rows whose keys differ from the snapshot. Throws UsageError if no
  // snapshot was taken with functions of the same number of tables.
  double changed_fraction(const HashFunctions& functions, const float* rows,
                          std::size_t row_stride) const;

  const std::vector<std::uint32_t>& sample() const { return sample_; }
  // The snapshot (sample x tables keys, empty before the first) and its number of tables, for
  // checkpoints; restore() puts a saved snapshot back (UsageError if the size does not match).
  const std::vector<std::uint32_t>& keys() const { return keys_; }
  std::uint32_t tables() const { return tables_; }
  void restore(std::span<const std::uint32_t> keys, std::uint32_t tables);

 private:
  std::vector<std::uint32_t> sample_;
  std::vector<std::uint32_t> keys_;  // [sample x L]
  std::uint32_t tables_ = 0;
};

}  // namespace slide::lsh
