#pragma once

// Every option of training an XC model, each with its one default (the member initializers).
// An option the caller does not name in `given` may be settled otherwise, once, by resolve()
// (slide/xc/train_config.h): on resume from the checkpoint, else from the preset, else by its
// automatic rule (noted at the field), else it keeps the default below. An option in `given` is
// never overridden, and on resume it must agree with the checkpoint.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "slide/lsh/active_set.h"
#include "slide/lsh/lsh_config.h"
#include "slide/lsh/rebuild_schedule.h"
#include "slide/nn/propagation.h"
#include "slide/xc/data_files.h"
#include "slide/xc/label_support.h"
#include "slide/xc/model.h"

namespace slide::xc {

// The published SLIDE settings (the reference code's configurations).
enum class Preset { none, amazon670k, delicious200k, wikilshtc325k };
// UsageError for another name.
Preset parse_preset(const std::string& name);

// adam: lazy Adam (touched rows only) with a skipped row's momentum steps caught up; lazy_adam:
// the same without catch-up.
enum class Optimizer { adam, lazy_adam, dense_adam, sgd };
// "adam", "lazy-adam", "dense-adam", "sgd".
const char* optimizer_name(Optimizer optimizer);
Optimizer parse_optimizer(const std::string& name);

// "fixed", "exponential", "on-change".
const char* schedule_name(lsh::ScheduleKind kind);
lsh::ScheduleKind parse_schedule(const std::string& name);

struct TrainOptions {
  // Data.
  std::string input, input_labels;  // the training data file (input_labels: split format)
  std::string test, test_labels;    // evaluated after each epoch (optional)
  InputFormat format = InputFormat::xc;
  bool skip_bad_rows = false;
  std::uint64_t eval_rows = 10000;  // test rows evaluated (a random subset; 0: none)
  std::string output;               // the model file

  // Network.
  Preset preset = Preset::none;
  std::uint32_t hidden = 128;  // automatic: 256 in exact output mode without a preset
  OutputMode output_mode = OutputMode::automatic;  // exact below kAutoLshLabels labels, else lsh
  nn::Precision precision = nn::Precision::f32;
  // The sparse linear path (slide/nn/linear_path.h): features per label (0: none), how many
  // labels it adds to each active set, and AdaGrad's rate for its weights.
  std::uint32_t linear_support = 0;
  std::uint32_t linear_shortlist = 0;
  float linear_rate = nn::kDefaultLinearRate;
  // The Euclidean norm of each label's starting path weights (slide/xc/label_support.h).
  float linear_init = kDefaultLinearInit;

  // LSH and active sets (output modes lsh and uniform).
  lsh::HashFamily hash_family = lsh::HashFamily::dwta;
  std::uint32_t k = 6;
  std::uint32_t l = 50;
  std::uint32_t bin_size = 8;
  std::uint32_t bucket_capacity = 128;
  lsh::Replacement bucket_replacement = lsh::Replacement::fifo;
  lsh::ActivePolicy active_policy = lsh::ActivePolicy::budget;
  std::uint32_t active_size = 4096;
  std::uint32_t fill_pool = 0;  // automatic: kLshFillPoolPerActive x active_size in lsh mode
  std::uint32_t min_hits = 2;
  lsh::ScheduleKind rebuild_schedule = lsh::ScheduleKind::exponential;
  std::uint64_t rehash_period = 50;
  double rehash_growth = 1.1;
  std::uint64_t rehash_max_period = 0;
  double change_threshold = 0.1;
  std::uint32_t rebuild_every = 0;

  // Optimisation.
  Optimizer optimizer = Optimizer::adam;
  float learning_rate = 1e-3f;
  std::size_t batch_size = 128;
  std::size_t epochs = 10;
  std::optional<std::uint64_t> average_epochs;  // nullopt: half the epochs in exact mode, else 0
  std::uint64_t average_every = 10;
  double input_dropout = 0;  // automatic: 0.2 in exact output mode without a preset

  // Run.
  std::string checkpoint;  // empty: output + ".ckpt"
  double checkpoint_minutes = 30;
  std::uint64_t checkpoint_batches = 0;
  bool checkpoint_model = false;  // with each checkpoint also write the model so far
  bool resume = false;
  std::optional<std::uint64_t> max_memory;  // bytes
  std::uint64_t seed = 0;
  int threads = 0;  // 0: every hardware thread

  // The options the caller set, by their command-line names ("hidden", "k", "seed", ...).
  std::set<std::string> given;

  bool is_given(const std::string& name) const { return given.count(name) != 0; }
  std::string checkpoint_path() const { return checkpoint.empty() ? output + ".ckpt" : checkpoint; }
};

// The preset's values for the options not given.
void apply_preset(TrainOptions& options);
// UsageError for a missing output, an option out of its range or a combination that cannot
// work. (The training data may come from memory: its file is required where it is read.)
void validate(const TrainOptions& options);

}  // namespace slide::xc
