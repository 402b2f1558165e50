#pragma once

// The running mean of a network's parameters over snapshots taken during training (stochastic
// weight averaging, Polyak averaging). With Adam at a constant rate the weights of the last
// epochs wander around a minimum; their mean generalises better than any one of them (on
// Delicious +0.5 to 1 point of P@1, see docs/PERFORMANCE.md) and removes most of the
// epoch-to-epoch noise of the test figures.
//
// Costs one copy of the parameters, and one pass over them per snapshot (add()); the caller
// chooses how often.

#include <cstdint>

#include "slide/nn/network.h"

namespace slide::nn {

class WeightAverage {
 public:
  // Zero snapshots, buffers shaped for `config`.
  explicit WeightAverage(const NetworkConfig& config);

  // Adds a snapshot of the network's parameters (running mean: avg += (w - avg) / n, so the
  // mean of n equal snapshots is exactly that snapshot). Throws UsageError if the network's
  // shape differs.
  void add(const Network& network);
  std::uint64_t count() const { return count_; }
  // Writes the mean into `network` (and refreshes its bf16 output copy, if it has one).
  // Throws UsageError with no snapshot or another shape.
  void store_into(Network& network) const;

  // For checkpoints: the mean so far and the number of snapshots in it, so that a resumed run
  // averages the same snapshots as an uninterrupted one.
  ParameterBuffers& mean() { return mean_; }
  const ParameterBuffers& mean() const { return mean_; }
  void restore_count(std::uint64_t count) { count_ = count; }

 private:
  ParameterBuffers mean_;
  std::uint64_t count_ = 0;
};

}  // namespace slide::nn
