#pragma once

// The configuration of a training run with every choice settled: resolve() turns the options
// (slide/xc/train_options.h) and the shape of the data into concrete values once, before the
// memory is estimated or anything is allocated, and on resume takes every structural choice from
// the checkpoint.

#include <cstdint>
#include <string>

#include "slide/nn/lsh_selector.h"
#include "slide/nn/network.h"
#include "slide/nn/trainer.h"
#include "slide/xc/data_files.h"
#include "slide/xc/model.h"
#include "slide/xc/train_options.h"

namespace slide::xc {

class ResumePoint;

// Labels at or above which the automatic output mode is lsh (exact below: for a few thousand
// labels a dense output layer costs less than hashing).
inline constexpr std::uint32_t kAutoLshLabels = 20000;
// The small-label defaults of exact output mode: a wider hidden layer, regularised by input
// dropout and weight averaging (measured on Bibtex and Delicious, docs/PERFORMANCE.md). The
// sampled modes keep the published SLIDE shape and no per-epoch data copy.
inline constexpr std::uint32_t kExactModeHidden = 256;
inline constexpr double kExactModeInputDropout = 0.2;
// lsh output mode: the random fill of a batch's active sets comes from a pool of this many times
// the active-set size (the examples share their negatives, as sampled softmax does within a
// batch). On the Amazon-670K shape one epoch took 189 s instead of 344 s and reached P@1 0.292
// instead of 0.240 (docs/PERFORMANCE.md): far fewer distinct output rows per batch for the lazy
// Adam step, and each of them gets a gradient from many examples.
inline constexpr std::uint32_t kLshFillPoolPerActive = 4;

struct TrainConfig {
  OutputMode output_mode = OutputMode::exact;  // never automatic
  nn::NetworkConfig network;
  // The selector of lsh mode (uniform mode: active.beta ids per example). Stored in every model;
  // tables.seed is the seed the run started from.
  nn::LshSelectorConfig selector;
  nn::TrainerConfig trainer;  // threads: a count, never 0
  double input_dropout = 0;
  float linear_init = 0;             // the norm of each label's starting linear-path weights
  std::uint64_t average_epochs = 0;  // the mean of the weights over the last ones
  std::uint64_t average_every = 10;  // batches between the averaged snapshots
  std::uint64_t eval_rows = 0;

  std::string output;      // the model file
  std::string checkpoint;  // the checkpoint file
  double checkpoint_minutes = 0;
  std::uint64_t checkpoint_batches = 0;
  bool checkpoint_model = false;
  bool resume = false;

  // The settings a model of this run stores, the tables at `lsh_seed`.
  ModelSettings model_settings(std::uint64_t train_points, std::uint64_t lsh_seed) const;
};

// UsageError for options that do not validate or, on resume, for an option given explicitly
// that contradicts the checkpoint ("--hidden 256 contradicts the checkpoint m.ckpt (trained with
// 128)"). The learning rate and the input dropout are taken from the checkpoint too unless given,
// but may be changed; the epochs, the averaging and the run options are the command's.
TrainConfig resolve(const TrainOptions& options, const DataShape& shape,
                    const ResumePoint* resume = nullptr);

}  // namespace slide::xc
