#include "slide/xc/train_options.h"

#include <cmath>

#include "slide/core/error.h"

namespace slide::xc {

Preset parse_preset(const std::string& name) {
  if (name == "amazon670k") return Preset::amazon670k;
  if (name == "delicious200k") return Preset::delicious200k;
  if (name == "wikilshtc325k") return Preset::wikilshtc325k;
  throw UsageError("unknown preset '" + name +
                   "' (expected amazon670k, delicious200k or wikilshtc325k)");
}

const char* optimizer_name(Optimizer optimizer) {
  switch (optimizer) {
    case Optimizer::adam:
      return "adam";
    case Optimizer::lazy_adam:
      return "lazy-adam";
    case Optimizer::dense_adam:
      return "dense-adam";
    case Optimizer::sgd:
      return "sgd";
  }
  return "?";
}

Optimizer parse_optimizer(const std::string& name) {
  for (Optimizer o : {Optimizer::adam, Optimizer::lazy_adam, Optimizer::dense_adam, Optimizer::sgd})
    if (name == optimizer_name(o)) return o;
  throw UsageError("unknown optimizer '" + name +
                   "' (expected adam, lazy-adam, dense-adam or sgd)");
}

const char* schedule_name(lsh::ScheduleKind kind) {
  switch (kind) {
    case lsh::ScheduleKind::fixed:
      return "fixed";
    case lsh::ScheduleKind::exponential:
      return "exponential";
    case lsh::ScheduleKind::on_change:
      return "on-change";
  }
  return "?";
}

lsh::ScheduleKind parse_schedule(const std::string& name) {
  for (lsh::ScheduleKind kind :
       {lsh::ScheduleKind::fixed, lsh::ScheduleKind::exponential, lsh::ScheduleKind::on_change})
    if (name == schedule_name(kind)) return kind;
  throw UsageError("unknown rebuild schedule '" + name +
                   "' (expected fixed, exponential or on-change)");
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
  if (o.input.empty()) throw UsageError("train needs --input (-i)");
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
}

}  // namespace slide::xc
