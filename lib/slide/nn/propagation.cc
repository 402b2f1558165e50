#include "slide/nn/propagation.h"

#include <atomic>
#include <cstring>

#include "slide/simd/dispatch.h"

namespace slide::nn {
namespace {

// Rows of the active set are scattered over hundreds of MiB; fetching a few rows ahead hides
// part of the memory latency of the backward loops (dot_rows prefetches for the forward pass).
constexpr std::size_t kPrefetchDistance = 6;

inline void prefetch_row(const float* row, std::size_t n, bool for_write) {
  for (std::size_t i = 0; i < n; i += 16) {
    if (for_write) {
      __builtin_prefetch(row + i, 1, 3);
    } else {
      __builtin_prefetch(row + i, 0, 3);
    }
  }
}

// True when this call set the flag (the caller then records the row).
inline bool touch(const TouchedRows& rows, std::uint32_t r) {
  if (rows.flags == nullptr) return false;
  std::atomic_ref<std::uint8_t> flag(rows.flags[r]);
  if (flag.load(std::memory_order_relaxed)) return false;
  return flag.exchange(1, std::memory_order_relaxed) == 0;
}

}  // namespace

ExampleResult train_example(Network& network, SparseRow input,
                            std::span<const std::uint32_t> labels, const NeuronSelector& selector,
                            LossKind loss_kind, Precision precision, Rng& rng, Workspace& ws,
                            const GradientSink& sink) {
  const simd::Kernels& k = simd::kernels();
  const NetworkConfig& config = network.config();
  ParameterBuffers& params = network.parameters();
  ParameterBuffers* grads = sink.gradients;
  const float lr = sink.learning_rate;
  const std::size_t layers = config.hidden_dims.size();
  const std::size_t hidden = config.last_hidden_dim();

  float* z[kMaxHiddenLayers];
  float* a[kMaxHiddenLayers];
  for (std::size_t l = 0; l < layers; ++l) {
    z[l] = ws.z[l].data();
    a[l] = ws.a[l].data();
  }
  network.forward_hidden(input.ids, input.values, z, a);
  float* h = a[layers - 1];
  if (precision != Precision::f32) {
    k.f32_to_bf16(h, ws.hidden_bf16.data(), hidden);
    if (precision == Precision::bf16_activations) k.bf16_to_f32(ws.hidden_bf16.data(), h, hidden);
  }

  // Active set, logits, loss.
  ExampleResult result;
  result.positives =
      selector.select(std::span<const float>(h, hidden), labels, rng, *ws.selector_scratch, ws.active);
  const std::size_t n = ws.active.size();
  result.active = n;
  ws.logits.resize(n);
  ws.grad.resize(n);
  const std::uint32_t* ids = ws.active.data();
  DenseMatrix<float>& out_w = params.output_weights;
  if (precision == Precision::bf16_weights && network.has_bf16_output()) {
    const DenseMatrix<simd::bf16>& w16 = network.output_weights_bf16();
    k.dot_rows_bf16(ws.hidden_bf16.data(), w16.data(), w16.stride(), ids, n, hidden,
                    ws.logits.data());
  } else {
    k.dot_rows(h, out_w.data(), out_w.stride(), ids, n, hidden, ws.logits.data());
  }
  float* out_b = params.output_bias.data();
  if (out_b) {
    for (std::size_t j = 0; j < n; ++j) ws.logits[j] += out_b[ids[j]];
  }
  result.loss = compute_loss(loss_kind, ws.logits, result.positives, ws.grad);
  if (loss_kind == LossKind::softmax_cross_entropy && result.positives == 0) return result;

  // Output layer backward: dL/dh from each row before that row is updated.
  float* d = ws.delta[layers - 1].data();
  std::memset(d, 0, hidden * sizeof(float));
  if (grads) {
    for (std::size_t j = 0; j < n; ++j) {
      if (j + kPrefetchDistance < n) prefetch_row(out_w.row(ids[j + kPrefetchDistance]), hidden, false);
      if (ws.grad[j] != 0.0f) k.axpy(ws.grad[j], out_w.row(ids[j]), d, hidden);
    }
    float* g_b = grads->output_bias.data();
    for (std::size_t j = 0; j < n; ++j) {
      if (j + kPrefetchDistance < n) {
        prefetch_row(grads->output_weights.row(ids[j + kPrefetchDistance]), hidden, true);
      }
      const std::uint32_t id = ids[j];
      if (touch(sink.output_rows, id)) ws.touched_output.push_back(id);
      if (ws.grad[j] == 0.0f) continue;
      k.axpy(ws.grad[j], h, grads->output_weights.row(id), hidden);
      if (g_b) g_b[id] += ws.grad[j];
    }
  } else {
    // SGD: one visit per row while it is in cache: read it into dL/dh, then update it.
    const bool refresh = precision == Precision::bf16_weights && network.has_bf16_output();
    for (std::size_t j = 0; j < n; ++j) {
      if (j + kPrefetchDistance < n) prefetch_row(out_w.row(ids[j + kPrefetchDistance]), hidden, true);
      if (ws.grad[j] == 0.0f) continue;
      const std::uint32_t id = ids[j];
      float* row = out_w.row(id);
      k.axpy(ws.grad[j], row, d, hidden);
      k.axpy(-lr * ws.grad[j], h, row, hidden);
      if (out_b) out_b[id] -= lr * ws.grad[j];
      if (refresh) network.refresh_bf16_row(id);
      if (touch(sink.output_rows, id)) ws.touched_output.push_back(id);
    }
  }

  // Hidden layers, top down.
  for (std::size_t l = layers; l-- > 0;) {
    const std::size_t width = config.hidden_dims[l];
    float* dl = ws.delta[l].data();
    if (config.hidden_activation == Activation::relu) {
      for (std::size_t i = 0; i < width; ++i) {
        if (!(z[l][i] > 0.0f)) dl[i] = 0.0f;
      }
    }
    if (l > 0) {
      const std::size_t in = config.hidden_dims[l - 1];
      DenseMatrix<float>& w = params.hidden_weights[l - 1];
      const bool has_bias = params.hidden_bias[l - 1].rows() != 0;
      float* prev = ws.delta[l - 1].data();
      std::memset(prev, 0, in * sizeof(float));
      for (std::size_t j = 0; j < width; ++j) {
        if (dl[j] == 0.0f) continue;
        k.axpy(dl[j], w.row(j), prev, in);
        if (grads) {
          k.axpy(dl[j], a[l - 1], grads->hidden_weights[l - 1].row(j), in);
          if (has_bias) grads->hidden_bias[l - 1].row(0)[j] += dl[j];
        } else {
          k.axpy(-lr * dl[j], a[l - 1], w.row(j), in);
          if (has_bias) params.hidden_bias[l - 1].row(0)[j] -= lr * dl[j];
        }
      }
      continue;
    }
    // Input layer: the rows of the present features, and the bias.
    const bool has_bias = params.input_bias.rows() != 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
      const std::uint32_t id = input.ids[i];
      const float v = input.value(i);
      if (grads) {
        if (touch(sink.input_rows, id)) ws.touched_input.push_back(id);
        k.axpy(v, dl, grads->input_weights.row(id), width);
      } else {
        k.axpy(-lr * v, dl, params.input_weights.row(id), width);
      }
    }
    if (has_bias) {
      if (grads) {
        k.axpy(1.0f, dl, grads->input_bias.row(0), width);
      } else {
        k.axpy(-lr, dl, params.input_bias.row(0), width);
      }
    }
  }
  return result;
}

}  // namespace slide::nn
