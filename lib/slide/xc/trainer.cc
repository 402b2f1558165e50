#include "slide/xc/trainer.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "slide/core/error.h"
#include "slide/nn/engine.h"
#include "slide/nn/network_io.h"
#include "slide/nn/weight_average.h"
#include "slide/xc/checkpoint.h"
#include "slide/xc/checkpoint_rotation.h"
#include "slide/xc/data_files.h"
#include "slide/xc/evaluation.h"
#include "slide/xc/input_dropout.h"
#include "slide/xc/label_support.h"
#include "slide/xc/metrics.h"
#include "slide/xc/model.h"
#include "slide/xc/row_sampling.h"
#include "slide/xc/train_config.h"

namespace slide::xc {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The training data in messages.
std::string data_name(const TrainOptions& options) {
  return options.input.empty() ? "<training data>" : options.input;
}

void require_rows(const Dataset& train, const TrainOptions& options) {
  if (train.rows() == 0) throw DataError(data_name(options), 0, "no training rows");
}

DataShape shape_of(const Dataset& train, const std::optional<Dataset>& test) {
  DataShape shape;
  shape.rows = train.rows();
  shape.features = train.num_features();
  shape.labels = train.num_labels();
  shape.feature_nnz = train.feature_nnz();
  shape.label_nnz = train.label_nnz();
  if (test) {
    shape.features = std::max(shape.features, test->num_features());
    shape.labels = std::max(shape.labels, test->num_labels());
  }
  return shape;
}

std::unique_ptr<nn::NeuronSelector> make_selector(const TrainConfig& config) {
  const nn::NetworkConfig& net = config.network;
  switch (config.output_mode) {
    case OutputMode::lsh:
      return std::make_unique<nn::LshSelector>(net.output_dim, net.last_hidden_dim(),
                                               config.selector);
    case OutputMode::uniform:
      return std::make_unique<nn::UniformSelector>(net.output_dim, config.selector.active.beta);
    default:
      return std::make_unique<nn::ExactSelector>(net.output_dim);
  }
}

// The evaluation subset: random rows, never the first ones (XC files are often sorted by label).
std::optional<Dataset> evaluation_rows(const std::optional<Dataset>& test,
                                       const TrainConfig& config) {
  if (!test || config.eval_rows == 0 || test->rows() == 0) return std::nullopt;
  return test->select(
      random_subset(test->rows(), config.eval_rows, config.trainer.seed ^ 0x5EEDull));
}

PrecisionAtK precision_at_k(const nn::Network& network, const Dataset& truth, int threads) {
  const nn::Predictor predictor(network, {.top_k = 5, .threads = threads});
  MetricsAccumulator accumulator(5);
  accumulate(accumulator, truth, predictor.predict_exact(truth.features()));
  return {accumulator.value({MetricKind::kPrecision, 1}),
          accumulator.value({MetricKind::kPrecision, 3}),
          accumulator.value({MetricKind::kPrecision, 5})};
}

// One run of training, from the built network to the model file.
class TrainingRun {
 public:
  // eval: the rows evaluated after each epoch (none: no evaluation).
  TrainingRun(const TrainConfig& config, Dataset train, std::optional<Dataset> eval,
              const ResumePoint* resume, const TrainCallbacks& callbacks);

  const nn::Trainer& engine() const { return trainer_; }
  // Trains the remaining epochs; the result says whether a request stopped them (the
  // checkpoint then holds the run).
  TrainResult train_epochs();
  // Averages, checks and writes the model through `output`; removes the checkpoints.
  void finish(model::ModelWriter& output);

 private:
  bool after_batch(const nn::TrainProgress& progress, std::uint64_t epoch);
  bool end_epoch(std::uint64_t epoch, const nn::TrainStats& stats);
  BatchReport report(std::uint64_t epoch, double examples_done, Clock::time_point now) const;
  std::optional<PrecisionAtK> evaluate() const;
  ModelSettings current_settings() const;
  void save_checkpoint();
  void require_finite() const;
  [[noreturn]] void rethrow_divergence(const DivergenceError& error);

