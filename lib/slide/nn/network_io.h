#pragma once

// Saving and loading networks (and training state) in the slide model container
// (slide/model/model_file.h). The engine fills sections and CONFIG keys; the application picks
// the file kind, adds its own sections (vocabulary, labels) and commits.
//
// CONFIG keys (ModelConfig): net.input_dim, net.hidden_dims ("128" or "256,128"),
// net.output_dim, net.activation (relu|identity), net.hidden_bias, net.output_bias, net.seed,
// net.hidden_init and net.output_init ("normal:0.01", "uniform:0.5", "zeros:0").
// Checkpoints add train.step, train.epoch, train.examples_seen, train.decay_examples,
// train.epoch_position, train.optimizer (sgd|lazy_adam|dense_adam), train.seed.
//
// Sections, each an array of float32 rows without padding (rows x cols, row-major):
//   "WIN "  input-layer weights [input_dim x h0]      "BIN "  its bias [h0] (if any)
//   "WHl "  hidden layer l >= 1 weights [h_l x h_l-1] "BHl "  its bias (l = 1..7, one digit)
//   "WOUT"  output weights [output_dim x h_last]      "BOUT" output bias [output_dim] (if any)
//   "LFRQ"  optional label counts, uint64 [output_dim] (for propensity-scored metrics)
//   "LPF "  sparse linear path (net.linear_support = S > 0): feature ids, uint32 [output_dim x S]
//   "LPW "  its weights [output_dim x S]
// net.linear_support is absent without a path.
// Checkpoints add the Adam moments of every tensor above: "AMnn" (first) and "AVnn" (second),
// and the linear path's AdaGrad sums "LPG " [output_dim x S];
// nn = the tensor's position in the order WIN, BIN, WOUT, BOUT, WH1, BH1, WH2, ...
// The random state needs no section: every random stream is a function of (train.seed,
// train.step or train.epoch), so the counters restore it.

#include <cstdint>
#include <span>
#include <vector>

#include "slide/model/model_config.h"
#include "slide/model/model_file.h"
#include "slide/nn/lsh_selector.h"
#include "slide/nn/network.h"
#include "slide/nn/trainer.h"
#include "slide/nn/weight_average.h"

namespace slide::nn {

inline constexpr model::Tag kLabelCountsTag("LFRQ");
inline constexpr model::Tag kLinearFeaturesTag("LPF ");
inline constexpr model::Tag kLinearWeightsTag("LPW ");
inline constexpr model::Tag kLinearAccumulatorsTag("LPG ");

// Writes the net.* keys.
void store_network_config(const NetworkConfig& config, model::ModelConfig& out);
// Reads the net.* keys; throws FormatError (via ModelConfig) for a missing or malformed key and
// for sizes the engine refuses.
NetworkConfig load_network_config(const model::ModelConfig& config);

// Adds the weight sections. The network's arrays are borrowed: it must not change until the
// writer commits.
void add_network_sections(model::ModelWriter& writer, const Network& network);
// A network from a model file: its CONFIG's net.* keys and its weight sections. Throws
// FormatError when a section is missing or has the wrong size.
Network load_network(const model::ModelReader& reader);
// Loads the weight sections into an existing network of the file's shape (FormatError if the
// shapes differ).
void load_network_weights(const model::ModelReader& reader, Network& network);

// Whether every weight and bias is finite (no NaN, no infinity): checked before a model or
// checkpoint is written, so that a diverged run never stores a NaN model.
bool network_is_finite(const Network& network);
// The same check on the biases only (output_dim + hidden widths floats: cheap enough for every
// batch). True when the network has no biases.
bool biases_are_finite(const Network& network);

// Label counts (a copy is stored).
void add_label_counts(model::ModelWriter& writer, std::span<const std::uint64_t> counts);
// Empty when the file has no label counts.
std::vector<std::uint64_t> load_label_counts(const model::ModelReader& reader);

// LSH selector: its configuration as lsh.* keys (family, k, l, bin_size, capacity, replacement,
// projection, density, policy, beta, min_active, min_hits, schedule and its parameters) with
// lsh.seed = the seed of the *current* hash functions, so that a selector built from
// load_lsh_config() and prepare()d on the loaded network has the same tables as at save time.
// (A model stores no schedule position; a checkpoint adds it with the functions below.)
void store_lsh_config(const LshSelector& selector, model::ModelConfig& out);
// The same keys for a selector that is not built (lsh.seed = config.tables.seed).
void store_lsh_config(const LshSelectorConfig& config, model::ModelConfig& out);
// Throws FormatError for a missing or malformed key.
LshSelectorConfig load_lsh_config(const model::ModelConfig& config);

// Checkpoint: where the LSH selector stands, so that a resumed run rehashes and rebuilds on the
// uninterrupted run's schedule with the same tables. Keys lsh.state.base_seed (the seed the
// selector was built with, from which rebuilds draw), lsh.state.seed and .generation (current
// functions), .rehashes, .rebuilds, .next, .interval, .schedule_rehashes, .n_items, .direct,
// .monitor_tables; sections "LTEN" (table entries, u32), "LTOF" (bucket offsets, u32), "LTKY"
// (sorted non-empty keys, u32), "LTTS"/"LTKS" (table and key starts, u64), "LCMK" (change-monitor
// snapshot, u32), each absent when empty. The arrays are borrowed until commit.
void store_lsh_state(const LshSelector& selector, model::ModelConfig& out);
void add_lsh_state_sections(model::ModelWriter& writer, const LshSelector& selector);
// Whether the file holds a selector state (checkpoints written before it did not).
bool has_lsh_state(const model::ModelConfig& config);
// The seed to build the selector with before load_lsh_state().
std::uint64_t lsh_state_base_seed(const model::ModelConfig& config);
// Restores the state into a selector built with the checkpoint's configuration and base seed.
// Throws FormatError naming the file for a missing, malformed or inconsistent part.
void load_lsh_state(const model::ModelReader& reader, LshSelector& selector);

// Checkpoint: the trainer's counters (train.* keys) and, for Adam, both moments (borrowed
// until commit). Use with add_network_sections for the weights.
void store_trainer_state(const Trainer& trainer, model::ModelConfig& out);
void add_trainer_sections(model::ModelWriter& writer, Trainer& trainer);
// Restores counters and moments into a trainer built with the same network shape and
// optimizer. Throws FormatError on a mismatch (other optimizer, missing moments, sizes).
void load_trainer_state(const model::ModelReader& reader, Trainer& trainer);

// Checkpoint: the running mean of the weights (--average-epochs): the snapshot count in
// train.average_count, the mean in sections AW00, AW01, ...
void store_average_state(const WeightAverage& average, model::ModelConfig& out);
void add_average_sections(model::ModelWriter& writer, const WeightAverage& average);
// Restores a mean saved by the two above into `average` (built for the same network shape);
// false, and `average` untouched, when the checkpoint holds none.
bool load_average_state(const model::ModelReader& reader, WeightAverage& average);

}  // namespace slide::nn
