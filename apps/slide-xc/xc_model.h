#pragma once

// What slide-xc keeps in a model file besides the network: the output mode and LSH settings
// (so that `predict --inference lsh` rebuilds the same tables), the label counts and the number
// of training points (for propensity-scored metrics). Everything structural is in CONFIG, so
// predict and test need no training flags.
//
// CONFIG keys besides the engine's net.* (and train.* in checkpoints):
//   xc.output_mode (exact|lsh|uniform), xc.precision (fp32|bf16-act|bf16), xc.train_points,
//   xc.lsh.family, xc.lsh.k, xc.lsh.l, xc.lsh.bin_size, xc.lsh.capacity, xc.lsh.replacement,
//   xc.lsh.seed (the seed of the current hash functions), xc.active.policy, xc.active.beta.
// A model trained in lsh mode also carries the engine's lsh.* keys (nn::store_lsh_config: the
// complete selector configuration), which load_settings prefers.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slide/model/model_config.h"
#include "slide/model/model_file.h"
#include "slide/nn/engine.h"

namespace slide::xc_app {

enum class OutputMode { automatic, exact, lsh, uniform };
// "auto", "exact", "lsh", "uniform".
const char* output_mode_name(OutputMode mode);
OutputMode parse_output_mode(const std::string& name);

// "fp32", "bf16-act", "bf16".
const char* precision_name(nn::Precision precision);
nn::Precision parse_precision(const std::string& name);

// The structural settings stored with the weights.
struct ModelSettings {
  OutputMode output_mode = OutputMode::exact;  // never automatic once resolved
  nn::Precision precision = nn::Precision::f32;
  nn::LshSelectorConfig lsh{};
  std::uint64_t train_points = 0;
};

void store_settings(const ModelSettings& settings, model::ModelConfig& out);
ModelSettings load_settings(const model::ModelConfig& config);

// A model (or checkpoint) loaded for prediction.
struct LoadedModel {
  std::unique_ptr<model::ModelReader> reader;
  std::unique_ptr<nn::Network> network;
  ModelSettings settings;
  std::vector<std::uint64_t> label_counts;  // empty if the file has none
};

// Opens an xc model or an xc checkpoint. FormatError (exit 65) for anything else.
LoadedModel load_model(const std::string& path);


}  // namespace slide::xc_app
