#pragma once

// The checkpoint of a slide-xc training run: a model file (slide/xc/model.h) of kind
// kKindCheckpoint that adds what a resumed run needs to go on exactly where the run stood: the
// trainer's counters and Adam moments (train.*, slide/nn/network_io.h), the LSH selector's state
// (lsh.state.*), the running mean of the weights, and the training choices the model keys do not
// hold: xc.train.batch_size, xc.train.learning_rate and xc.train.input_dropout (absent from
// checkpoints written before they were stored), and with a linear path
// xc.train.linear_shortlist and xc.train.linear_rate.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "slide/model/model_file.h"
#include "slide/nn/lsh_selector.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/trainer.h"
#include "slide/nn/weight_average.h"
#include "slide/xc/model.h"
#include "slide/xc/train_options.h"

namespace slide::xc {

// What a checkpoint is made of; borrowed until the writer commits.
struct CheckpointParts {
  const nn::Network& network;
  nn::Trainer& trainer;
  const nn::LshSelector* lsh = nullptr;        // lsh output mode
  const nn::WeightAverage* average = nullptr;  // while weights are averaged
  const ModelSettings& settings;               // lsh.tables.seed: of the current functions
  std::span<const std::uint64_t> label_counts;
  double input_dropout = 0;
};

// Fills `writer` (of kind kKindCheckpoint); the caller commits.
void add_checkpoint(model::ModelWriter& writer, const CheckpointParts& parts);

// A checkpoint opened to resume from.
class ResumePoint {
 public:
  // InputOpenError if the file cannot be opened, FormatError if it is not an xc checkpoint.
  explicit ResumePoint(const std::string& path);

  const std::string& path() const { return path_; }
  const nn::NetworkConfig& network() const { return network_; }
  const ModelSettings& settings() const { return settings_; }
  Optimizer optimizer() const { return optimizer_; }
  // Each nullopt where the checkpoint predates storing it.
  std::optional<std::uint64_t> seed() const { return seed_; }
  std::optional<std::size_t> batch_size() const { return batch_size_; }
  std::optional<float> learning_rate() const { return learning_rate_; }
  std::optional<double> input_dropout() const { return input_dropout_; }
  std::optional<std::uint32_t> linear_shortlist() const { return linear_shortlist_; }
  std::optional<float> linear_rate() const { return linear_rate_; }
  // The seed the selector's functions started from (rebuilds draw from it); nullopt when the
  // checkpoint holds no selector state.
  std::optional<std::uint64_t> lsh_base_seed() const { return lsh_base_seed_; }

  // Puts the saved state into parts built with the checkpoint's configuration: the weights, the
  // trainer's counters and moments, the LSH selector's state (when `selector` is one) and the
  // running mean (when `average` is given). FormatError when a part does not fit.
  void restore(nn::Network& network, nn::Trainer& trainer, nn::NeuronSelector& selector,
               nn::WeightAverage* average) const;

 private:
  model::ModelReader reader_;
  std::string path_;
  nn::NetworkConfig network_;
  ModelSettings settings_;
  Optimizer optimizer_ = Optimizer::adam;
  std::optional<std::uint64_t> seed_;
  std::optional<std::size_t> batch_size_;
  std::optional<float> learning_rate_;
  std::optional<double> input_dropout_;
  std::optional<std::uint32_t> linear_shortlist_;
  std::optional<float> linear_rate_;
  std::optional<std::uint64_t> lsh_base_seed_;
};

}  // namespace slide::xc
