#include "slide/nn/trainer.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include "slide/core/error.h"
#include "slide/core/random.h"

namespace slide::nn {
namespace {

constexpr std::uint64_t kTrainStream = 0x7124;
constexpr std::uint64_t kShuffleStream = 0x5487;
constexpr std::uint64_t kBatchStream = 0xba7c;

// Puts the rows of `rows` (each flagged in flags[0, n)) in increasing order: a sort when few,
// otherwise one pass over the flags.
void order_rows(std::vector<std::uint32_t>& rows, const std::uint8_t* flags, std::size_t n) {
  if (rows.size() < 2 || flags == nullptr) return;
  if (rows.size() * 32 < n) {
    std::sort(rows.begin(), rows.end());
    return;
  }
  // Every flagged row was recorded by exactly one thread, so the scan finds the same set.
  rows.clear();
  for (std::size_t r = 0; r < n; ++r) {
    if (flags[r]) rows.push_back(static_cast<std::uint32_t>(r));
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void TrainerConfig::check() const {
  if (!(learning_rate > 0.0f) || !std::isfinite(learning_rate)) {
    throw UsageError("the learning rate must be a positive number");
  }
  if (batch_size == 0) throw UsageError("the batch size must be positive");
  if (threads < 0) throw UsageError("the thread count must be >= 0");
  if (!(min_rate_fraction >= 0.0f && min_rate_fraction <= 1.0f)) {
    throw UsageError("the minimum learning-rate fraction must be in [0, 1]");
  }
  if (!(adam.beta1 >= 0.0f && adam.beta1 < 1.0f && adam.beta2 >= 0.0f && adam.beta2 < 1.0f &&
        adam.epsilon > 0.0f)) {
    throw UsageError("Adam needs 0 <= beta1, beta2 < 1 and epsilon > 0");
  }
}

void TrainStats::add(const TrainStats& o) {
  examples += o.examples;
  steps += o.steps;
  loss_sum += o.loss_sum;
  active_sum += o.active_sum;
  forward_backward_seconds += o.forward_backward_seconds;
  optimizer_seconds += o.optimizer_seconds;
  selector_seconds += o.selector_seconds;
  touched_output_rows += o.touched_output_rows;
  stopped = stopped || o.stopped;
}

Trainer::Trainer(Network& network, NeuronSelector& selector, TrainerConfig config)
    : network_(network),
      selector_(selector),
      config_(config),
      arena_(config.threads > 0 ? config.threads : tbb::task_arena::automatic),
      workspaces_([this] { return Workspace(network_, selector_); }) {
  config_.check();
  if (selector_.output_dim() != network_.output_dim()) {
    throw UsageError("the neuron selector covers " + std::to_string(selector_.output_dim()) +
                     " outputs but the network has " + std::to_string(network_.output_dim()));
  }
  if (network_.has_linear_path()) network_.linear_path().enable_training();
  if (config_.optimizer != OptimizerKind::sgd) {
    adam_.emplace(network_.config(), config_.adam);
  } else if (selector_.wants_changed_rows()) {
    sgd_output_flags_ = AlignedBuffer<std::uint8_t>(network_.output_dim());
  }
  if (config_.precision == Precision::bf16_weights) {
    network_.enable_bf16_output(true);
  }
}

void Trainer::prepare_once() {
  if (prepared_) return;
  arena_.execute([&] { selector_.prepare(network_); });
  prepared_ = true;
}

float Trainer::current_learning_rate() const {
  if (config_.optimizer != OptimizerKind::sgd || decay_examples_ == 0) return config_.learning_rate;
  const double progress =
      static_cast<double>(examples_seen_) / static_cast<double>(decay_examples_);
  const double fraction = std::max(1.0 - progress, static_cast<double>(config_.min_rate_fraction));
  return static_cast<float>(config_.learning_rate * fraction);
}

void Trainer::restore_counters(const TrainerCounters& counters) {
  step_ = counters.step;
  epoch_ = counters.epoch;
  examples_seen_ = counters.examples_seen;
  decay_examples_ = counters.decay_examples;
  epoch_position_ = counters.epoch_position;
}

TrainStats Trainer::train_batch(const SparseDataset& data, std::span<const std::uint64_t> rows) {
  prepare_once();
  TrainStats stats;
  if (rows.empty()) return stats;
  const float lr = current_learning_rate();
  GradientSink sink;
  if (adam_) {
    sink.gradients = &adam_->gradients();
    if (config_.optimizer == OptimizerKind::lazy_adam) {
      sink.input_rows.flags = adam_->input_flags();
      sink.output_rows.flags = adam_->output_flags();
    }
  } else {
    sink.learning_rate = lr;
    sink.output_rows.flags = sgd_output_flags_.data();  // null unless the selector wants rows
  }
  sink.fuse_softmax = config_.fuse_output_softmax;
  sink.linear_rate = config_.linear_rate;
  sink.linear_shortlist = config_.linear_shortlist;
  const bool deferred =
      config_.optimizer == OptimizerKind::lazy_adam && config_.defer_output_gradient;
  const std::size_t hidden_stride = padded_stride<float>(network_.hidden_dim());
  if (deferred) {
    // Entries of a batch that threw (a bad label) must not reach this one.
    for (Workspace& ws : workspaces_) ws.output_log.clear();
    if (batch_hidden_.size() < rows.size() * hidden_stride) {
      batch_hidden_ = AlignedBuffer<float>(rows.size() * hidden_stride);
    }
    sink.batch_hidden = batch_hidden_.data();
    sink.batch_hidden_stride = hidden_stride;
  }
  const std::uint64_t step = step_;
  const std::uint64_t batch_seed = mix_seed(config_.seed, {kBatchStream, step});

  auto start = std::chrono::steady_clock::now();
  arena_.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, rows.size(), 1),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        Workspace& ws = workspaces_.local();
                        for (std::size_t i = range.begin(); i < range.end(); ++i) {
                          // Shuffled rows of a large data set: fetch the row pointers of an
                          // example a few iterations ahead (measured: a third of the time of
                          // tiny word2vec examples was this cache miss).
                          if (i + 8 < range.end()) {
                            __builtin_prefetch(data.features.indptr().data() + rows[i + 8]);
                            __builtin_prefetch(data.labels.indptr().data() + rows[i + 8]);
                          }
                          const std::uint64_t row = rows[i];
                          Rng rng(config_.seed, kTrainStream, step, i);
                          ws.batch_slot = static_cast<std::uint32_t>(i);
                          ws.selector_scratch->batch_seed = batch_seed;
                          const ExampleResult r = train_example(
                              network_, data.features.row(row), data.labels.row(row).ids, selector_,
                              config_.loss, config_.precision, rng, ws, sink);
                          ws.loss_sum += r.loss;
                          ws.active_sum += r.active;
                          ++ws.examples;
                        }
                      });
  });
  stats.forward_backward_seconds = seconds_since(start);

  touched_input_.clear();
  touched_output_.clear();
  for (Workspace& ws : workspaces_) {
    stats.loss_sum += ws.loss_sum;
    stats.active_sum += static_cast<double>(ws.active_sum);
    stats.examples += ws.examples;
    ws.loss_sum = 0;
    ws.active_sum = 0;
    ws.examples = 0;
    touched_input_.insert(touched_input_.end(), ws.touched_input.begin(), ws.touched_input.end());
    touched_output_.insert(touched_output_.end(), ws.touched_output.begin(),
                           ws.touched_output.end());
    ws.touched_input.clear();
    ws.touched_output.clear();
  }
  // Optimizer steps read and write four arrays per row; visiting the rows in memory order instead
  // of first-touch order turns random row accesses into mostly sequential streams (measured:
  // several times faster for uniform active sets on Amazon-670K shapes).
  order_rows(touched_output_, adam_ ? adam_->output_flags() : sgd_output_flags_.data(),
             network_.output_dim());
  if (adam_) order_rows(touched_input_, adam_->input_flags(), network_.input_dim());
  if (deferred) group_output_gradient();
  if (!std::isfinite(stats.loss_sum)) {
    throw DivergenceError("training diverged: the loss of batch " + std::to_string(step_ + 1) +
                          " is not finite (lower the learning rate)");
  }

  ++step_;
  examples_seen_ += rows.size();
  stats.touched_output_rows = touched_output_.size();
  stats.steps = 1;
  start = std::chrono::steady_clock::now();
  if (adam_) {
    arena_.execute([&] {
      if (config_.optimizer == OptimizerKind::lazy_adam) {
        GroupedOutputGradient grouped{group_offsets_, group_coef_, group_slot_,
                                      batch_hidden_.data(), hidden_stride};
        adam_->step_lazy(network_, touched_input_, touched_output_, config_.learning_rate, step_,
                         deferred ? &grouped : nullptr);
      } else {
        adam_->step_dense(network_, config_.learning_rate, step_);
      }
    });
  } else {
    for (std::uint32_t r : touched_output_) sgd_output_flags_[r] = 0;
  }
  stats.optimizer_seconds = seconds_since(start);

  start = std::chrono::steady_clock::now();
  const bool all_rows = config_.optimizer == OptimizerKind::dense_adam;
  arena_.execute([&] {
    selector_.after_step(network_, all_rows ? std::span<const std::uint32_t>() : touched_output_,
                         all_rows, step_);
  });
  stats.selector_seconds = seconds_since(start);
  return stats;
}

