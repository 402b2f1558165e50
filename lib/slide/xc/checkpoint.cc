#include "slide/xc/checkpoint.h"

#include <stdexcept>

#include "slide/core/error.h"
#include "slide/nn/network_io.h"

namespace slide::xc {
namespace {

constexpr const char* kBatchSizeKey = "xc.train.batch_size";
constexpr const char* kLearningRateKey = "xc.train.learning_rate";
constexpr const char* kInputDropoutKey = "xc.train.input_dropout";
constexpr const char* kLinearShortlistKey = "xc.train.linear_shortlist";
constexpr const char* kLinearRateKey = "xc.train.linear_rate";

// train.optimizer and train.adam_catch_up (absent before catch-up existed: lazy Adam was what
// --optimizer adam names).
Optimizer stored_optimizer(const model::ModelConfig& config) {
  const std::string kind = config.get_string("train.optimizer");
  if (kind == "sgd") return Optimizer::sgd;
  if (kind == "dense_adam") return Optimizer::dense_adam;
  if (kind != "lazy_adam") throw FormatError(config.source(), "unknown optimizer '" + kind + "'");
  return config.get_bool("train.adam_catch_up", true) ? Optimizer::adam : Optimizer::lazy_adam;
}

std::uint64_t stored_unsigned(const model::ModelConfig& config, const std::string& key) {
  const std::string text = config.get_string(key);
  try {
    std::size_t used = 0;
    const std::uint64_t value = std::stoull(text, &used);
    if (used == text.size() && text[0] != '-') return value;
  } catch (const std::logic_error&) {
  }
  throw FormatError(config.source(), "key " + key + ": expected an unsigned integer");
}

}  // namespace

void add_checkpoint(model::ModelWriter& writer, const CheckpointParts& parts) {
  model::ModelConfig config = model_config(parts.network.config(), parts.settings);
  nn::store_trainer_state(parts.trainer, config);
  config.set_string(kBatchSizeKey, std::to_string(parts.trainer.config().batch_size));
  config.set_double(kLearningRateKey, parts.trainer.config().learning_rate);
  config.set_double(kInputDropoutKey, parts.input_dropout);
  if (parts.trainer.network().has_linear_path()) {
    config.set_string(kLinearShortlistKey, std::to_string(parts.trainer.config().linear_shortlist));
    config.set_double(kLinearRateKey, parts.trainer.config().linear_rate);
  }
  if (parts.lsh) nn::store_lsh_state(*parts.lsh, config);
  if (parts.average) nn::store_average_state(*parts.average, config);
  writer.add_config(config);
  add_model_sections(writer, parts.network, parts.label_counts);
  nn::add_trainer_sections(writer, parts.trainer);
  if (parts.average) nn::add_average_sections(writer, *parts.average);
  if (parts.lsh) nn::add_lsh_state_sections(writer, *parts.lsh);
}

ResumePoint::ResumePoint(const std::string& path) : reader_(path), path_(path) {
  reader_.require_kind(model::kKindCheckpoint);
  const model::ModelConfig config = reader_.config();
  network_ = nn::load_network_config(config);
  settings_ = load_settings(config);
  optimizer_ = stored_optimizer(config);
  if (config.has("train.seed")) seed_ = stored_unsigned(config, "train.seed");
  if (config.has(kBatchSizeKey)) batch_size_ = stored_unsigned(config, kBatchSizeKey);
  if (config.has(kLearningRateKey)) {
    learning_rate_ = static_cast<float>(config.get_double(kLearningRateKey));
  }
  if (config.has(kInputDropoutKey)) input_dropout_ = config.get_double(kInputDropoutKey);
  if (config.has(kLinearShortlistKey)) {
    linear_shortlist_ = static_cast<std::uint32_t>(stored_unsigned(config, kLinearShortlistKey));
  }
  if (config.has(kLinearRateKey)) {
    linear_rate_ = static_cast<float>(config.get_double(kLinearRateKey));
  }
  if (nn::has_lsh_state(config)) lsh_base_seed_ = nn::lsh_state_base_seed(config);
}

void ResumePoint::restore(nn::Network& network, nn::Trainer& trainer, nn::NeuronSelector& selector,
                          nn::WeightAverage* average) const {
  nn::load_network_weights(reader_, network);
  nn::load_trainer_state(reader_, trainer);
  if (auto* lsh = dynamic_cast<nn::LshSelector*>(&selector); lsh && lsh_base_seed_) {
    nn::load_lsh_state(reader_, *lsh);
  }
  if (average) nn::load_average_state(reader_, *average);
}

}  // namespace slide::xc
