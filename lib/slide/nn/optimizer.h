#pragma once

// Adam state and steps for the network's parameters.
//
// Lazy Adam (the default, and SLIDE's largest cheap win): during a batch, gradients of the input
// rows of present features and of the output rows of active neurons are accumulated in gradient
// buffers and the rows are recorded as touched; after the batch only the touched rows (and the
// small dense parameters: hidden biases and layers after the first) take an Adam step, and their
// gradient rows are zeroed. Untouched rows keep their weights and moments.
//
// Bias correction uses the global step t (optimizer steps so far, from 1), as TensorFlow's
// LazyAdamOptimizer and PyTorch's SparseAdam do: lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t). A
// per-row step count would correct rare rows more exactly but costs a counter per row and makes
// the step depend on history; with the global t, lazy Adam is bit-for-bit dense Adam whenever
// every row is touched in every batch (tested), and for rare rows the correction is ~1 after the
// first few thousand steps anyway.
//
// Catch-up (on by default): a row skipped for k steps would, under dense Adam, have kept moving
// on its momentum alone, w -= lr m_i / (sqrt(v_i) + eps) with m_i = b1^i m, v_i = b2^i v for
// i = 1..k; plain lazy Adam drops those moves, which measurably slows learning per epoch when most
// rows are skipped most of the time (docs/PERFORMANCE.md, "Lazy Adam with catch-up"). Before a
// skipped row's step the moves are applied in one closed form,
//   w -= lr (m / (sqrt(v) + eps)) sum_{i=1..k} (b1 / sqrt(b2))^i,   m *= b1^k,   v *= b2^k,
// exact for the moments and, for the weights, up to eps's share of each denominator and the
// small drift of the bias correction over the k steps. A row touched in every step (k = 0) takes
// exactly the plain step, so lazy Adam stays bit-for-bit dense Adam in that case. The cost is one
// 32-bit "last step" per input and output row, saved in checkpoints.
//
// Dense Adam steps every parameter after every batch (the reference SLIDE code's behaviour),
// kept for comparison.

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <span>
#include <vector>

#include "slide/core/aligned_buffer.h"
#include "slide/nn/network.h"

namespace slide::nn {

enum class OptimizerKind {
  sgd,         // w -= lr * g at once, lr decaying linearly (word2vec); no state
  lazy_adam,   // Adam on touched rows only
  dense_adam,  // Adam on every parameter every step
};

struct AdamConfig {
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  bool catch_up = true;  // lazy Adam: apply a skipped row's momentum-only steps (above)
};

// The catch-up of a row that skipped k steps: w -= lr moves m / (sqrt(v) + eps), m *= decay1,
// v *= decay2, with moves = sum_{i=1..k} (b1 / sqrt(b2))^i, decay1 = b1^k, decay2 = b2^k.
struct CatchUpFactors {
  float moves = 0.0f;
  float decay1 = 1.0f;
  float decay2 = 1.0f;
};
CatchUpFactors catch_up_factors(const AdamConfig& adam, std::uint64_t skipped);

// Rows of the output layer handled per step of the fused forward/softmax-backward loop: their
// logits are computed (the rows come into L1), then each row is read again from L1 to add
// exp(logit - max) * row to the dL/dh accumulator. 16 rows x 512 bytes (hidden 128) fit L1.
inline constexpr std::size_t kFusedChunk = 16;

// Output-layer gradient entries of one thread in one batch (GradientSink::batch_hidden): entry e
// says that the gradient of output row rows[e] gains coef[e] * (activation of batch slot
// slot[e]), and its bias gains coef[e].
struct OutputGradientLog {
  std::vector<std::uint32_t> rows;
  std::vector<float> coef;
  std::vector<std::uint32_t> slot;
  void clear() {
    rows.clear();
    coef.clear();
    slot.clear();
  }
  std::size_t size() const { return rows.size(); }
};

// The entries of a batch grouped by output row, for the Adam step: the entries of the i-th row
// of the step's output_rows are [offsets[i], offsets[i+1]), in the order the examples produced
// them (with one thread: example order, so the sums are the ones the direct gradient buffer
// would hold, bit for bit). hidden: the batch's activations, slot s at hidden + s * stride.
struct GroupedOutputGradient {
  std::span<const std::uint32_t> offsets;
  std::span<const float> coef;
  std::span<const std::uint32_t> slot;
  const float* hidden = nullptr;
  std::size_t hidden_stride = 0;
};

class AdamState {
 public:
  AdamState(const NetworkConfig& config, AdamConfig adam);