void Trainer::group_output_gradient() {
  // A stable counting sort of the threads' entries by output row, in the order of
  // touched_output_ (increasing rows): the optimizer then sums each row's entries in one place.
  const std::size_t touched = touched_output_.size();
  if (row_position_.size() < network_.output_dim()) row_position_.resize(network_.output_dim());
  for (std::size_t i = 0; i < touched; ++i) {
    row_position_[touched_output_[i]] = static_cast<std::uint32_t>(i);
  }
  group_offsets_.assign(touched + 1, 0);
  std::size_t entries = 0;
  for (Workspace& ws : workspaces_) {
    for (std::uint32_t r : ws.output_log.rows) ++group_offsets_[row_position_[r] + 1];
    entries += ws.output_log.size();
  }
  for (std::size_t i = 0; i < touched; ++i) group_offsets_[i + 1] += group_offsets_[i];
  group_coef_.resize(entries);
  group_slot_.resize(entries);
  // Write cursors: the start of each row's range, advanced as entries land (offsets are restored
  // by shifting afterwards: cursor i ends at the start of row i + 1).
  for (Workspace& ws : workspaces_) {
    const OutputGradientLog& log = ws.output_log;
    for (std::size_t e = 0; e < log.size(); ++e) {
      const std::uint32_t at = group_offsets_[row_position_[log.rows[e]]]++;
      group_coef_[at] = log.coef[e];
      group_slot_[at] = log.slot[e];
    }
    ws.output_log.clear();
  }
  for (std::size_t i = touched; i > 0; --i) group_offsets_[i] = group_offsets_[i - 1];
  group_offsets_[0] = 0;
}

