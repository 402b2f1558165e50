#include "slide/xc/memory_estimate.h"

#include <algorithm>
#include <cmath>

#include "slide/core/error.h"
#include "slide/core/system_memory.h"

namespace slide::xc {

double MemoryEstimate::total() const {
  return std::max(network + optimizer + tables + data + working, 2 * data + working);
}

std::string MemoryEstimate::text() const {
  return "about " + format_bytes(total()) + " (network " + format_bytes(network) +
         ", optimizer state " + format_bytes(optimizer) + ", hash tables " + format_bytes(tables) +
         ", data " + format_bytes(data) + ", working memory " + format_bytes(working) + ")";
}

MemoryEstimate estimate_memory(const TrainConfig& config, const DataShape& shape) {
  const nn::NetworkConfig& net = config.network;
  auto padded = [](double width) { return std::ceil(width / 16.0) * 16.0; };
  MemoryEstimate m;
  const double in = net.input_dim, out = net.output_dim;
  double floats = in * padded(net.hidden_dims[0]) + padded(net.hidden_dims[0]);
  for (std::size_t l = 1; l < net.hidden_dims.size(); ++l) {
    floats +=
        double(net.hidden_dims[l]) * padded(net.hidden_dims[l - 1]) + padded(net.hidden_dims[l]);
  }
  const double last = padded(net.last_hidden_dim());
  floats += out * last + out;
  m.network = floats * sizeof(float);
  if (config.trainer.precision == nn::Precision::bf16_weights) m.network += out * last * 2.0;
  // --average-epochs keeps a running mean of the weights.
  if (config.average_epochs > 0) m.network += static_cast<double>(net.parameter_count()) * 4.0;
  // Gradients and two moments; per row a flag byte and (lazy Adam) a 32-bit last step.
  if (config.trainer.optimizer != nn::OptimizerKind::sgd) {
    m.optimizer = 3.0 * floats * sizeof(float) + 5.0 * (in + out);
  }
  if (config.output_mode == OutputMode::lsh) {
    const lsh::LshConfig& tables = config.selector.tables;
    const double l = tables.l;
    const double keys = static_cast<double>(tables.num_keys());
    const bool direct = keys <= std::max(out, 65536.0);
    m.tables = l * out * 4.0                                      // stored ids
               + (direct ? l * (keys + 1) * 4.0 : l * out * 8.0)  // bucket offsets (and keys)
               + l * out * 4.0                                    // the keys of a rehash
               + (direct ? 0.0 : l * out * 4.0);                  // and its sorting scratch
  }
  m.data = static_cast<double>(shape.feature_nnz) * 8.0 +
           static_cast<double>(shape.label_nnz) * 4.0 + static_cast<double>(shape.rows) * 16.0;
  m.working = 32.0 * 1024 * 1024 + config.trainer.threads * (out * 12.0 + 64.0 * 1024);
  // --input-dropout trains each epoch on a thinned copy of the data.
  if (config.input_dropout > 0) m.working += m.data;
  // The linear path: per slot a feature id, a weight, its index entry and (training) AdaGrad's
  // sum; per thread a dense input, the labels' scores and stamps.
  const double slots = out * net.linear_support;
  if (slots > 0) {
    m.network += slots * 12.0;
    m.optimizer += slots * 4.0;
    m.working += config.trainer.threads * (in + 2.0 * out) * 4.0;
  }
  return m;
}

void check_memory(const MemoryEstimate& estimate, std::optional<std::uint64_t> max_memory) {
  if (max_memory && estimate.total() > static_cast<double>(*max_memory)) {
    throw ResourceError("this configuration needs " + estimate.text() +
                        ", more than --max-memory " +
                        format_bytes(static_cast<double>(*max_memory)));
  }
  const std::optional<std::uint64_t> available = available_memory();
  if (available && estimate.total() > static_cast<double>(*available)) {
    throw ResourceError("this configuration needs " + estimate.text() + " but only " +
                        format_bytes(static_cast<double>(*available)) + " of memory is available");
  }
}

}  // namespace slide::xc
