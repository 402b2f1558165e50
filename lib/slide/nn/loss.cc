#include "slide/nn/loss.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "slide/simd/dispatch.h"

namespace slide::nn {

float softmax_cross_entropy(std::span<const float> logits, std::size_t positives,
                            std::span<float> grad) {
  const std::size_t n = logits.size();
  if (positives == 0 || n == 0) {
    std::fill(grad.begin(), grad.end(), 0.0f);
    return 0.0f;
  }
  std::memcpy(grad.data(), logits.data(), n * sizeof(float));
  simd::kernels().softmax(grad.data(), n);
  const float target = 1.0f / static_cast<float>(positives);
  double loss = 0;
  for (std::size_t j = 0; j < positives; ++j) {
    // p can underflow to 0 for a hopeless label; the clamp keeps the loss finite.
    loss -= std::log(std::max(grad[j], std::numeric_limits<float>::min()));
    grad[j] -= target;
  }
  return static_cast<float>(loss * target);
}

float binary_logistic(std::span<const float> logits, std::size_t positives, std::span<float> grad) {
  double loss = 0;
  for (std::size_t j = 0; j < logits.size(); ++j) {
    const float z = logits[j];
    const bool positive = j < positives;
    // Stable forms: sigmoid via exp(-|z|); softplus(x) = max(x,0) + log1p(exp(-|x|)).
    const float e = std::exp(-std::fabs(z));
    const float sigmoid = z >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
    const float signed_z = positive ? -z : z;
    loss += std::max(signed_z, 0.0f) + std::log1p(e);
    grad[j] = sigmoid - (positive ? 1.0f : 0.0f);
  }
  return static_cast<float>(loss);
}

}  // namespace slide::nn