TrainStats Trainer::train_epoch(const SparseDataset& data, const ProgressCallback& progress) {
  data.check();
  if (data.features.cols() > network_.input_dim()) {
    throw UsageError("the data has " + std::to_string(data.features.cols()) +
                     " features but the network takes " + std::to_string(network_.input_dim()));
  }
  if (data.labels.cols() > network_.output_dim()) {
    throw UsageError("the data has " + std::to_string(data.labels.cols()) +
                     " labels but the network has " + std::to_string(network_.output_dim()) +
                     " outputs");
  }
  if (decay_examples_ == 0) {
    decay_examples_ = config_.decay_examples
                          ? config_.decay_examples
                          : static_cast<std::uint64_t>(config_.epochs) * data.size();
  }
  const std::size_t n = data.size();
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), std::uint64_t{0});
  if (config_.shuffle) Rng(config_.seed, kShuffleStream, epoch_).shuffle(order_.data(), n);

  if (epoch_position_ > n || (epoch_position_ % config_.batch_size != 0 && epoch_position_ != n)) {
    throw UsageError("cannot continue epoch " + std::to_string(epoch_ + 1) + " after " +
                     std::to_string(epoch_position_) + " of " + std::to_string(n) +
                     " examples with batches of " + std::to_string(config_.batch_size) +
                     " (the checkpoint was taken with another batch size or other data)");
  }
  TrainStats total;
  for (std::size_t begin = epoch_position_; begin < n; begin += config_.batch_size) {
    const std::size_t count = std::min(config_.batch_size, n - begin);
    const float lr = current_learning_rate();
    const TrainStats batch =
        train_batch(data, std::span<const std::uint64_t>(order_.data() + begin, count));
    total.add(batch);
    epoch_position_ = begin + count;
    if (progress) {
      TrainProgress p;
      p.epoch = epoch_;
      p.examples_done = begin + count;
      p.examples_total = n;
      p.step = step_;
      p.loss = batch.mean_loss();
      p.active = batch.mean_active();
      p.learning_rate = lr;
      if (!progress(p)) {
        total.stopped = true;
        break;
      }
    }
  }
  if (total.stopped && epoch_position_ < n) return total;
  ++epoch_;
  epoch_position_ = 0;
  return total;
}

}  // namespace slide::nn