  const TrainConfig& config_;
  const TrainCallbacks& callbacks_;
  Dataset train_;
  std::optional<Dataset> eval_;  // the random evaluation rows of the test data
  std::vector<std::uint64_t> label_counts_;
  nn::Network network_;
  std::unique_ptr<nn::NeuronSelector> selector_;
  nn::LshSelector* lsh_;  // selector_ in lsh mode, else null
  nn::Trainer trainer_;
  std::optional<nn::WeightAverage> average_;
  std::uint64_t average_first_epoch_;
  CheckpointRotation checkpoints_;
  SparseDataset dropped_;  // the epoch's data under input dropout
  std::uint64_t first_epoch_;
  double examples_total_;
  double last_loss_ = 0, last_active_ = 0;
  Clock::time_point train_start_;
  Clock::time_point last_checkpoint_;
  double paused_seconds_ = 0;  // evaluations and checkpoints, not training
  bool stop_ = false;
};

TrainingRun::TrainingRun(const TrainConfig& config, Dataset train, std::optional<Dataset> eval,
                         const ResumePoint* resume, const TrainCallbacks& callbacks)
    : config_(config),
      callbacks_(callbacks),
      train_(std::move(train)),
      eval_(std::move(eval)),
      network_(config.network, /*initialize=*/resume == nullptr),
      selector_(make_selector(config)),
      lsh_(dynamic_cast<nn::LshSelector*>(selector_.get())),
      trainer_(network_, *selector_, config.trainer),
      average_first_epoch_(config.trainer.epochs - config.average_epochs),
      checkpoints_(config.checkpoint, resume != nullptr, 0) {
  label_counts_ = train_.label_counts();
  label_counts_.resize(config.network.output_dim, 0);
  if (network_.has_linear_path() && resume == nullptr) {
    choose_label_support(train_, network_.linear_path(),
                         {.initial_norm = config.linear_init, .threads = config.trainer.threads});
  }
  // Snapshots of the weights from average_first_epoch_ on; checkpoints carry the mean so far.
  if (config.average_epochs > 0) average_.emplace(config.network);
  if (resume) {
    resume->restore(network_, trainer_, *selector_, average_ ? &*average_ : nullptr);
    checkpoints_ = CheckpointRotation(config.checkpoint, true, trainer_.step());
  }
  first_epoch_ = trainer_.epoch();
  // Negative when a resumed run asks for fewer epochs than the checkpoint has done.
  examples_total_ =
      (static_cast<double>(config.trainer.epochs) - static_cast<double>(first_epoch_)) *
      static_cast<double>(train_.rows());
  train_start_ = Clock::now();
  last_checkpoint_ = train_start_;
}

BatchReport TrainingRun::report(std::uint64_t epoch, double examples_done,
                                Clock::time_point now) const {
  BatchReport r;
  r.epoch = epoch;
  r.epochs = config_.trainer.epochs;
  r.step = trainer_.step();
  r.loss = last_loss_;
  r.active = last_active_;
  r.examples_done = examples_done;
  r.examples_total = examples_total_;
  r.train_seconds = seconds_between(train_start_, now) - paused_seconds_;
  return r;
}

ModelSettings TrainingRun::current_settings() const {
  return config_.model_settings(train_.rows(),
                                lsh_ ? lsh_->current_seed() : config_.selector.tables.seed);
}

// Never store NaN or infinite weights as if all were well: the previous checkpoint stays.
void TrainingRun::require_finite() const {
  if (!nn::network_is_finite(network_)) {
    throw DivergenceError("training diverged: the weights are not finite after batch " +
                          std::to_string(trainer_.step()));
  }
}

void TrainingRun::rethrow_divergence(const DivergenceError& error) {
  throw DivergenceError(checkpoints_.divergence_message(error.what(), trainer_.step()));
}

void TrainingRun::save_checkpoint() {
  const Clock::time_point start = Clock::now();
  require_finite();
  const ModelSettings settings = current_settings();
  checkpoints_.write(
      [&](model::ModelWriter& writer) {
        add_checkpoint(writer, {.network = network_,
                                .trainer = trainer_,
                                .lsh = lsh_,
                                .average = average_ ? &*average_ : nullptr,
                                .settings = settings,
                                .label_counts = label_counts_,
                                .input_dropout = config_.input_dropout});
      },
      trainer_.step());
  if (config_.checkpoint_model) {
    model::ModelWriter snapshot(config_.output, model::kKindXc);
    write_model(snapshot, network_, settings, label_counts_);
  }
  last_checkpoint_ = Clock::now();
  paused_seconds_ += seconds_between(start, last_checkpoint_);
}

bool TrainingRun::after_batch(const nn::TrainProgress& progress, std::uint64_t epoch) {
  last_loss_ = progress.loss;
  last_active_ = progress.active;
  const Clock::time_point now = Clock::now();
  if (callbacks_.batch) {
    const double done = static_cast<double>(epoch - first_epoch_) * train_.rows() +
                        static_cast<double>(progress.examples_done);
    callbacks_.batch(report(epoch, done, now));
  }
  if (callbacks_.after_batch) callbacks_.after_batch(network_, progress.step);
  // A NaN gradient reaches the bias of every row it reaches (the bias gradient is the row's
  // delta): the biases are a cheap per-batch sentinel for weights gone NaN or infinite, on top
  // of the finite-loss check of the engine and the full check before every write.
  if (!nn::biases_are_finite(network_)) {
    throw DivergenceError("training diverged: the weights are not finite after batch " +
                          std::to_string(progress.step));
  }
  if (average_ && epoch >= average_first_epoch_ && progress.step % config_.average_every == 0) {
    average_->add(network_);
  }
  if (callbacks_.stop_requested && callbacks_.stop_requested()) {
    stop_ = true;
    save_checkpoint();
    return false;
  }
  const auto interval = std::chrono::duration<double>(config_.checkpoint_minutes * 60.0);
  if ((config_.checkpoint_minutes > 0 && now - last_checkpoint_ >= interval) ||
      (config_.checkpoint_batches > 0 && progress.step % config_.checkpoint_batches == 0)) {
    save_checkpoint();
  }
  return true;
}

std::optional<PrecisionAtK> TrainingRun::evaluate() const {
  if (!eval_) return std::nullopt;
  return precision_at_k(network_, *eval_, config_.trainer.threads);
}

bool TrainingRun::end_epoch(std::uint64_t epoch, const nn::TrainStats& stats) {
  const Clock::time_point start = Clock::now();
  EpochReport r;
  r.progress = report(epoch, static_cast<double>(epoch + 1 - first_epoch_) * train_.rows(), start);
  r.mean_loss = stats.mean_loss();
  r.mean_active = stats.mean_active();
  r.precision = evaluate();
  paused_seconds_ += seconds_between(start, Clock::now());
  if (callbacks_.epoch) callbacks_.epoch(r);
  if (epoch + 1 < config_.trainer.epochs) {
    save_checkpoint();
    // A request during the evaluation or the checkpoint: that checkpoint is the place to stop.
    if (callbacks_.stop_requested && callbacks_.stop_requested()) return false;
  }
  return true;
}

TrainResult TrainingRun::train_epochs() {
  TrainResult result;
  result.checkpoint = config_.checkpoint;
  for (std::uint64_t epoch = first_epoch_; epoch < config_.trainer.epochs; ++epoch) {
    const SparseDataset* data = &train_.sparse();
    if (config_.input_dropout > 0) {
      drop_features(train_.sparse(), config_.input_dropout, config_.trainer.seed, epoch, dropped_);
      data = &dropped_;
    }
    nn::TrainStats stats;
    try {
      stats = trainer_.train_epoch(
          *data, [&](const nn::TrainProgress& p) { return after_batch(p, epoch); });
    } catch (const DivergenceError& e) {
      rethrow_divergence(e);
    }
    if (stop_) {
      result.stopped = result.stopped_in_epoch = true;
      return result;
    }
    if (!end_epoch(epoch, stats)) {
      result.stopped = true;
      return result;
    }
  }
  if (callbacks_.trained) {
    const std::uint64_t last = config_.trainer.epochs - 1;
    callbacks_.trained(report(last, examples_total_, Clock::now()));
  }
  return result;
}

void TrainingRun::finish(model::ModelWriter& output) {
  if (average_) {
    average_->add(network_);  // the final weights are always one of the snapshots
    average_->store_into(network_);
    if (callbacks_.averaged) {
      callbacks_.averaged({average_->count(), config_.average_epochs, evaluate()});
    }
  }
  try {
    require_finite();
  } catch (const DivergenceError& e) {
    rethrow_divergence(e);
  }
  write_model(output, network_, current_settings(), label_counts_);
  checkpoints_.remove();
}

}  // namespace

