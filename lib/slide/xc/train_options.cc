#include "slide/xc/train_options.h"

#include <cmath>

#include "slide/core/error.h"
#include "slide/core/name_table.h"

namespace slide::xc {

namespace {

constexpr NameTable<Preset, 3> kPresets{"preset",
                                        {{{Preset::amazon670k, "amazon670k"},
                                          {Preset::delicious200k, "delicious200k"},
                                          {Preset::wikilshtc325k, "wikilshtc325k"}}}};
constexpr NameTable<Optimizer, 4> kOptimizers{"optimizer",
                                              {{{Optimizer::adam, "adam"},
                                                {Optimizer::lazy_adam, "lazy-adam"},
                                                {Optimizer::dense_adam, "dense-adam"},
                                                {Optimizer::sgd, "sgd"}}}};
constexpr NameTable<lsh::ScheduleKind, 3> kSchedules{
    "rebuild schedule",
    {{{lsh::ScheduleKind::fixed, "fixed"},
      {lsh::ScheduleKind::exponential, "exponential"},
      {lsh::ScheduleKind::on_change, "on-change"}}}};

}  // namespace

Preset parse_preset(const std::string& name) {
  return kPresets.parse(name);
}
const char* optimizer_name(Optimizer optimizer) {
  return kOptimizers.name(optimizer);
}
Optimizer parse_optimizer(const std::string& name) {
  return kOptimizers.parse(name);
}
const char* schedule_name(lsh::ScheduleKind kind) {
  return kSchedules.name(kind);
}
lsh::ScheduleKind parse_schedule(const std::string& name) {
  return kSchedules.parse(name);
}

namespace {

struct PresetValues {
  lsh::HashFamily family;
  std::uint32_t k, l;
  std::size_t batch_size;
};

PresetValues preset_values(Preset preset) {
  switch (preset) {
    case Preset::amazon670k:
      return {lsh::HashFamily::dwta, 6, 50, 256};
    case Preset::delicious200k:
      return {lsh::HashFamily::simhash, 9, 50, 128};
    case Preset::wikilshtc325k:
      return {lsh::HashFamily::dwta, 5, 350, 256};
    case Preset::none:
      break;
  }
  throw UsageError("no preset");
}

}  // namespace

void apply_preset(TrainOptions& o) {
  if (o.preset == Preset::none) return;
  const PresetValues values = preset_values(o.preset);
  auto set = [&](const char* name, auto& field, auto value) {
    if (!o.is_given(name)) field = value;
  };
  // Every preset trains the published network: LSH output, 128 hidden units, rate 1e-4.
  set("output-mode", o.output_mode, OutputMode::lsh);
  set("hash-family", o.hash_family, values.family);
  set("k", o.k, values.k);
  set("l", o.l, values.l);
  set("batch-size", o.batch_size, values.batch_size);
  set("learning-rate", o.learning_rate, 1e-4f);
  set("hidden", o.hidden, 128u);
}

void validate(const TrainOptions& o) {
  if (o.output.empty()) throw UsageError("train needs --output (-o)");
  if (o.input == "-" && o.test == "-") {
    throw UsageError("the training and test data cannot both be stdin");
  }
  if (o.format == InputFormat::split &&
      (o.input_labels.empty() || (!o.test.empty() && o.test_labels.empty()))) {
    throw UsageError("--format split needs --input-labels (and --test-labels with --test)");
  }
  if (o.hidden == 0) throw UsageError("--hidden must be positive");
  if (o.epochs == 0) throw UsageError("--epochs must be positive");
  if (!(o.input_dropout >= 0 && o.input_dropout < 1)) {
    throw UsageError("--input-dropout must be in [0, 1)");
  }
  if (o.average_every == 0) throw UsageError("--average-every must be positive");
  if (o.average_epochs && *o.average_epochs > o.epochs) {
    throw UsageError("--average-epochs cannot exceed --epochs");
  }
  if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate)) {
    throw UsageError("--learning-rate must be a positive number");
  }
  if (o.checkpoint_minutes < 0) throw UsageError("--checkpoint-every must be >= 0");
  if (o.active_size == 0) throw UsageError("--active-size must be positive");
  if (!(o.linear_rate > 0) || !std::isfinite(o.linear_rate)) {
    throw UsageError("--linear-rate must be a positive number");
  }
  if (!(o.linear_init >= 0) || !std::isfinite(o.linear_init)) {
    throw UsageError("--linear-init must be a number >= 0");
  }
}

}  // namespace slide::xc
