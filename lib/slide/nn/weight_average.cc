#include "slide/nn/weight_average.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <cstddef>
#include <vector>

#include "slide/core/error.h"

namespace slide::nn {
namespace {

// The flat storage (padding included: it is zero in both) of every parameter array, in pairs.
template <typename Mean, typename Net, typename F>
void for_each_array(Mean& mean, Net& net, F&& f) {
  auto matrix = [&](auto& a, auto& b) {
    // Rows and columns: two widths can share a padded stride.
    if (a.rows() != b.rows() || a.cols() != b.cols())
      throw UsageError("the network's shape changed");
    f(a.data(), b.data(), a.storage_size());
  };
  matrix(mean.input_weights, net.input_weights);
  matrix(mean.input_bias, net.input_bias);
  if (mean.hidden_weights.size() != net.hidden_weights.size() ||
      mean.hidden_bias.size() != net.hidden_bias.size()) {
    throw UsageError("the network's shape changed");
  }
  for (std::size_t l = 0; l < mean.hidden_weights.size(); ++l) {
    matrix(mean.hidden_weights[l], net.hidden_weights[l]);
  }
  for (std::size_t l = 0; l < mean.hidden_bias.size(); ++l)
    matrix(mean.hidden_bias[l], net.hidden_bias[l]);
  matrix(mean.output_weights, net.output_weights);
  if (mean.output_bias.size() != net.output_bias.size())
    throw UsageError("the network's shape changed");
  f(mean.output_bias.data(), net.output_bias.data(), mean.output_bias.size());
}

constexpr std::size_t kGrain = 1 << 16;

}  // namespace

WeightAverage::WeightAverage(const NetworkConfig& config)
    : mean_(ParameterBuffers::zeros(config)) {}

void WeightAverage::add(const Network& network) {
  const float w_new = 1.0f / static_cast<float>(count_ + 1);
  for_each_array(mean_, network.parameters(), [&](float* mean, const float* source, std::size_t n) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kGrain),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i < r.end(); ++i) {
                          mean[i] += (source[i] - mean[i]) * w_new;
                        }
                      });
  });
  ++count_;
}

void WeightAverage::store_into(Network& network) const {
  if (count_ == 0) throw UsageError("no weights were averaged");
  for_each_array(mean_, network.parameters(), [&](const float* mean, float* target, std::size_t n) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kGrain),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i < r.end(); ++i) target[i] = mean[i];
                      });
  });
  if (network.has_bf16_output()) network.refresh_bf16_all();
}

}  // namespace slide::nn
