#pragma once

// Which output neurons an example computes. The trainer asks a NeuronSelector once per example
// with the last hidden activation and the example's labels (forced ids); the selector returns the
// active set. Exact mode is the selector that returns every neuron; sampled modes return a few
// thousand. LSH selection, word2vec negative sampling (a unigram selector in the w2v app) and
// the uniform baseline all implement this interface.
//
// Contract of select(): `out` receives the distinct forced ids first, in the order given
// (duplicates dropped), then the selector's own choices, all distinct and < output_dim. The
// return value is the number of forced ids kept, so positions [0, forced) are the positives.
// select() is const and called concurrently from many threads: per-thread state goes in the
// SelectorScratch the selector creates (one per thread, reused for every example).

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "slide/core/aligned_buffer.h"
#include "slide/core/random.h"

namespace slide::nn {

class Network;

// Per-thread scratch of a selector. The base holds a generation-stamped membership set over the
// output neurons, so marking and testing an id is O(1) and clearing is free (SLIDE used a
// std::map per example here). Selectors that need more derive from it.
class SelectorScratch {
 public:
  explicit SelectorScratch(std::uint32_t output_dim);
  virtual ~SelectorScratch() = default;
  SelectorScratch(const SelectorScratch&) = delete;
  SelectorScratch& operator=(const SelectorScratch&) = delete;

  // Empties the set.
  void clear();
  // Adds id; returns false if it was already present.
  bool mark(std::uint32_t id) {
    if (stamp_[id] == generation_) return false;
    stamp_[id] = generation_;
    return true;
  }
  bool contains(std::uint32_t id) const { return stamp_[id] == generation_; }
  std::uint32_t output_dim() const { return static_cast<std::uint32_t>(stamp_.size()); }

  // The same for every example of a batch (the trainer sets it from its seed and the step):
  // selectors that share random choices across a batch (the LSH fill pool) seed them from it.
  std::uint64_t batch_seed = 0;

 private:
  AlignedBuffer<std::uint32_t> stamp_;
  std::uint32_t generation_ = 0;
};

class NeuronSelector {
 public:
  explicit NeuronSelector(std::uint32_t output_dim) : output_dim_(output_dim) {}
  virtual ~NeuronSelector() = default;

  std::uint32_t output_dim() const { return output_dim_; }

  // See the contract at the top of this file. Throws UsageError for a forced id >= output_dim.
  std::size_t select(std::span<const float> hidden, std::span<const std::uint32_t> forced, Rng& rng,
                     SelectorScratch& scratch, std::vector<std::uint32_t>& out) const;

  // A scratch for one thread.
  virtual std::unique_ptr<SelectorScratch> make_scratch() const {
    return std::make_unique<SelectorScratch>(output_dim_);
  }
  // An upper bound of the active-set size excluding forced ids (used to size workspaces).
  virtual std::size_t max_selected() const = 0;
  // True when select() returns every neuron (the trainer and predictor then know no neuron is
  // missing from the softmax).
  virtual bool selects_all() const { return false; }
  // Whether the selector wants after_step() to receive the changed output rows.
  virtual bool wants_changed_rows() const { return false; }

  // Called once before training or prediction with the network (e.g. to build hash tables).
  virtual void prepare(const Network& /*network*/) {}
  // Called by the trainer after every optimizer step, outside the parallel region, with the
  // output rows whose weights changed (`all_rows` when every row may have changed, as after a
  // dense Adam step; `changed` is then empty). `step` counts optimizer steps from 1. LSH
  // selectors rehash or rebuild here on their schedule.
  virtual void after_step(const Network& /*network*/, std::span<const std::uint32_t> /*changed*/,
                          bool /*all_rows*/, std::uint64_t /*step*/) {}

 protected:
  // Appends the selector's own choices to `out`: distinct ids not already in `out`. `out`
  // already holds the forced ids, marked in `scratch`; a selector may use the marks to skip
  // them, and need not mark what it appends (nothing reads the marks after select()).
  virtual void select_more(std::span<const float> hidden, Rng& rng, SelectorScratch& scratch,
                           std::vector<std::uint32_t>& out) const = 0;

 private:
  std::uint32_t output_dim_;
};

// Every output neuron: the exact softmax.
class ExactSelector final : public NeuronSelector {
 public:
  using NeuronSelector::NeuronSelector;
  std::size_t max_selected() const override { return output_dim(); }
  bool selects_all() const override { return true; }

 protected:
  void select_more(std::span<const float> hidden, Rng& rng, SelectorScratch& scratch,
                   std::vector<std::uint32_t>& out) const override;
};

// The forced ids plus neurons drawn uniformly without replacement until the active set holds
// `budget` neurons (or every neuron). The baseline LSH must beat.
class UniformSelector final : public NeuronSelector {
 public:
  UniformSelector(std::uint32_t output_dim, std::uint32_t budget);
  std::size_t max_selected() const override { return budget_; }
  bool selects_all() const override { return budget_ >= output_dim(); }
  std::uint32_t budget() const { return budget_; }

 protected:
  void select_more(std::span<const float> hidden, Rng& rng, SelectorScratch& scratch,
                   std::vector<std::uint32_t>& out) const override;

 private:
  std::uint32_t budget_;
};

}  // namespace slide::nn
