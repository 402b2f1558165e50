#pragma once

// Losses over the logits of the active set. In both, the first `positives` logits belong to the
// example's labels (the NeuronSelector puts them first) and the rest are negatives/candidates.
// Each function writes dLoss/dlogit into `grad` (same length as `logits`, may not alias it) and
// returns the loss of the example.

#include <cstddef>
#include <span>

namespace slide::nn {

enum class LossKind {
  // SLIDE's multi-label softmax cross-entropy with target 1/|y| on each true label:
  // L = -(1/|y|) sum_{y} log softmax(z)_y over the active set; dL/dz_j = p_j - t_j.
  softmax_cross_entropy,
  // Independent binary logistic losses (word2vec negative sampling, fastText one-vs-all):
  // L = sum_{pos} log(1 + e^{-z}) + sum_{neg} log(1 + e^{z}); dL/dz_j = sigmoid(z_j) - [j pos].
  binary_logistic,
};

// No positive: the softmax loss is undefined, so the loss and the gradient are 0 (the example
// is skipped). Uses the kernel table's softmax.
float softmax_cross_entropy(std::span<const float> logits, std::size_t positives,
                            std::span<float> grad);
float binary_logistic(std::span<const float> logits, std::size_t positives, std::span<float> grad);

inline float compute_loss(LossKind kind, std::span<const float> logits, std::size_t positives,
                          std::span<float> grad) {
  return kind == LossKind::softmax_cross_entropy ? softmax_cross_entropy(logits, positives, grad)
                                                 : binary_logistic(logits, positives, grad);
}

}  // namespace slide::nn
