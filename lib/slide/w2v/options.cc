#include "slide/w2v/options.h"

#include <string>

#include "slide/core/error.h"

namespace slide::w2v {

Architecture parse_architecture(std::string_view name) {
  if (name == "skipgram" || name == "sg" || name == "skip-gram") return Architecture::skipgram;
  if (name == "cbow") return Architecture::cbow;
  throw UsageError("unknown model '" + std::string(name) + "' (expected skipgram or cbow)");
}

namespace {

struct LossName {
  OutputLoss loss;
  const char* name;
};
constexpr LossName kLossNames[] = {{OutputLoss::negative_sampling, "ns"},
                                   {OutputLoss::hierarchical_softmax, "hs"},
                                   {OutputLoss::hs_and_ns, "hs+ns"},
                                   {OutputLoss::softmax, "softmax"},
                                   {OutputLoss::lsh_softmax, "lsh"}};

}  // namespace

OutputLoss parse_output_loss(std::string_view name) {
  if (name == "ns+hs") return OutputLoss::hs_and_ns;
  for (const LossName& entry : kLossNames) {
    if (name == entry.name) return entry.loss;
  }
  throw UsageError("unknown loss '" + std::string(name) +
                   "' (expected ns, hs, hs+ns, softmax or lsh)");
}

const char* architecture_name(Architecture architecture) {
  return architecture == Architecture::cbow ? "cbow" : "skipgram";
}

const char* output_loss_name(OutputLoss loss) {
  for (const LossName& entry : kLossNames) {
    if (loss == entry.loss) return entry.name;
  }
  return "?";
}

void validate(const TrainerOptions& o) {
  if (o.dim == 0 || o.dim > 100000) throw UsageError("--size must be between 1 and 100000");
  if (o.window == 0 || o.window > 1000) throw UsageError("--window must be between 1 and 1000");
  if (o.epochs == 0 || o.epochs > 100000) throw UsageError("--iter must be between 1 and 100000");
  if (!(o.sample >= 0) || o.sample >= 1) throw UsageError("--sample must be in [0, 1)");
  if (!(o.alpha >= 0) || o.alpha > 10) throw UsageError("--alpha must be in (0, 10]");
  if (uses_negative_sampling(o.loss) && (o.negative == 0 || o.negative > 1000)) {
    throw UsageError("--negative must be between 1 and 1000 with --loss ns or hs+ns");
  }
  if (o.max_sentence_length == 0) throw UsageError("the sentence length limit must be positive");
  if (o.loss == OutputLoss::lsh_softmax) {
    if (o.lsh_tables == 0 || o.lsh_tables > 1000) {
      throw UsageError("--lsh-tables must be between 1 and 1000");
    }
    if (o.lsh_bits == 0 || o.lsh_bits > 24) throw UsageError("--lsh-bits must be between 1 and 24");
    if (o.lsh_active < 2) throw UsageError("--lsh-active must be at least 2");
    if (o.lsh_rebuild_words == 0) throw UsageError("--lsh-rebuild must be positive");
  }
}

void check_resume_options(const TrainerOptions& a, const TrainerOptions& b) {
  auto differ = [](const char* name) {
    throw UsageError(std::string("--resume: ") + name +
                     " differs from the checkpoint's (resume with the same training options)");
  };
  if (a.architecture != b.architecture) differ("--model");
  if (a.loss != b.loss) differ("--loss");
  if (a.dim != b.dim) differ("--size");
  if (a.window != b.window) differ("--window");
  if (a.sample != b.sample) differ("--sample");
  if (a.negative != b.negative) differ("--negative");
  if (a.epochs != b.epochs) differ("--iter");
  if (a.alpha != b.alpha) differ("--alpha");
  if (a.seed != b.seed) differ("--seed");
  if (a.lsh_tables != b.lsh_tables || a.lsh_bits != b.lsh_bits || a.lsh_active != b.lsh_active ||
      a.lsh_rebuild_words != b.lsh_rebuild_words || a.lsh_negatives != b.lsh_negatives ||
      a.lsh_correction != b.lsh_correction) {
    differ("an --lsh-* option");
  }
}

}  // namespace slide::w2v
