#include "slide/nn/predictor.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <string>

#include "slide/core/aligned_buffer.h"
#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/nn/topk_scan.h"
#include "slide/simd/dispatch.h"

namespace slide::nn {
namespace {

constexpr std::uint64_t kPredictStream = 0x9e11;

// Inserts (id, score) into a best-first array of k if it beats the last entry.
inline void offer(float* scores, std::uint32_t* ids, std::size_t k, float score, std::uint32_t id) {
  if (!(score > scores[k - 1])) return;
  std::size_t pos = k - 1;
  while (pos > 0 && score > scores[pos - 1]) {
    scores[pos] = scores[pos - 1];
    ids[pos] = ids[pos - 1];
    --pos;
  }
  scores[pos] = score;
  ids[pos] = id;
}

TopK empty_result(std::size_t rows, std::size_t k) {
  TopK out;
  out.rows = rows;
  out.k = k;
  out.ids.assign(rows * k, kNoLabel);
  out.scores.assign(rows * k, -std::numeric_limits<float>::infinity());
  return out;
}

}  // namespace

Predictor::Predictor(const Network& network, PredictorConfig config)
    : network_(network), config_(config) {
  if (config_.top_k == 0) throw UsageError("top-k must be positive");
  if (config_.example_block == 0 || config_.output_block == 0) {
    throw UsageError("prediction block sizes must be positive");
  }
  if (config_.threads < 0) throw UsageError("the thread count must be >= 0");
  for (std::uint32_t id : config_.always_scored) {
    if (id >= network_.output_dim()) {
      throw UsageError("always-scored label " + std::to_string(id) +
                       " is not below the output dimension " +
                       std::to_string(network_.output_dim()));
    }
  }
  if (config_.bf16 && !network_.has_bf16_output()) {
    own_bf16_ = DenseMatrix<simd::bf16>(network_.output_dim(), network_.hidden_dim());
    const DenseMatrix<float>& w = network_.output_weights();
    const simd::Kernels& k = simd::kernels();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, w.rows(), 1024),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t r = range.begin(); r < range.end(); ++r) {
                          k.f32_to_bf16(w.row(r), own_bf16_.row(r), w.cols());
                        }
                      });
  }
}

const DenseMatrix<simd::bf16>& Predictor::bf16_weights() const {
  return network_.has_bf16_output() ? network_.output_weights_bf16() : own_bf16_;
}

void Predictor::hidden_batch(const CsrMatrix& inputs, std::size_t begin, std::size_t end,
                             float* out, std::size_t ld) const {
  AlignedBuffer<float> scratch(network_.hidden_scratch_size());
  AlignedBuffer<float> h(padded_stride<float>(network_.hidden_dim()));
  for (std::size_t i = begin; i < end; ++i) {
    const SparseRow row = inputs.row(i);
    network_.hidden_activation(row.ids, row.values, h.data(), scratch.data());
    std::copy_n(h.data(), network_.hidden_dim(), out + (i - begin) * ld);
  }
}

TopK Predictor::predict_exact(const CsrMatrix& inputs) const {
  if (inputs.cols() > network_.input_dim()) {
    throw UsageError("the inputs have " + std::to_string(inputs.cols()) +
                     " features but the network takes " + std::to_string(network_.input_dim()));
  }
  const std::size_t rows = inputs.rows();
  const std::size_t k = config_.top_k;
  TopK out = empty_result(rows, k);
  if (rows == 0) return out;
  const std::size_t hidden = network_.hidden_dim();
  const std::size_t outputs = network_.output_dim();
  const std::size_t eb = config_.example_block;
  const std::size_t ob = std::min(config_.output_block, outputs);
  const std::size_t ld = padded_stride<float>(hidden);
  const std::size_t ld16 = padded_stride<simd::bf16>(hidden);
  const DenseMatrix<float>& w = network_.output_weights();
  const std::span<const float> bias = network_.output_bias();
  const bool use_bf16 = config_.bf16;
  const DenseMatrix<simd::bf16>* w16 = use_bf16 ? &bf16_weights() : nullptr;
  const simd::Kernels& kern = simd::kernels();
  const detail::TopkScanFn scan = detail::topk_scan();

  const LinearPath* path = network_.has_linear_path() ? &network_.linear_path() : nullptr;
  struct Buffers {
    AlignedBuffer<float> h, c;
    AlignedBuffer<simd::bf16> h16;
    // The linear path's scores of the neurons each row of the block reaches, by neuron id, and
    // where each row stands in its list as the output blocks go by.
    std::unique_ptr<LinearPathScratch> linear;
    std::vector<std::vector<std::pair<std::uint32_t, float>>> reached;
    std::vector<std::size_t> next;
  };
  tbb::enumerable_thread_specific<Buffers> buffers([&] {
    return Buffers{AlignedBuffer<float>(eb * ld),
                   AlignedBuffer<float>(eb * ob),
                   AlignedBuffer<simd::bf16>(use_bf16 ? eb * ld16 : 0),
                   path ? std::make_unique<LinearPathScratch>(*path) : nullptr,
                   std::vector<std::vector<std::pair<std::uint32_t, float>>>(path ? eb : 0),
                   std::vector<std::size_t>(path ? eb : 0)};
  });
  const std::size_t blocks = (rows + eb - 1) / eb;
  tbb::task_arena arena(config_.threads > 0 ? config_.threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, blocks, 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          Buffers& b = buffers.local();
          for (std::size_t block = range.begin(); block < range.end(); ++block) {
            const std::size_t begin = block * eb;
            const std::size_t m = std::min(eb, rows - begin);
            hidden_batch(inputs, begin, begin + m, b.h.data(), ld);
            if (use_bf16) {
              for (std::size_t i = 0; i < m; ++i) {
                kern.f32_to_bf16(b.h.data() + i * ld, b.h16.data() + i * ld16, hidden);
              }
            }
            if (path) {
              for (std::size_t i = 0; i < m; ++i) {
                b.linear->score_reached(*path, inputs.row(begin + i));
                auto& list = b.reached[i];
                list.clear();
                for (std::uint32_t id : b.linear->reached()) {
                  list.emplace_back(id, b.linear->score_of(id));
                }
                std::sort(list.begin(), list.end());
                b.next[i] = 0;
              }
            }
            for (std::size_t first = 0; first < outputs; first += ob) {
              const std::size_t n = std::min(ob, outputs - first);
              if (use_bf16) {
                kern.gemm_nt_bf16(b.h16.data(), ld16, w16->row(first), w16->stride(), b.c.data(), n,
                                  m, n, hidden);
              } else {
                kern.gemm_nt(b.h.data(), ld, w.row(first), w.stride(), b.c.data(), n, m, n, hidden);
              }
              if (path) {
                // Each row's path scores that fall in this block of neurons.
                for (std::size_t i = 0; i < m; ++i) {
                  const auto& list = b.reached[i];
                  std::size_t& at = b.next[i];
                  for (; at < list.size() && list[at].first < first + n; ++at) {
                    b.c[i * n + (list[at].first - first)] += list[at].second;
                  }
                }
              }
              for (std::size_t i = 0; i < m; ++i) {
                scan(b.c.data() + i * n, bias.empty() ? nullptr : bias.data() + first, n,
                     static_cast<std::uint32_t>(first), out.scores.data() + (begin + i) * k,
                     out.ids.data() + (begin + i) * k, k);
              }
            }
          }
        });
  });
  return out;
}

