#pragma once

// A sparse linear path from the input features straight to the output neurons, beside the
// hidden layers:
//
//   logit_j = Wout[j] . a_last + bout[j] + sum_s v[j][s] * x[f[j][s]]
//
// Neuron j reads only its own short list of `support` features f[j][0..S) (chosen from the data
// before training: the features that mark its positive examples), each with one weight v[j][s].
// The hidden layer gives every neuron a rank-h view of the input; this path gives each one a
// full-rank view of a few features, as a label tree's leaf classifiers have, at S weights per
// neuron.
//
// The path also finds neurons: an inverted index (feature -> the neurons that read it) scores
// every neuron sharing a feature with the input, so that the strongest of them can join an
// active set or a prediction's candidates (the labels whose features the input carries, which
// hashing the hidden vector may miss).
//
// Weights train with AdaGrad, one example at a time and without locks (HOGWILD, as the rest of
// the engine): v -= rate * g / sqrt(G + eps), G += g^2, with g = dL/dlogit_j * x_f
// (hogwild_linear_path_step in propagation.cc).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "slide/core/aligned_buffer.h"
#include "slide/core/csr_matrix.h"

namespace slide::nn {

// AdaGrad's rate for the path's weights unless told otherwise.
inline constexpr float kDefaultLinearRate = 0.05f;

class LinearPath {
 public:
  // An unused slot reads this feature: one past the input dimension, where the dense input is
  // always zero, so slots need no test.
  std::uint32_t unused_feature() const { return input_dim_; }

  LinearPath() = default;
  // Every slot unused, every weight zero. Throws UsageError for a zero support or dimension.
  LinearPath(std::uint32_t input_dim, std::uint32_t output_dim, std::uint32_t support);

  bool empty() const { return support_ == 0; }
  std::uint32_t input_dim() const { return input_dim_; }
  std::uint32_t output_dim() const { return output_dim_; }
  std::uint32_t support() const { return support_; }

  // [output_dim x support], row-major: neuron j's slots at j * support.
  std::span<std::uint32_t> features() { return features_.span(); }
  std::span<const std::uint32_t> features() const { return features_.span(); }
  std::span<float> weights() { return weights_.span(); }
  std::span<const float> weights() const { return weights_.span(); }
  // AdaGrad's sums of squared gradients (same shape); allocated by enable_training().
  std::span<float> accumulators() { return accumulators_.span(); }
  std::span<const float> accumulators() const { return accumulators_.span(); }
  void enable_training();
  bool training_enabled() const { return !accumulators_.empty(); }

  // Builds the inverted index from features(): call after changing the support. Throws
  // UsageError for a feature id > input_dim (input_dim itself marks an unused slot).
  void build_index();

  // Inverted index: the slots (neuron * support + s) that read feature f.
  std::span<const std::uint32_t> slots_reading(std::uint32_t feature) const {
    return {postings_slot_.data() + postings_start_[feature],
            postings_start_[feature + 1] - postings_start_[feature]};
  }

 private:
  std::uint32_t input_dim_ = 0, output_dim_ = 0, support_ = 0;
  AlignedBuffer<std::uint32_t> features_;
  AlignedBuffer<float> weights_, accumulators_;
  // Inverted index: slots [postings_start_[f], postings_start_[f + 1]) of postings_slot_.
  std::vector<std::uint64_t> postings_start_;
  std::vector<std::uint32_t> postings_slot_;
};

// Per-thread scratch for the path: the input scattered densely, and the path's scores of the
// neurons an input reaches (generation-stamped, so nothing is cleared between inputs).
class LinearPathScratch {
 public:
  explicit LinearPathScratch(const LinearPath& path);

  // The input scattered into dense() (input_dim + 1 floats); unscatter() zeroes it again.
  void scatter(SparseRow input);
  void unscatter(SparseRow input);
  const float* dense() const { return dense_.data(); }

  // Scores every neuron that reads one of the input's features; reached() lists them once each.
  void score_reached(const LinearPath& path, SparseRow input);
  std::span<const std::uint32_t> reached() const { return reached_; }
  bool reaches(std::uint32_t neuron) const { return stamp_[neuron] == generation_; }
  // The path's score of a reached neuron (of any neuron: 0 when not reached, since it reads
  // none of the input's features).
  float score_of(std::uint32_t neuron) const { return reaches(neuron) ? scores_[neuron] : 0.0f; }

  // After score_reached: appends to `out` the best `count` reached neurons by score (ties to
  // the lower id) with a positive score and !skip(id).
  template <class Skip>
  void append_strongest(std::size_t count, Skip skip, std::vector<std::uint32_t>& out);

 private:
  std::vector<float> dense_;
  std::vector<float> scores_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t generation_ = 0;
  std::vector<std::uint32_t> reached_, candidates_;
};

template <class Skip>
void LinearPathScratch::append_strongest(std::size_t count, Skip skip,
                                         std::vector<std::uint32_t>& out) {
  candidates_.clear();
  for (std::uint32_t id : reached_) {
    if (scores_[id] > 0.0f && !skip(id)) candidates_.push_back(id);
  }
  const std::size_t take = std::min(count, candidates_.size());
  auto better = [&](std::uint32_t a, std::uint32_t b) {
    return scores_[a] > scores_[b] || (scores_[a] == scores_[b] && a < b);
  };
  const auto middle = candidates_.begin() + static_cast<std::ptrdiff_t>(take);
  if (take < candidates_.size())
    std::nth_element(candidates_.begin(), middle, candidates_.end(), better);
  std::sort(candidates_.begin(), middle, better);
  out.insert(out.end(), candidates_.begin(), middle);
}

}  // namespace slide::nn
