#pragma once

// Top-k prediction for batches of sparse rows.
//
// Exact: every output neuron is scored. Examples are processed in blocks (example_block rows);
// a block's hidden activations form a matrix H, and the output layer is swept in blocks of
// output_block rows with one gemm_nt (H x W_block^T) per block, after which each example's
// running top-k is updated with a vectorisable threshold test. Blocks of examples run in
// parallel. With bf16 set, H and the output rows are bfloat16 (gemm_nt_bf16, float32
// accumulation), using the network's bf16 copy or a copy the predictor makes.
//
// Selected: only the candidates a NeuronSelector returns (e.g. LSH buckets), and the fixed
// always_scored ids, are scored.
//
// Scores are logits (w_j . h + b_j, plus the sparse linear path's part when the network has
// one), which rank like the softmax probabilities. The result is
// deterministic and independent of the thread count.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "slide/core/csr_matrix.h"
#include "slide/core/dense_matrix.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"

namespace slide::nn {

inline constexpr std::uint32_t kNoLabel = std::numeric_limits<std::uint32_t>::max();

// rows x k results, best first. A row with fewer than k candidates is padded with kNoLabel and
// -infinity.
struct TopK {
  std::size_t rows = 0;
  std::size_t k = 0;
  std::vector<std::uint32_t> ids;
  std::vector<float> scores;

  std::span<const std::uint32_t> row_ids(std::size_t i) const { return {ids.data() + i * k, k}; }
  std::span<const float> row_scores(std::size_t i) const { return {scores.data() + i * k, k}; }
};

struct PredictorConfig {
  std::size_t top_k = 5;
  int threads = 0;  // 0: every hardware thread
  bool bf16 = false;
  std::size_t example_block = 256;
  std::size_t output_block = 512;
  std::uint64_t seed = 0;  // for selectors that draw random numbers
  // predict_selected: ids scored for every row besides the selector's candidates (e.g. the most
  // frequent labels, which hashing the weights alone misses because their logits owe much to
  // the bias). Each id must be below the output dimension.
  std::vector<std::uint32_t> always_scored;
  // predict_selected with a network that has a sparse linear path: how many of the neurons the
  // path scores highest join each row's candidates.
  std::uint32_t linear_shortlist = 0;
};

class Predictor {
 public:
  // The network must outlive the predictor and not change while it predicts. Throws
  // UsageError for top_k == 0 or zero block sizes.
  Predictor(const Network& network, PredictorConfig config);

  // Throws UsageError when inputs has more columns than the network's input dimension.
  TopK predict_exact(const CsrMatrix& inputs) const;
  // Row i draws its random numbers (if the selector uses any) from Rng(seed, stream, first_row
  // + i): a caller that predicts a stream in batches passes the index of the batch's first row
  // and gets the same result as with one batch, whatever the batch size.
  TopK predict_selected(const CsrMatrix& inputs, const NeuronSelector& selector,
                        std::uint64_t first_row = 0) const;

  // Hidden activations of rows [begin, end) into out (row i at out + (i - begin) * ld,
  // ld >= hidden_dim()).
  void hidden_batch(const CsrMatrix& inputs, std::size_t begin, std::size_t end, float* out,
                    std::size_t ld) const;

  const PredictorConfig& config() const { return config_; }

 private:
  const DenseMatrix<simd::bf16>& bf16_weights() const;

  const Network& network_;
  PredictorConfig config_;
  DenseMatrix<simd::bf16> own_bf16_;
};

}  // namespace slide::nn