  ParameterBuffers& gradients() { return grad_; }
  const ParameterBuffers& moments1() const { return m_; }
  const ParameterBuffers& moments2() const { return v_; }
  ParameterBuffers& moments1() { return m_; }
  ParameterBuffers& moments2() { return v_; }
  std::uint8_t* input_flags() { return input_flags_.data(); }
  std::uint8_t* output_flags() { return output_flags_.data(); }
  // The step (t) at which each input / output row last took a lazy step (0: never); catch-up
  // state, saved in checkpoints.
  AlignedBuffer<std::uint32_t>& input_last_step() { return input_last_; }
  AlignedBuffer<std::uint32_t>& output_last_step() { return output_last_; }
  // After restoring a checkpoint without the last-step arrays: every row counts as stepped at t,
  // so the history before it is not caught up.
  void set_all_last_steps(std::uint64_t t);
  const AdamConfig& config() const { return adam_; }

  // One lazy step with global step number t (>= 1): the listed input and output rows (each at
  // most once; their flags are cleared) plus every dense parameter. Parallel over rows (call
  // inside the trainer's task arena). Refreshes the bf16 copy of updated output rows if the
  // network has one.
  // With `deferred`, the output rows' gradients are the sums of its entries (the output rows of
  // gradients() are not read); output_rows must then be the rows it was grouped for.
  void step_lazy(Network& network, std::span<const std::uint32_t> input_rows,
                 std::span<const std::uint32_t> output_rows, float learning_rate, std::uint64_t t,
                 const GroupedOutputGradient* deferred = nullptr);
  // One dense step over every parameter.
  void step_dense(Network& network, float learning_rate, std::uint64_t t);

  // The bias-corrected step size for step t.
  float corrected_rate(float learning_rate, std::uint64_t t) const;

 private:
  void step_output_rows_deferred(const simd::Kernels& k, Network& network,
                                 std::span<const std::uint32_t> output_rows,
                                 const GroupedOutputGradient& deferred, const simd::AdamParams& p,
                                 std::uint64_t t);
  // Steps a row last stepped at `last` skipped before step t (0 without catch-up).
  std::uint64_t skipped_steps(std::uint32_t last, std::uint64_t t) const;
  // An output row's (and its bias's) catch-up before its step at t; records t as its last step.
  void catch_up_output_row(const simd::Kernels& k, ParameterBuffers& w, std::uint32_t r,
                           std::uint64_t t, const simd::AdamParams& p);
  // catch_up_factors(adam_, skipped), from the table where it reaches.
  CatchUpFactors factors(std::uint64_t skipped) const;
  static constexpr std::size_t kCatchUpTableSize = 8192;

  AdamConfig adam_;
  ParameterBuffers grad_, m_, v_;
  AlignedBuffer<std::uint8_t> input_flags_, output_flags_;
  AlignedBuffer<std::uint32_t> input_last_, output_last_;
  // Zeros of the hidden width: the gradient of the momentum-only catch-up step.
  AlignedBuffer<float> zero_gradient_;
  std::vector<CatchUpFactors> catch_up_table_;
  // Per-thread gradient of one output row (deferred mode).
  tbb::enumerable_thread_specific<AlignedBuffer<float>> row_gradient_;
};

}  // namespace slide::nn
