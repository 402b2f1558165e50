#pragma once

// Per-thread scratch of training (fastText's Model::State): every buffer one example needs,
// allocated once per thread and reused, so the hot path allocates nothing once the active-set
// vectors have reached their working size.

#include <cstdint>
#include <memory>
#include <vector>

#include "slide/core/aligned_buffer.h"
#include "slide/nn/linear_path.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/optimizer.h"

namespace slide::nn {

struct Workspace {
  Workspace(const Network& network, const NeuronSelector& selector);

  // Per hidden layer l: pre-activation, activation and dLoss/dz (each padded to 16 floats).
  std::vector<AlignedBuffer<float>> z, a, delta;
  // The last hidden activation in bfloat16 (bf16 precision modes).
  AlignedBuffer<simd::bf16> hidden_bf16;
  // The active output neurons (positives first), their logits and dLoss/dlogit.
  std::vector<std::uint32_t> active;
  std::vector<float> logits, grad;
  // Output forward fused with the softmax backward: sum_j exp(logit_j - max) * row_j, and the
  // chunk of exponentials (padded hidden floats, and kFusedChunk floats).
  AlignedBuffer<float> softmax_acc, chunk_exp;
  // Deferred output gradients (GradientSink::batch_hidden): this example's position in the
  // batch, and the entries of the examples this thread ran in the current batch.
  std::uint32_t batch_slot = 0;
  OutputGradientLog output_log;
  std::unique_ptr<SelectorScratch> selector_scratch;
  // The sparse linear path's scratch (null without a path).
  std::unique_ptr<LinearPathScratch> linear;
  // Rows whose flag this thread set during the current batch (lazy Adam and changed-row
  // reporting); the trainer merges and clears them after each batch.
  std::vector<std::uint32_t> touched_input, touched_output;
  // Sums over the examples of the current batch.
  double loss_sum = 0;
  std::uint64_t active_sum = 0;
  std::uint64_t examples = 0;
};

}  // namespace slide::nn