TopK Predictor::predict_selected(const CsrMatrix& inputs, const NeuronSelector& selector,
                                 std::uint64_t first_row) const {
  if (inputs.cols() > network_.input_dim()) {
    throw UsageError("the inputs have " + std::to_string(inputs.cols()) +
                     " features but the network takes " + std::to_string(network_.input_dim()));
  }
  if (selector.output_dim() != network_.output_dim()) {
    throw UsageError("the neuron selector does not match the network's output layer");
  }
  const std::size_t rows = inputs.rows();
  const std::size_t k = config_.top_k;
  TopK out = empty_result(rows, k);
  const std::size_t hidden = network_.hidden_dim();
  const DenseMatrix<float>& w = network_.output_weights();
  const std::span<const float> bias = network_.output_bias();
  const simd::Kernels& kern = simd::kernels();

  struct Scratch {
    std::unique_ptr<SelectorScratch> selector;
    AlignedBuffer<float> h, hidden_scratch;
    std::vector<std::uint32_t> ids;
    std::vector<float> logits;
    // Per output id, the last row (+1) that selected it: dedups always_scored against the
    // selector's candidates without clearing per row. Empty without always_scored.
    std::vector<std::uint64_t> seen_row;
    std::unique_ptr<LinearPathScratch> linear;  // with a sparse linear path
  };
  const LinearPath* path = network_.has_linear_path() ? &network_.linear_path() : nullptr;
  const std::span<const std::uint32_t> always = config_.always_scored;
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    Scratch s{selector.make_scratch(),
              AlignedBuffer<float>(padded_stride<float>(hidden)),
              AlignedBuffer<float>(network_.hidden_scratch_size()),
              {},
              {},
              {}};
    s.ids.reserve(selector.max_selected() + always.size());
    s.logits.reserve(selector.max_selected() + always.size());
    if (!always.empty() || path) s.seen_row.assign(network_.output_dim(), 0);
    if (path) s.linear = std::make_unique<LinearPathScratch>(*path);
    return s;
  });
  tbb::task_arena arena(config_.threads > 0 ? config_.threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, rows, 16),
        [&](const tbb::blocked_range<std::size_t>& range) {
          Scratch& s = scratch.local();
          for (std::size_t i = range.begin(); i < range.end(); ++i) {
            const SparseRow row = inputs.row(i);
            network_.hidden_activation(row.ids, row.values, s.h.data(), s.hidden_scratch.data());
            Rng rng(config_.seed, kPredictStream, first_row + i);
            selector.select(std::span<const float>(s.h.data(), hidden), {}, rng, *s.selector,
                            s.ids);
            if (!always.empty() || path) {
              const std::uint64_t stamp = first_row + i + 1;
              for (std::uint32_t id : s.ids) s.seen_row[id] = stamp;
              for (std::uint32_t id : always) {
                if (s.seen_row[id] != stamp) {
                  s.seen_row[id] = stamp;
                  s.ids.push_back(id);
                }
              }
              if (path) {
                s.linear->score_reached(*path, row);  // also the scores added below
                s.linear->append_strongest(
                    config_.linear_shortlist,
                    [&](std::uint32_t id) { return s.seen_row[id] == stamp; }, s.ids);
              }
            }
            s.logits.resize(s.ids.size());
            kern.dot_rows(s.h.data(), w.data(), w.stride(), s.ids.data(), s.ids.size(), hidden,
                          s.logits.data());
            if (path) {
              for (std::size_t j = 0; j < s.ids.size(); ++j) {
                s.logits[j] += s.linear->score_of(s.ids[j]);
              }
            }
            float* top_scores = out.scores.data() + i * k;
            std::uint32_t* top_ids = out.ids.data() + i * k;
            for (std::size_t j = 0; j < s.ids.size(); ++j) {
              const float score = s.logits[j] + (bias.empty() ? 0.0f : bias[s.ids[j]]);
              offer(top_scores, top_ids, k, score, s.ids[j]);
            }
          }
        });
  });
  return out;
}

}  // namespace slide::nn
