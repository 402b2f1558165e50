#include "slide/nn/propagation.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "slide/simd/dispatch.h"

namespace slide::nn {
namespace {

// Rows of the active set are scattered over hundreds of MiB; fetching a few rows ahead hides
// part of the memory latency of the backward loops (dot_rows prefetches for the forward pass).
constexpr std::size_t kPrefetchDistance = 6;
constexpr std::size_t kFlagPrefetch = 16;

using simd::bf16;

inline void prefetch_bytes(const void* p, std::size_t bytes, bool for_write) {
  const char* c = static_cast<const char*>(p);
  for (std::size_t i = 0; i < bytes; i += 64) {
    if (for_write) {
      __builtin_prefetch(c + i, 1, 3);
    } else {
      __builtin_prefetch(c + i, 0, 3);
    }
  }
}

inline void prefetch_row(const float* row, std::size_t n, bool for_write) {
  prefetch_bytes(row, n * sizeof(float), for_write);
}

// True when this call set the flag (the caller then records the row).
inline bool touch(const TouchedRows& rows, std::uint32_t r) {
  if (rows.flags == nullptr) return false;
  std::atomic_ref<std::uint8_t> flag(rows.flags[r]);
  if (flag.load(std::memory_order_relaxed)) return false;
  return flag.exchange(1, std::memory_order_relaxed) == 0;
}

// HOGWILD updates: shared rows (gradient accumulators, or the weights themselves under SGD) are
// written by concurrent examples without locks; a lost float update under a race is accepted,
// as in SLIDE and word2vec. Not inlined, so that a ThreadSanitizer suppression can name them.

// gradient_row += alpha * x (and the bias gradient += alpha when there is one).
[[gnu::noinline]] void hogwild_add_gradient(const simd::Kernels& k, float alpha, const float* x,
                                            float* gradient_row, std::size_t n,
                                            float* bias_gradient) {
  k.axpy(alpha, x, gradient_row, n);
  if (bias_gradient) *bias_gradient += alpha;
}

// SGD on one output row: dL/dh gains g * row (read before the update), then
// row -= rate * g * h and bias -= rate * g.
[[gnu::noinline]] void hogwild_sgd_output_row(const simd::Kernels& k, float g, float rate,
                                              const float* h, float* row, float* d, std::size_t n,
                                              float* bias) {
  k.axpy(g, row, d, n);
  k.axpy(-rate * g, h, row, n);
  if (bias) *bias -= rate * g;
}

// SGD with bf16 weights: the bf16 copy of a row just updated (read by concurrent examples).
[[gnu::noinline]] void hogwild_refresh_bf16_row(Network& network, std::uint32_t row) {
  network.refresh_bf16_row(row);
}

// SGD on one row of weights (and a bias element): row -= rate * alpha * x.
[[gnu::noinline]] void hogwild_sgd_row(const simd::Kernels& k, float alpha, float rate,
                                       const float* x, float* row, std::size_t n, float* bias) {
  k.axpy(-rate * alpha, x, row, n);
  if (bias) *bias -= rate * alpha;
}

// AdaGrad on one neuron's slots of the sparse linear path, for dL/dlogit = g: the slots whose
// feature the input carries (dense: the scattered input) step by -rate * gx / sqrt(G + eps).
[[gnu::noinline]] void hogwild_linear_path_step(LinearPath& path, std::uint32_t neuron, float g,
                                                const float* dense, float rate) {
  constexpr float kEpsilon = 1e-8f;
  const std::size_t support = path.support();
  const std::size_t base = std::size_t{neuron} * support;
  const std::uint32_t* f = path.features().data() + base;
  float* v = path.weights().data() + base;
  float* sum_squares = path.accumulators().data() + base;
  for (std::size_t s = 0; s < support; ++s) {
    const float x = dense[f[s]];
    if (x == 0.0f) continue;
    const float gradient = g * x;
    sum_squares[s] += gradient * gradient;
    v[s] -= rate * gradient / std::sqrt(sum_squares[s] + kEpsilon);
  }
}

// The output layer's forward pass over the active rows fused with the softmax part of the
// backward pass (online softmax, as FlashAttention does it): each row is read from memory once.
// Chunks of kFusedChunk rows: their logits (dot_rows, which prefetches), then with M the running
// maximum, S += exp(logit - M) and acc += exp(logit - M) * row while the rows are in L1; when a
// chunk raises M, S and acc are first scaled by exp(M_old - M_new). Returns S; on return
// acc / S = sum_j softmax_j * row_j. Rows: float32 (Row = float) or the bf16 copy with the bf16
// activation (Row = bf16).
template <class Row>
float fused_output_forward(const simd::Kernels& k, const float* h, const bf16* h16, const Row* rows,
                           std::size_t stride, const std::uint32_t* ids, std::size_t n,
                           std::size_t hidden, const float* bias, const LinearPathScratch* path,
                           float* logits, float* acc, float* e) {
  std::memset(acc, 0, hidden * sizeof(float));
  float running_max = -std::numeric_limits<float>::infinity();
  float sum = 0.0f;
  for (std::size_t c = 0; c < n; c += kFusedChunk) {
    const std::size_t count = std::min(kFusedChunk, n - c);
    // The next chunk's first rows, so that memory keeps working while this chunk is summed.
    for (std::size_t j = c + kFusedChunk; j < std::min(n, c + kFusedChunk + kPrefetchDistance);
         ++j) {
      prefetch_bytes(rows + std::size_t{ids[j]} * stride, hidden * sizeof(Row), false);
    }
    float* l = logits + c;
    if constexpr (std::is_same_v<Row, float>) {
      k.dot_rows(h, rows, stride, ids + c, count, hidden, l);
    } else {
      k.dot_rows_bf16(h16, rows, stride, ids + c, count, hidden, l);
    }
    float chunk_max = running_max;
    for (std::size_t j = 0; j < count; ++j) {
      if (bias) l[j] += bias[ids[c + j]];
      if (path) l[j] += path->score_of(ids[c + j]);
      chunk_max = std::max(chunk_max, l[j]);
    }
    if (chunk_max > running_max) {
      if (sum > 0.0f) {
        const float r = std::exp(running_max - chunk_max);
        sum *= r;
        k.scale(r, acc, hidden);
      }
      running_max = chunk_max;
    }
    for (std::size_t j = 0; j < count; ++j) e[j] = l[j] - running_max;
    k.exp(e, e, count);
    // Four partial sums: the chunk's adds are not one serial dependency chain.
    float part[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (std::size_t j = 0; j < count; ++j) part[j % 4] += e[j];
    sum += (part[0] + part[1]) + (part[2] + part[3]);
    for (std::size_t j = 0; j < count; ++j) {
      const Row* row = rows + std::size_t{ids[c + j]} * stride;
      if constexpr (std::is_same_v<Row, float>) {
        k.axpy(e[j], row, acc, hidden);
      } else {
        k.axpy_bf16(e[j], row, acc, hidden);
      }
    }
  }
  return sum;
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
  result.positives = selector.select(std::span<const float>(h, hidden), labels, rng,
                                     *ws.selector_scratch, ws.active);
  // The linear path: only the neurons that read one of the input's features have a score or a
  // gradient there.
  LinearPath* path = network.has_linear_path() ? &network.linear_path() : nullptr;
  const LinearPathScratch* path_scores = nullptr;
  if (path) {
    ws.linear->score_reached(*path, input);
    path_scores = ws.linear.get();
    if (sink.linear_shortlist > 0 && !selector.selects_all()) {
      // The strongest of them join the selector's choices.
      SelectorScratch& marks = *ws.selector_scratch;
      marks.clear();
      for (std::uint32_t id : ws.active) marks.mark(id);
      ws.linear->append_strongest(
          sink.linear_shortlist, [&](std::uint32_t id) { return marks.contains(id); }, ws.active);
    }
  }
  const std::size_t n = ws.active.size();
  result.active = n;
  ws.logits.resize(n);
  ws.grad.resize(n);
  const std::uint32_t* ids = ws.active.data();
  DenseMatrix<float>& out_w = params.output_weights;
  float* out_b = params.output_bias.data();
  const bool bf16_rows = precision == Precision::bf16_weights && network.has_bf16_output();
  float* d = ws.delta[layers - 1].data();
  // Adam with the softmax loss: forward and the softmax part of dL/dh in one pass over the rows.
  const bool fused = sink.fuse_softmax && grads != nullptr &&
                     loss_kind == LossKind::softmax_cross_entropy && result.positives > 0;
  float fused_sum = 0.0f;
  if (fused) {
    if (bf16_rows) {
      const DenseMatrix<bf16>& w16 = network.output_weights_bf16();
      fused_sum = fused_output_forward(k, h, ws.hidden_bf16.data(), w16.data(), w16.stride(), ids,
                                       n, hidden, out_b, path_scores, ws.logits.data(),
                                       ws.softmax_acc.data(), ws.chunk_exp.data());
    } else {
      fused_sum = fused_output_forward(k, h, ws.hidden_bf16.data(), out_w.data(), out_w.stride(),
                                       ids, n, hidden, out_b, path_scores, ws.logits.data(),
                                       ws.softmax_acc.data(), ws.chunk_exp.data());
    }
  } else {
    if (bf16_rows) {
      const DenseMatrix<bf16>& w16 = network.output_weights_bf16();
      k.dot_rows_bf16(ws.hidden_bf16.data(), w16.data(), w16.stride(), ids, n, hidden,
                      ws.logits.data());
    } else {
      k.dot_rows(h, out_w.data(), out_w.stride(), ids, n, hidden, ws.logits.data());
    }
    if (out_b) {
      for (std::size_t j = 0; j < n; ++j) ws.logits[j] += out_b[ids[j]];
    }
    if (path) {
      for (std::size_t j = 0; j < n; ++j) ws.logits[j] += path_scores->score_of(ids[j]);
    }
  }
  result.loss = compute_loss(loss_kind, ws.logits, result.positives, ws.grad);
  if (path && !(loss_kind == LossKind::softmax_cross_entropy && result.positives == 0)) {
    ws.linear->scatter(input);
    for (std::size_t j = 0; j < n; ++j) {
      if (ws.grad[j] != 0.0f && path_scores->reaches(ids[j])) {
        hogwild_linear_path_step(*path, ids[j], ws.grad[j], ws.linear->dense(), sink.linear_rate);
      }
    }
    ws.linear->unscatter(input);
  }
  if (loss_kind == LossKind::softmax_cross_entropy && result.positives == 0) return result;

  // Output layer backward: dL/dh from each row before that row is updated.
  if (fused) {
    // dL/dh = sum_j (p_j - t_j) row_j = acc / S - (1/|y|) sum over the positives of row_j.
    std::memcpy(d, ws.softmax_acc.data(), hidden * sizeof(float));
    k.scale(1.0f / fused_sum, d, hidden);
    const float target = -1.0f / static_cast<float>(result.positives);
    for (std::size_t j = 0; j < result.positives; ++j) {
      if (bf16_rows) {
        k.axpy_bf16(target, network.output_weights_bf16().row(ids[j]), d, hidden);
      } else {
        k.axpy(target, out_w.row(ids[j]), d, hidden);
      }
    }
  } else {
    std::memset(d, 0, hidden * sizeof(float));
  }
  if (grads && sink.batch_hidden != nullptr) {
    // Deferred output gradient: this example's activation and one entry per active row.
    if (!fused) {
      for (std::size_t j = 0; j < n; ++j) {
        if (ws.grad[j] != 0.0f) k.axpy(ws.grad[j], out_w.row(ids[j]), d, hidden);
      }
    }
    std::memcpy(sink.batch_hidden + std::size_t{ws.batch_slot} * sink.batch_hidden_stride, h,
                hidden * sizeof(float));
    OutputGradientLog& log = ws.output_log;
    const std::size_t start = log.size();
    log.rows.resize(start + n);
    log.coef.resize(start + n);
    log.slot.resize(start + n);
    std::size_t kept = start;
    for (std::size_t j = 0; j < n; ++j) {
      // The flag bytes are scattered over output_dim bytes: fetch them a little ahead.
      if (sink.output_rows.flags != nullptr && j + kFlagPrefetch < n) {
        __builtin_prefetch(sink.output_rows.flags + ids[j + kFlagPrefetch], 1, 3);
      }
      const std::uint32_t id = ids[j];
      if (touch(sink.output_rows, id)) ws.touched_output.push_back(id);
      if (ws.grad[j] == 0.0f) continue;
      log.rows[kept] = id;
      log.coef[kept] = ws.grad[j];
      log.slot[kept] = ws.batch_slot;
      ++kept;
    }
    log.rows.resize(kept);
    log.coef.resize(kept);
    log.slot.resize(kept);
  } else if (grads) {
    if (!fused) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j + kPrefetchDistance < n)
          prefetch_row(out_w.row(ids[j + kPrefetchDistance]), hidden, false);
        if (ws.grad[j] != 0.0f) k.axpy(ws.grad[j], out_w.row(ids[j]), d, hidden);
      }
    }
    float* g_b = grads->output_bias.data();
    for (std::size_t j = 0; j < n; ++j) {
      if (j + kPrefetchDistance < n) {
        prefetch_row(grads->output_weights.row(ids[j + kPrefetchDistance]), hidden, true);
      }
      const std::uint32_t id = ids[j];
      if (touch(sink.output_rows, id)) ws.touched_output.push_back(id);
      if (ws.grad[j] == 0.0f) continue;
      hogwild_add_gradient(k, ws.grad[j], h, grads->output_weights.row(id), hidden,
                           g_b ? g_b + id : nullptr);
    }
  } else {
    // SGD: one visit per row while it is in cache: read it into dL/dh, then update it.
    for (std::size_t j = 0; j < n; ++j) {
      if (j + kPrefetchDistance < n)
        prefetch_row(out_w.row(ids[j + kPrefetchDistance]), hidden, true);
      if (ws.grad[j] == 0.0f) continue;
      const std::uint32_t id = ids[j];
      hogwild_sgd_output_row(k, ws.grad[j], lr, h, out_w.row(id), d, hidden,
                             out_b ? out_b + id : nullptr);
      if (bf16_rows) hogwild_refresh_bf16_row(network, id);
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
          hogwild_add_gradient(k, dl[j], a[l - 1], grads->hidden_weights[l - 1].row(j), in,
                               has_bias ? grads->hidden_bias[l - 1].row(0) + j : nullptr);
        } else {
          hogwild_sgd_row(k, dl[j], lr, a[l - 1], w.row(j), in,
                          has_bias ? params.hidden_bias[l - 1].row(0) + j : nullptr);
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
        hogwild_add_gradient(k, v, dl, grads->input_weights.row(id), width, nullptr);
      } else {
        hogwild_sgd_row(k, v, lr, dl, params.input_weights.row(id), width, nullptr);
      }
    }
    if (has_bias) {
      if (grads) {
        hogwild_add_gradient(k, 1.0f, dl, grads->input_bias.row(0), width, nullptr);
      } else {
        hogwild_sgd_row(k, 1.0f, lr, dl, params.input_bias.row(0), width, nullptr);
      }
    }
  }
  return result;
}

}  // namespace slide::nn
