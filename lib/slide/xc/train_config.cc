#include "slide/xc/train_config.h"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "slide/core/error.h"
#include "slide/xc/checkpoint.h"

namespace slide::xc {
namespace {

// The checkpoint's value of each structural option, into the options: an option given
// explicitly must agree, one not given takes it (and is then settled: no automatic rule
// overrides it).
class CheckpointChoices {
 public:
  CheckpointChoices(TrainOptions& options, const std::string& path)
      : options_(options), path_(path) {}

  template <class T, class Text>
  void require(const char* name, T& field, const std::type_identity_t<T>& stored, Text text) {
    if (!options_.is_given(name)) {
      field = stored;
      options_.given.insert(name);
    } else if (!(field == stored)) {
      throw UsageError("--" + std::string(name) + " " + text(field) +
                       " contradicts the checkpoint " + path_ + " (trained with " + text(stored) +
                       ")");
    }
  }
  // A choice the checkpoint remembers but the command line may change.
  template <class T>
  void prefer(const char* name, T& field, const std::optional<std::type_identity_t<T>>& stored) {
    if (stored && !options_.is_given(name)) {
      field = *stored;
      options_.given.insert(name);
    }
  }

 private:
  TrainOptions& options_;
  const std::string& path_;
};

std::string number_text(std::uint64_t value) {
  return std::to_string(value);
}

std::string real_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

template <class Enum>
auto name_text(const char* (*name)(Enum)) {
  return [name](Enum value) { return std::string(name(value)); };
}

void take_selector(CheckpointChoices& take, TrainOptions& o, const ModelSettings& stored) {
  const nn::LshSelectorConfig& s = stored.lsh;
  take.require("hash-family", o.hash_family, s.tables.family, name_text(lsh::family_name));
  take.require("k", o.k, s.tables.k, number_text);
  take.require("l", o.l, s.tables.l, number_text);
  take.require("bin-size", o.bin_size, s.tables.bin_size, number_text);
  take.require("bucket-capacity", o.bucket_capacity, s.tables.capacity, number_text);
  take.require("bucket-replacement", o.bucket_replacement, s.tables.replacement,
               name_text(lsh::replacement_name));
  take.require("active-policy", o.active_policy, s.active.policy,
               name_text(lsh::active_policy_name));
  take.require("active-size", o.active_size, s.active.beta, number_text);
  if (stored.fill_pool_stored) {
    take.require("fill-pool", o.fill_pool, s.active.fill_pool, number_text);
  }
  if (!stored.lsh_complete) return;
  take.require("min-hits", o.min_hits, s.active.min_hits, number_text);
  take.require("rebuild-schedule", o.rebuild_schedule, s.schedule.kind, name_text(schedule_name));
  take.require("rehash-period", o.rehash_period, s.schedule.period, number_text);
  take.require("rehash-growth", o.rehash_growth, s.schedule.growth, real_text);
  take.require("rehash-max-period", o.rehash_max_period, s.schedule.max_period, number_text);
  take.require("change-threshold", o.change_threshold, s.schedule.change_threshold, real_text);
  take.require("rebuild-every", o.rebuild_every, s.schedule.rebuild_every, number_text);
}

void take_checkpoint_choices(TrainOptions& o, const ResumePoint& resume, const DataShape& shape) {
  const nn::NetworkConfig& stored = resume.network();
  if (stored.input_dim != shape.features || stored.output_dim != shape.labels) {
    throw UsageError("the checkpoint " + resume.path() + " is for " +
                     std::to_string(stored.input_dim) + " features and " +
                     std::to_string(stored.output_dim) + " labels, the data has " +
                     std::to_string(shape.features) + " and " + std::to_string(shape.labels));
  }
  CheckpointChoices take(o, resume.path());
  // "auto" chooses nothing, so it contradicts nothing.
  if (o.output_mode == OutputMode::automatic) o.given.erase("output-mode");
  take.require("output-mode", o.output_mode, resume.settings().output_mode,
               name_text(output_mode_name));
  take.require("hidden", o.hidden, resume.network().last_hidden_dim(), number_text);
  take.require("linear-support", o.linear_support, resume.network().linear_support, number_text);
  take.require("precision", o.precision, resume.settings().precision, name_text(precision_name));
  take.require("optimizer", o.optimizer, resume.optimizer(), name_text(optimizer_name));
  if (resume.seed()) take.require("seed", o.seed, *resume.seed(), number_text);
  if (resume.batch_size()) {
    take.require("batch-size", o.batch_size, *resume.batch_size(), number_text);
  }
  take.prefer("learning-rate", o.learning_rate, resume.learning_rate());
  take.prefer("input-dropout", o.input_dropout, resume.input_dropout());
  take.prefer("linear-shortlist", o.linear_shortlist, resume.linear_shortlist());
  take.prefer("linear-rate", o.linear_rate, resume.linear_rate());
  take_selector(take, o, resume.settings());
}

OutputMode automatic_output_mode(const TrainOptions& o, const DataShape& shape) {
  if (o.output_mode != OutputMode::automatic) return o.output_mode;
  return shape.labels >= kAutoLshLabels ? OutputMode::lsh : OutputMode::exact;
}

nn::NetworkConfig network_config(const TrainOptions& o, const DataShape& shape,
                                 std::uint32_t hidden) {
  nn::NetworkConfig net;
  net.input_dim = shape.features;
  net.hidden_dims = {hidden};
  net.output_dim = shape.labels;
  net.seed = o.seed;
  net.linear_support = o.linear_support;
  // Glorot uniform for the input layer and 1/sqrt(fan-in) for the output layer (PyTorch's
  // defaults for this network): a 0.01 standard deviation learns markedly slower here.
  net.hidden_init = {nn::Init::Kind::uniform,
                     static_cast<float>(std::sqrt(6.0 / (double(shape.features) + hidden)))};
  net.output_init = {nn::Init::Kind::uniform, static_cast<float>(1.0 / std::sqrt(double(hidden)))};
  return net;
}

nn::LshSelectorConfig selector_config(const TrainOptions& o) {
  nn::LshSelectorConfig c;
  c.tables.family = o.hash_family;
  c.tables.k = o.k;
  c.tables.l = o.l;
  c.tables.bin_size = o.bin_size;
  c.tables.capacity = o.bucket_capacity;
  c.tables.replacement = o.bucket_replacement;
  c.tables.seed = o.seed ^ 0x9E3779B97F4A7C15ull;
  c.active.policy = o.active_policy;
  c.active.beta = o.active_size;
  c.active.min_active = o.active_size;
  c.active.fill_pool = o.fill_pool;
  c.active.min_hits = o.min_hits;
  c.schedule.kind = o.rebuild_schedule;
  c.schedule.period = o.rehash_period;
  c.schedule.growth = o.rehash_growth;
  c.schedule.max_period = o.rehash_max_period;
  c.schedule.change_threshold = o.change_threshold;
  c.schedule.rebuild_every = o.rebuild_every;
  return c;
}

nn::TrainerConfig trainer_config(const TrainOptions& o) {
  nn::TrainerConfig t;
  t.optimizer = o.optimizer == Optimizer::sgd          ? nn::OptimizerKind::sgd
                : o.optimizer == Optimizer::dense_adam ? nn::OptimizerKind::dense_adam
                                                       : nn::OptimizerKind::lazy_adam;
  t.adam.catch_up = o.optimizer != Optimizer::lazy_adam;
  t.precision = o.precision;
  t.learning_rate = o.learning_rate;
  t.epochs = o.epochs;
  t.batch_size = o.batch_size;
  t.threads = o.threads > 0 ? o.threads : oneapi::tbb::info::default_concurrency();
  t.seed = o.seed;
  t.linear_rate = o.linear_rate;
  t.linear_shortlist = o.linear_shortlist;
  t.check();
  return t;
}

}  // namespace

ModelSettings TrainConfig::model_settings(std::uint64_t train_points,
                                          std::uint64_t lsh_seed) const {
  ModelSettings settings;
  settings.output_mode = output_mode;
  settings.precision = trainer.precision;
  settings.lsh = selector;
  settings.lsh.tables.seed = lsh_seed;
  settings.train_points = train_points;
  return settings;
}

TrainConfig resolve(const TrainOptions& options, const DataShape& shape,
                    const ResumePoint* resume) {
  TrainOptions o = options;
  apply_preset(o);
  if (resume) take_checkpoint_choices(o, *resume, shape);
  validate(o);
  TrainConfig c;
  c.output_mode = automatic_output_mode(o, shape);
  const bool small_defaults = c.output_mode == OutputMode::exact && o.preset == Preset::none;
  if (small_defaults && !o.is_given("hidden")) o.hidden = kExactModeHidden;
  if (small_defaults && !o.is_given("input-dropout")) o.input_dropout = kExactModeInputDropout;
  if (c.output_mode == OutputMode::lsh && !o.is_given("fill-pool")) {
    o.fill_pool = static_cast<std::uint32_t>(std::min<std::uint64_t>(
        std::uint64_t{kLshFillPoolPerActive} * o.active_size, shape.labels));
  }
  // "auto" averages the second half of the epochs in exact output mode (where a snapshot costs
  // little next to a batch) and nothing in the sampled modes (Amazon-scale networks, where the
  // copy would add a parameter-sized buffer).
  c.average_epochs =
      o.average_epochs.value_or(c.output_mode == OutputMode::exact ? o.epochs / 2 : 0);
  c.network = resume ? resume->network() : network_config(o, shape, o.hidden);
  c.selector = selector_config(o);
  if (resume) {
    c.selector.tables = resume->settings().lsh.tables;
    // Rebuilds draw from the seed the run started with; the current functions come back with
    // the rest of the selector's state.
    if (resume->lsh_base_seed()) c.selector.tables.seed = *resume->lsh_base_seed();
  }
  c.network.check();
  c.trainer = trainer_config(o);
  c.input_dropout = o.input_dropout;
  c.linear_init = o.linear_init;
  c.average_every = o.average_every;
  c.eval_rows = o.eval_rows;
  c.output = o.output;
  c.checkpoint = o.checkpoint_path();
  c.checkpoint_minutes = o.checkpoint_minutes;
  c.checkpoint_batches = o.checkpoint_batches;
  c.checkpoint_model = o.checkpoint_model;
  c.resume = o.resume;
  return c;
}

}  // namespace slide::xc
