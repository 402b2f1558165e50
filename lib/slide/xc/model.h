#pragma once

// The slide-xc model file: the network and what predicting with it needs besides the weights —
// the output mode, the precision, the selector configuration (so that `--inference lsh` rebuilds
// the training tables), the label counts and the number of training points (for the
// propensity-scored metrics). Everything structural is in CONFIG, so predicting and testing need
// no training options. A checkpoint (slide/xc/checkpoint.h) is a model file with the training
// state added, and loads as a model too.
//
// CONFIG keys besides the engine's net.*: xc.output_mode (exact|lsh|uniform), xc.precision
// (fp32|bf16-act|bf16), xc.train_points, the selector configuration as the engine's lsh.* keys
// (nn::store_lsh_config; lsh.seed is the seed of the current hash functions) and
// xc.active.fill_pool, the one selector setting those keys lack.
// Files written before the selector configuration was stored whole have instead xc.lsh.family,
// .k, .l, .bin_size, .capacity, .replacement, .seed, xc.active.policy and .beta (and, when
// trained in lsh mode, the lsh.* keys too, which win); they load with the rest at its defaults.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "slide/model/model_config.h"
#include "slide/model/model_file.h"
#include "slide/nn/lsh_selector.h"
#include "slide/nn/network.h"
#include "slide/nn/propagation.h"

namespace slide::xc {

enum class OutputMode { automatic, exact, lsh, uniform };
// "auto", "exact", "lsh", "uniform".
const char* output_mode_name(OutputMode mode);
// UsageError for another name.
OutputMode parse_output_mode(const std::string& name);

// "fp32", "bf16-act", "bf16".
const char* precision_name(nn::Precision precision);
nn::Precision parse_precision(const std::string& name);

// The structural settings stored with the weights.
struct ModelSettings {
  OutputMode output_mode = OutputMode::exact;  // never automatic once resolved
  nn::Precision precision = nn::Precision::f32;
  nn::LshSelectorConfig lsh{};  // lsh.tables.seed: the seed of the current hash functions
  std::uint64_t train_points = 0;
  // What of `lsh` an older file did not state (set by load_settings): a resumed run takes those
  // settings from its options instead.
  bool lsh_complete = true;      // false: only the tables, the policy and the budget
  bool fill_pool_stored = true;  // no older file stored the fill pool
};

void store_settings(const ModelSettings& settings, model::ModelConfig& out);
// FormatError naming the file for a malformed or missing key.
ModelSettings load_settings(const model::ModelConfig& config);

class Model {
 public:
  Model(nn::Network network, ModelSettings settings, std::vector<std::uint64_t> label_counts);

  // An xc model or an xc checkpoint ("-": standard input). FormatError (exit 65) for any other
  // file.
  static Model load(const std::string& path);
  // Atomically, as every model file is written.
  void save(const std::string& path) const;

  const nn::Network& network() const { return network_; }
  nn::Network& network() { return network_; }
  const ModelSettings& settings() const { return settings_; }
  // How many training rows carry each label; empty if the file has none.
  const std::vector<std::uint64_t>& label_counts() const { return label_counts_; }

 private:
  nn::Network network_;
  ModelSettings settings_;
  std::vector<std::uint64_t> label_counts_;
};

// For writers of files that add parts of their own (checkpoints): a model's CONFIG keys, and its
// sections (the network's arrays and the counts are borrowed until the writer commits).
model::ModelConfig model_config(const nn::NetworkConfig& network, const ModelSettings& settings);
void add_model_sections(model::ModelWriter& writer, const nn::Network& network,
                        std::span<const std::uint64_t> label_counts);
// The whole model file through `writer`, committed.
void write_model(model::ModelWriter& writer, const nn::Network& network,
                 const ModelSettings& settings, std::span<const std::uint64_t> label_counts);

}  // namespace slide::xc
