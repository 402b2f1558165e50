#pragma once

// The network SLIDE trains:
//
//   sparse input x (ids, values)
//     -> hidden layer 0: z0 = sum_i x_i * W0[id_i] + b0   (W0 input-major: one row per feature,
//                                                          so a sparse input gathers rows)
//     -> a0 = act(z0)
//     -> hidden layer l >= 1: a_l = act(W_l a_{l-1} + b_l) (W_l output-major)
//     -> output layer: logit_j = Wout[j] . a_last + bout[j] for the active neurons j
//        (Wout output-major, one contiguous padded row per neuron: what LSH hashes and what
//        dot_rows reads).
//
// word2vec is the special case of one hidden layer with the identity activation and no biases:
// the input row holds the ids of the context words with value 1/n (CBOW) or one id with value 1
// (skip-gram), and the output layer is syn1neg.
//
// A Network owns the parameters only; training state (gradients, Adam moments) lives in the
// Trainer, scratch in per-thread Workspaces.

#include <cstdint>
#include <span>
#include <vector>

#include "slide/core/aligned_buffer.h"
#include "slide/core/dense_matrix.h"
#include "slide/nn/linear_path.h"
#include "slide/simd/kernels.h"

namespace slide::nn {

using simd::bf16;

enum class Activation { relu, identity };

inline constexpr std::size_t kMaxHiddenLayers = 8;

// How the weights of a layer start. Biases always start at zero.
struct Init {
  enum class Kind { normal, uniform, zeros };
  Kind kind = Kind::normal;
  float scale = 0.01f;  // normal: standard deviation; uniform: half-width of [-scale, scale)
};

struct NetworkConfig {
  std::uint32_t input_dim = 0;
  std::vector<std::uint32_t> hidden_dims{128};  // at least one hidden layer
  std::uint32_t output_dim = 0;
  Activation hidden_activation = Activation::relu;
  bool hidden_bias = true;
  bool output_bias = true;
  Init hidden_init{};
  Init output_init{};
  std::uint64_t seed = 0;
  // Features each output neuron reads on the sparse linear path (slide/nn/linear_path.h);
  // 0: no path.
  std::uint32_t linear_support = 0;

  // Throws UsageError for a zero dimension, no hidden layer, or sizes over 2^32-1 elements per
  // row index.
  void check() const;
  std::uint32_t last_hidden_dim() const { return hidden_dims.back(); }
  // Number of trainable parameters (weights and biases).
  std::uint64_t parameter_count() const;
};

// Every trainable array of a network, in one shape. The same structure holds the weights, the
// gradient accumulators and the Adam moments, so optimizer code walks them in parallel.
struct ParameterBuffers {
  DenseMatrix<float> input_weights;                // [input_dim x hidden_dims[0]]
  DenseMatrix<float> input_bias;                   // [1 x hidden_dims[0]] (0 rows: no bias)
  std::vector<DenseMatrix<float>> hidden_weights;  // layer l >= 1 at [l-1]: [h_l x h_{l-1}]
  std::vector<DenseMatrix<float>> hidden_bias;     // [1 x h_l] (0 rows: no bias)
  DenseMatrix<float> output_weights;               // [output_dim x h_last]
  AlignedBuffer<float> output_bias;                // [output_dim] (empty: no bias)

  // Zero-filled buffers shaped for `config`.
  static ParameterBuffers zeros(const NetworkConfig& config);
  std::uint64_t bytes() const;
};

class Network {
 public:
  // Allocates the parameters and, when `initialize` is true, initialises them
  // (deterministically from config.seed, in parallel: row r of layer l draws from
  // Rng(seed, l, r)); otherwise they are zero (a model about to be loaded).
  explicit Network(NetworkConfig config, bool initialize = true);

  const NetworkConfig& config() const { return config_; }
  std::uint32_t input_dim() const { return config_.input_dim; }
  std::uint32_t output_dim() const { return config_.output_dim; }
  std::uint32_t hidden_dim() const { return config_.last_hidden_dim(); }
  std::size_t hidden_layers() const { return config_.hidden_dims.size(); }

  ParameterBuffers& parameters() { return params_; }
  const ParameterBuffers& parameters() const { return params_; }
  DenseMatrix<float>& output_weights() { return params_.output_weights; }
  const DenseMatrix<float>& output_weights() const { return params_.output_weights; }
  // Empty when the network has no output bias.
  std::span<const float> output_bias() const { return params_.output_bias.span(); }
  // The sparse linear path (empty() when config().linear_support is 0). Its support starts
  // unused: the caller chooses it (e.g. xc::choose_label_support) or loads it.
  LinearPath& linear_path() { return linear_path_; }
  const LinearPath& linear_path() const { return linear_path_; }
  bool has_linear_path() const { return !linear_path_.empty(); }

  // A bfloat16 copy of the output rows for the bf16-weights precision mode (forward products and
  // bf16 inference). The float32 rows stay the master copy; the trainer refreshes the copy of the
  // rows it updates.
  void enable_bf16_output(bool enable);
  bool has_bf16_output() const { return !output_bf16_.empty(); }
  const DenseMatrix<bf16>& output_weights_bf16() const { return output_bf16_; }
  void refresh_bf16_rows(std::span<const std::uint32_t> rows);
  void refresh_bf16_row(std::uint32_t row);
  void refresh_bf16_all();

  // Forward through the hidden layers for one sparse input: z[l] (pre-activation) and a[l]
  // (activation) for every hidden layer l, each a buffer of at least padded h_l floats. An id
  // >= input_dim() is not checked here (the trainer and predictor check their inputs).
  void forward_hidden(std::span<const std::uint32_t> ids, std::span<const float> values,
                      float* const* z, float* const* a) const;

  // Hidden activation of the last hidden layer for one sparse input, into `out` (hidden_dim()
  // floats, padded to a multiple of 16). `scratch` holds hidden_scratch_size() floats.
  // Used by inference; training keeps every layer's values in its Workspace.
  void hidden_activation(std::span<const std::uint32_t> ids, std::span<const float> values,
                         float* out, float* scratch) const;
  // Floats `scratch` must hold for hidden_activation.
  std::size_t hidden_scratch_size() const;

 private:
  NetworkConfig config_;
  ParameterBuffers params_;
  LinearPath linear_path_;
  DenseMatrix<bf16> output_bf16_;
};

}  // namespace slide::nn