Trainer::Trainer(TrainOptions options) : options_(std::move(options)) {
  apply_preset(options_);
  validate(options_);
  // A configuration that cannot fit is refused before the data is read, from the file's header
  // (the data itself counted as nothing yet); the full estimate follows once it is read.
  if (!options_.resume) {
    if (const auto shape = peek_header_shape(options_.input, options_.format)) {
      check_memory(estimate_memory(resolve(options_, *shape), *shape), options_.max_memory);
    }
  }
  output_ = std::make_unique<model::ModelWriter>(options_.output, model::kKindXc);
}

Trainer::~Trainer() = default;

TrainResult Trainer::run(const TrainCallbacks& callbacks) {
  if (options_.input.empty()) throw UsageError("train needs --input (-i)");
  auto read = [&](const DataFiles& files, std::uint32_t features, std::uint32_t labels) {
    if (callbacks.reading) callbacks.reading(files.path);
    ReadResult result = load_data(files, options_.format, options_.skip_bad_rows, features, labels);
    if (result.report.skipped_rows > 0 && callbacks.skipped_rows) {
      callbacks.skipped_rows(files.path, result.report);
    }
    return std::move(result.data);
  };
  Dataset train = read({options_.input, options_.input_labels}, 0, 0);
  require_rows(train, options_);
  std::optional<Dataset> test;
  if (!options_.test.empty()) {
    test = read({options_.test, options_.test_labels}, train.num_features(), train.num_labels());
  }
  return run(std::move(train), std::move(test), callbacks);
}

