#pragma once

// Trains an XC model, the whole of `slide-xc train`: from the options (slide/xc/train_options.h)
// to the model file, with the memory checked before anything big is allocated, an evaluation
// after each epoch, checkpoints (and their rotation, slide/xc/checkpoint_rotation.h), resumption,
// input dropout and weight averaging. Progress goes to callbacks; nothing is printed. A run
// with one thread is reproducible bit for bit, resumed or not.
//
//   xc::TrainOptions options;
//   options.input = "train.txt";
//   options.output = "model.bin";
//   xc::Trainer trainer(options);
//   trainer.run({.epoch = [](const xc::EpochReport& e) { ... }});

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "slide/model/model_file.h"
#include "slide/nn/network.h"
#include "slide/xc/dataset.h"
#include "slide/xc/dataset_reader.h"
#include "slide/xc/memory_estimate.h"
#include "slide/xc/train_options.h"

namespace slide::xc {

struct PrecisionAtK {
  double p1 = 0, p3 = 0, p5 = 0;
};

struct TrainStart {
  MemoryEstimate estimate;
  bool resumed = false;
  std::string checkpoint;   // the checkpoint file (resumed from, and written to)
  std::uint64_t epoch = 0;  // epochs done before this run
  std::uint64_t step = 0;   // optimizer steps done before this run
};

struct BatchReport {
  std::uint64_t epoch = 0;  // from 0
  std::uint64_t epochs = 0;
  std::uint64_t step = 0;  // optimizer steps so far
  double loss = 0;         // mean over the batch's examples
  double active = 0;       // mean active-set size over the batch's examples
  // Examples trained in this run and to train in it (a resumed run counts from where it started).
  double examples_done = 0;
  double examples_total = 0;
  double train_seconds = 0;  // of this run, evaluations and checkpoints excluded
};

struct EpochReport {
  // At the end of the epoch: its last batch's loss and active size, the seconds when the
  // evaluation began.
  BatchReport progress;
  double mean_loss = 0;
  double mean_active = 0;
  std::optional<PrecisionAtK> precision;  // on the evaluation rows of the test data, if any
};

struct AverageReport {
  std::uint64_t snapshots = 0;
  std::uint64_t epochs = 0;               // the last ones, averaged
  std::optional<PrecisionAtK> precision;  // of the mean, on the evaluation rows
};

// Every member may be left empty.
struct TrainCallbacks {
  std::function<void(const std::string& path)> reading;  // a data file is about to be read
  std::function<void(const std::string& path, const ReadReport& report)> skipped_rows;
  std::function<void(const TrainStart&)> started;      // the network is built, training begins
  std::function<void(const BatchReport&)> batch;       // after every batch
  std::function<void(const EpochReport&)> epoch;       // after each epoch and its evaluation
  std::function<void(const BatchReport&)> trained;     // after the last epoch: the final progress
  std::function<void(const AverageReport&)> averaged;  // the mean of the weights replaced them
  // Polled after every batch and after each epoch's checkpoint: true saves a checkpoint (or
  // keeps the one just written) and stops the run.
  std::function<bool()> stop_requested;
  // Called after every batch with the network about to be checked: a seam for tests that
  // inject faults (a NaN weight) where a diverging update would leave them.
  std::function<void(nn::Network& network, std::uint64_t step)> after_batch;
};

struct TrainResult {
  bool stopped = false;           // at a request: the checkpoint holds the run, no model
  bool stopped_in_epoch = false;  // the request came within an epoch (else at an epoch's end)
  std::string checkpoint;         // the checkpoint file
};

class Trainer {
 public:
  // Before any data is read: validates the options (UsageError), refuses from the header of an
  // XC file a configuration that cannot fit (ResourceError), and creates the model file's
  // temporary, so that an unwritable destination fails at once (OutputCreateError).
  explicit Trainer(TrainOptions options);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Reads the options' data files, then trains as below.
  TrainResult run(const TrainCallbacks& callbacks = {});
  // Trains on data already in memory and writes the model (unless stopped). The data's
  // dimensions are the larger of the two sets'. Throws DataError for data without rows,
  // features or labels, UsageError (as resolve()), ResourceError (check_memory()),
  // DivergenceError naming the last good checkpoint, or what reading a checkpoint or writing a
  // file throws.
  TrainResult run(Dataset train, std::optional<Dataset> test, const TrainCallbacks& callbacks = {});

  const TrainOptions& options() const { return options_; }

 private:
  TrainOptions options_;
  std::unique_ptr<model::ModelWriter> output_;
};

}  // namespace slide::xc
