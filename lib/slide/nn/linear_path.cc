#include "slide/nn/linear_path.h"

#include <string>

#include "slide/core/error.h"

namespace slide::nn {
LinearPath::LinearPath(std::uint32_t input_dim, std::uint32_t output_dim, std::uint32_t support)
    : input_dim_(input_dim), output_dim_(output_dim), support_(support) {
  if (support == 0 || input_dim == 0 || output_dim == 0) {
    throw UsageError("a linear path needs a positive support and dimensions");
  }
  if (input_dim == std::numeric_limits<std::uint32_t>::max()) {
    throw UsageError("the input dimension leaves no id for an unused slot");
  }
  if (std::uint64_t{output_dim} * support > std::numeric_limits<std::uint32_t>::max()) {
    throw UsageError("a linear path holds at most 2^32 - 1 slots (labels x support)");
  }
  const std::size_t slots = std::size_t{output_dim} * support;
  features_ = AlignedBuffer<std::uint32_t>(slots);
  weights_ = AlignedBuffer<float>(slots);
  std::fill_n(features_.data(), slots, unused_feature());
  std::fill_n(weights_.data(), slots, 0.0f);
  build_index();
}

void LinearPath::enable_training() {
  if (!accumulators_.empty() || empty()) return;
  accumulators_ = AlignedBuffer<float>(weights_.size());
  std::fill_n(accumulators_.data(), accumulators_.size(), 0.0f);
}

void LinearPath::build_index() {
  postings_start_.assign(std::size_t{input_dim_} + 2, 0);
  for (std::size_t slot = 0; slot < features_.size(); ++slot) {
    const std::uint32_t f = features_[slot];
    if (f > input_dim_) {
      throw UsageError("linear path: feature " + std::to_string(f) +
                       " is not below the input dimension " + std::to_string(input_dim_));
    }
    if (f != input_dim_) ++postings_start_[f + 1];
  }
  for (std::size_t f = 0; f <= input_dim_; ++f) postings_start_[f + 1] += postings_start_[f];
  postings_slot_.resize(postings_start_[input_dim_]);
  std::vector<std::uint64_t> next(postings_start_.begin(), postings_start_.end() - 1);
  for (std::size_t slot = 0; slot < features_.size(); ++slot) {
    const std::uint32_t f = features_[slot];
    if (f != input_dim_) postings_slot_[next[f]++] = static_cast<std::uint32_t>(slot);
  }
}

LinearPathScratch::LinearPathScratch(const LinearPath& path)
    : dense_(std::size_t{path.input_dim()} + 1, 0.0f),
      scores_(path.output_dim(), 0.0f),
      stamp_(path.output_dim(), 0) {}

void LinearPathScratch::scatter(SparseRow input) {
  for (std::size_t i = 0; i < input.size(); ++i) dense_[input.ids[i]] = input.value(i);
}

void LinearPathScratch::unscatter(SparseRow input) {
  for (std::uint32_t id : input.ids) dense_[id] = 0.0f;
}

void LinearPathScratch::score_reached(const LinearPath& path, SparseRow input) {
  if (++generation_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    generation_ = 1;
  }
  reached_.clear();
  const std::uint32_t support = path.support();
  const float* weights = path.weights().data();
  for (std::size_t i = 0; i < input.size(); ++i) {
    const float x = input.value(i);
    for (std::uint32_t slot : path.slots_reading(input.ids[i])) {
      const auto neuron = static_cast<std::uint32_t>(slot / support);
      if (stamp_[neuron] != generation_) {
        stamp_[neuron] = generation_;
        scores_[neuron] = 0.0f;
        reached_.push_back(neuron);
      }
      scores_[neuron] += weights[slot] * x;
    }
  }
}

}  // namespace slide::nn
