#pragma once

// Trains a Network on a SparseDataset: the examples of a batch run in parallel on oneTBB
// (parallel_for with grain 1: tasks of one or a few examples, HOGWILD updates without locks),
// then one optimizer step. Every random choice is drawn from Rng(seed, stream, step, position in
// batch) or Rng(seed, stream, epoch), never from a thread id, so the active sets do not depend on
// scheduling, and with one thread a run is bit-for-bit reproducible. With several threads the
// racing float additions of HOGWILD (and, under SGD, which weights an example reads) vary from
// run to run.
//
// The library never prints: progress goes to a callback after every batch.

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/task_arena.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "slide/core/csr_matrix.h"
#include "slide/nn/loss.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/optimizer.h"
#include "slide/nn/propagation.h"
#include "slide/nn/workspace.h"

namespace slide::nn {

struct TrainerConfig {
  OptimizerKind optimizer = OptimizerKind::lazy_adam;
  LossKind loss = LossKind::softmax_cross_entropy;
  Precision precision = Precision::f32;
  float learning_rate = 1e-4f;  // Adam's alpha, or SGD's starting rate
  AdamConfig adam{};
  // SGD: the rate decays linearly from learning_rate to learning_rate * min_rate_fraction over
  // decay_examples examples (0: epochs * the size of the first data set trained on), as
  // word2vec decays alpha.
  float min_rate_fraction = 1e-4f;
  std::uint64_t decay_examples = 0;
  std::size_t epochs = 1;  // only sets the SGD decay horizon; train_epoch runs one epoch
  std::size_t batch_size = 256;
  int threads = 0;  // 0: every hardware thread
  std::uint64_t seed = 0;
  bool shuffle = true;  // shuffle the example order each epoch (seeded by the epoch)
  // Engine switches, on by default; off only to measure what they bring (engine_bench).
  // Lazy Adam: output-layer gradients as (row, dL/dlogit, example) entries summed by the
  // optimizer instead of a gradient buffer written per active neuron (GradientSink).
  bool defer_output_gradient = true;
  // Adam + softmax: forward and softmax backward in one pass over the active rows.
  bool fuse_output_softmax = true;
  // The network's sparse linear path (if any): AdaGrad's rate, and how many of the neurons it
  // scores highest join each active set.
  float linear_rate = kDefaultLinearRate;
  std::uint32_t linear_shortlist = 0;

  void check() const;  // throws UsageError
};

struct TrainProgress {
  std::uint64_t epoch = 0;           // from 0
  std::uint64_t examples_done = 0;   // in this epoch
  std::uint64_t examples_total = 0;  // in this epoch
  std::uint64_t step = 0;            // optimizer steps so far (all epochs)
  double loss = 0;                   // mean loss per example over the last batch
  double active = 0;                 // mean active-set size over the last batch
  float learning_rate = 0;           // the rate the last batch used
};

// Called after every batch; returning false stops the epoch after that batch.
using ProgressCallback = std::function<bool(const TrainProgress&)>;

// Where training stands; a checkpoint saves these, and the random streams follow from them.
struct TrainerCounters {
  std::uint64_t step = 0;            // optimizer steps done
  std::uint64_t epoch = 0;           // epochs started and finished
  std::uint64_t examples_seen = 0;   // examples trained on (drives the SGD decay)
  std::uint64_t decay_examples = 0;  // the SGD decay horizon (0: not fixed yet)
  // Examples of epoch `epoch` already trained (a multiple of the batch size, or the epoch's
  // size): a checkpoint taken within an epoch resumes with the next batch of the same order.
  std::uint64_t epoch_position = 0;
};

struct TrainStats {
  std::uint64_t examples = 0;
  std::uint64_t steps = 0;
  double loss_sum = 0;
  double active_sum = 0;
  double forward_backward_seconds = 0;    // the parallel pass over the examples
  double optimizer_seconds = 0;           // Adam steps (0 for SGD)
  double selector_seconds = 0;            // NeuronSelector::after_step (LSH rehash/rebuild)
  std::uint64_t touched_output_rows = 0;  // distinct output rows per step, summed over steps
  bool stopped = false;                   // the callback asked to stop

  double mean_loss() const { return examples ? loss_sum / static_cast<double>(examples) : 0.0; }
  double mean_active() const { return examples ? active_sum / static_cast<double>(examples) : 0.0; }
  void add(const TrainStats& other);
};

class Trainer {
 public:
  // Neither the network nor the selector is owned; both must outlive the trainer. A bf16-weights
  // precision enables the network's bf16 output copy. Allocates Adam state (gradients and two
  // moments: three times the parameters) for the Adam optimizers.
  Trainer(Network& network, NeuronSelector& selector, TrainerConfig config);

  // One pass over `data` in batches, from epoch_position() (0 unless restored from a checkpoint
  // taken within an epoch, or the last call was stopped by its callback). A stopped epoch is not
  // counted: the next call continues it. Throws UsageError when the data does not fit the
  // network or the position is not a batch boundary, DivergenceError when a batch loss is not
  // finite.
  TrainStats train_epoch(const SparseDataset& data, const ProgressCallback& progress = {});
  // One optimizer step over the given rows of `data` (for callers that stream their own
  // examples, e.g. word2vec). Does not validate dimensions (train_epoch does).
  TrainStats train_batch(const SparseDataset& data, std::span<const std::uint64_t> rows);

  // The rate the next batch will use (SGD: after the linear decay).
  float current_learning_rate() const;
  std::uint64_t step() const { return step_; }
  std::uint64_t epoch() const { return epoch_; }
  std::uint64_t epoch_position() const { return epoch_position_; }
  std::uint64_t examples_seen() const { return examples_seen_; }
  // For checkpoints.
  TrainerCounters counters() const {
    return {step_, epoch_, examples_seen_, decay_examples_, epoch_position_};
  }
  void restore_counters(const TrainerCounters& counters);
  const TrainerConfig& config() const { return config_; }
  // Null for SGD.
  AdamState* adam_state() { return adam_ ? &*adam_ : nullptr; }
  const Network& network() const { return network_; }
  Network& network() { return network_; }

 private:
  void prepare_once();
  void group_output_gradient();

  Network& network_;
  NeuronSelector& selector_;
  TrainerConfig config_;
  std::optional<AdamState> adam_;
  // Flags of output rows changed in a batch, for selectors that want them under SGD.
  AlignedBuffer<std::uint8_t> sgd_output_flags_;
  tbb::task_arena arena_;
  tbb::enumerable_thread_specific<Workspace> workspaces_;
  std::vector<std::uint32_t> touched_input_, touched_output_;
  // Deferred output gradients: the batch's last hidden activations (one padded row per example)
  // and the entries of all threads grouped by row (see GroupedOutputGradient).
  AlignedBuffer<float> batch_hidden_;
  std::vector<std::uint32_t> row_position_;  // output row -> index in touched_output_
  std::vector<std::uint32_t> group_offsets_, group_slot_;
  std::vector<float> group_coef_;
  std::vector<std::uint64_t> order_;
  std::uint64_t step_ = 0;
  std::uint64_t epoch_ = 0;
  std::uint64_t examples_seen_ = 0;
  std::uint64_t decay_examples_ = 0;
  std::uint64_t epoch_position_ = 0;
  bool prepared_ = false;
};

}  // namespace slide::nn
