#include "slide/nn/network.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/simd/dispatch.h"

namespace slide::nn {
namespace {

// Stream tags so that initialisation never shares a random stream with training.
constexpr std::uint64_t kInitStream = 0x1417;

void init_rows(DenseMatrix<float>& m, const Init& init, std::uint64_t seed, std::uint64_t layer) {
  if (init.kind == Init::Kind::zeros || m.empty()) return;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m.rows(), 256),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t r = range.begin(); r < range.end(); ++r) {
                        Rng rng(seed, kInitStream, layer, r);
                        float* row = m.row(r);
                        const std::size_t cols = m.cols();
                        if (init.kind == Init::Kind::uniform) {
                          for (std::size_t c = 0; c < cols; ++c) {
                            row[c] = (2.0f * rng.uniform_float() - 1.0f) * init.scale;
                          }
                          continue;
                        }
                        for (std::size_t c = 0; c < cols; c += 2) {
                          double a, b;
                          rng.normal_pair(a, b);
                          row[c] = static_cast<float>(a) * init.scale;
                          if (c + 1 < cols) row[c + 1] = static_cast<float>(b) * init.scale;
                        }
                      }
                    });
}

void activate(Activation act, const float* z, float* a, std::size_t n) {
  if (act == Activation::relu) {
    for (std::size_t i = 0; i < n; ++i) a[i] = z[i] > 0.0f ? z[i] : 0.0f;
  } else {
    std::memcpy(a, z, n * sizeof(float));
  }
}

}  // namespace

void NetworkConfig::check() const {
  if (input_dim == 0) throw UsageError("network: the input dimension must be positive");
  if (output_dim == 0) throw UsageError("network: the output dimension must be positive");
  if (hidden_dims.empty() || hidden_dims.size() > kMaxHiddenLayers) {
    throw UsageError("network: between 1 and " + std::to_string(kMaxHiddenLayers) +
                     " hidden layers are supported");
  }
  for (std::uint32_t h : hidden_dims) {
    if (h == 0) throw UsageError("network: hidden layer widths must be positive");
  }
  for (const Init* init : {&hidden_init, &output_init}) {
    if (!(init->scale >= 0.0f)) throw UsageError("network: initial scale must be >= 0");
  }
}

std::uint64_t NetworkConfig::parameter_count() const {
  std::uint64_t n = std::uint64_t{input_dim} * hidden_dims[0] + (hidden_bias ? hidden_dims[0] : 0);
  for (std::size_t l = 1; l < hidden_dims.size(); ++l) {
    n += std::uint64_t{hidden_dims[l]} * hidden_dims[l - 1] + (hidden_bias ? hidden_dims[l] : 0);
  }
  n += std::uint64_t{output_dim} * last_hidden_dim() + (output_bias ? output_dim : 0);
  n += std::uint64_t{output_dim} * linear_support;
  return n;
}

ParameterBuffers ParameterBuffers::zeros(const NetworkConfig& c) {
  ParameterBuffers p;
  p.input_weights = DenseMatrix<float>(c.input_dim, c.hidden_dims[0]);
  p.input_bias = DenseMatrix<float>(c.hidden_bias ? 1 : 0, c.hidden_dims[0]);
  for (std::size_t l = 1; l < c.hidden_dims.size(); ++l) {
    p.hidden_weights.emplace_back(c.hidden_dims[l], c.hidden_dims[l - 1]);
    p.hidden_bias.emplace_back(c.hidden_bias ? 1 : 0, c.hidden_dims[l]);
  }
  p.output_weights = DenseMatrix<float>(c.output_dim, c.last_hidden_dim());
  p.output_bias = AlignedBuffer<float>(c.output_bias ? c.output_dim : 0);
  return p;
}

std::uint64_t ParameterBuffers::bytes() const {
  std::uint64_t n = input_weights.storage_size() + input_bias.storage_size() +
                    output_weights.storage_size() + output_bias.size();
  for (const auto& m : hidden_weights) n += m.storage_size();
  for (const auto& m : hidden_bias) n += m.storage_size();
  return n * sizeof(float);
}