TrainResult Trainer::run(Dataset train, std::optional<Dataset> test,
                         const TrainCallbacks& callbacks) {
  if (!output_) throw UsageError("a Trainer runs once");
  require_rows(train, options_);
  const DataShape shape = shape_of(train, test);
  if (shape.features == 0 || shape.labels == 0) {
    throw DataError(data_name(options_), 0, "the data has no features or no labels");
  }
  std::optional<ResumePoint> resume;
  if (options_.resume) resume.emplace(options_.checkpoint_path());
  const TrainConfig config = resolve(options_, shape, resume ? &*resume : nullptr);
  // Now that the data's size is known, before the network and tables are allocated.
  const MemoryEstimate estimate = estimate_memory(config, shape);
  check_memory(estimate, options_.max_memory);
  std::optional<Dataset> eval = evaluation_rows(test, config);
  test.reset();  // before the network is allocated
  TrainingRun run(config, std::move(train), std::move(eval), resume ? &*resume : nullptr,
                  callbacks);
  resume.reset();
  if (callbacks.started) {
    callbacks.started(
        {estimate, config.resume, config.checkpoint, run.engine().epoch(), run.engine().step()});
  }
  const TrainResult result = run.train_epochs();
  if (result.stopped) return result;
  run.finish(*output_);
  output_.reset();
  return result;
}

}  // namespace slide::xc