Network::Network(NetworkConfig config, bool initialize) : config_(std::move(config)) {
  config_.check();
  params_ = ParameterBuffers::zeros(config_);
  if (config_.linear_support > 0) {
    linear_path_ = LinearPath(config_.input_dim, config_.output_dim, config_.linear_support);
  }
  if (!initialize) return;
  init_rows(params_.input_weights, config_.hidden_init, config_.seed, 0);
  for (std::size_t l = 0; l < params_.hidden_weights.size(); ++l) {
    init_rows(params_.hidden_weights[l], config_.hidden_init, config_.seed, l + 1);
  }
  init_rows(params_.output_weights, config_.output_init, config_.seed, config_.hidden_dims.size());
}

void Network::enable_bf16_output(bool enable) {
  if (!enable) {
    output_bf16_ = DenseMatrix<bf16>();
    return;
  }
  if (output_bf16_.empty()) output_bf16_ = DenseMatrix<bf16>(output_dim(), hidden_dim());
  refresh_bf16_all();
}

void Network::refresh_bf16_row(std::uint32_t row) {
  simd::kernels().f32_to_bf16(params_.output_weights.row(row), output_bf16_.row(row), hidden_dim());
}

void Network::refresh_bf16_rows(std::span<const std::uint32_t> rows) {
  if (output_bf16_.empty()) return;
  for (std::uint32_t r : rows) refresh_bf16_row(r);
}

void Network::refresh_bf16_all() {
  if (output_bf16_.empty()) return;
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, output_dim(), 1024),
                    [&](const tbb::blocked_range<std::uint32_t>& range) {
                      for (std::uint32_t r = range.begin(); r < range.end(); ++r) {
                        refresh_bf16_row(r);
                      }
                    });
}

void Network::forward_hidden(std::span<const std::uint32_t> ids, std::span<const float> values,
                             float* const* z, float* const* a) const {
  const simd::Kernels& k = simd::kernels();
  const std::size_t h0 = config_.hidden_dims[0];
  if (params_.input_bias.rows()) {
    std::memcpy(z[0], params_.input_bias.row(0), h0 * sizeof(float));
  } else {
    std::memset(z[0], 0, h0 * sizeof(float));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    k.axpy(values.empty() ? 1.0f : values[i], params_.input_weights.row(ids[i]), z[0], h0);
  }
  activate(config_.hidden_activation, z[0], a[0], h0);
  for (std::size_t l = 1; l < config_.hidden_dims.size(); ++l) {
    const DenseMatrix<float>& w = params_.hidden_weights[l - 1];
    const std::size_t in = config_.hidden_dims[l - 1];
    for (std::size_t j = 0; j < w.rows(); ++j) {
      const float bias =
          params_.hidden_bias[l - 1].rows() ? params_.hidden_bias[l - 1].row(0)[j] : 0.0f;
      z[l][j] = k.dot(w.row(j), a[l - 1], in) + bias;
    }
    activate(config_.hidden_activation, z[l], a[l], w.rows());
  }
}

std::size_t Network::hidden_scratch_size() const {
  std::size_t widest = 0;
  for (std::uint32_t h : config_.hidden_dims) widest = std::max(widest, padded_stride<float>(h));
  return 3 * widest;
}

void Network::hidden_activation(std::span<const std::uint32_t> ids, std::span<const float> values,
                                float* out, float* scratch) const {
  // Every pre-activation goes to the third region (it is dead once its activation exists);
  // activations alternate between the first two, so a layer never overwrites its own input.
  const std::size_t layers = config_.hidden_dims.size();
  const std::size_t region = hidden_scratch_size() / 3;
  float* z[kMaxHiddenLayers];
  float* a[kMaxHiddenLayers];
  for (std::size_t l = 0; l < layers; ++l) {
    z[l] = scratch + 2 * region;
    a[l] = l + 1 == layers ? out : scratch + (l % 2) * region;
  }
  forward_hidden(ids, values, z, a);
}

}  // namespace slide::nn
