#include "slide/nn/optimizer.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "slide/simd/dispatch.h"

namespace slide::nn {
namespace {

// Adam on one row of a matrix, then the row's gradient is zeroed.
inline void step_row(const simd::Kernels& k, DenseMatrix<float>& w, DenseMatrix<float>& m,
                     DenseMatrix<float>& v, DenseMatrix<float>& g, std::size_t r,
                     const simd::AdamParams& p) {
  k.adam_step(w.row(r), m.row(r), v.row(r), g.row(r), w.cols(), p);
  std::memset(g.row(r), 0, w.cols() * sizeof(float));
}

inline void step_scalar(const simd::Kernels& k, float* w, float* m, float* v, float* g,
                        const simd::AdamParams& p) {
  k.adam_step(w, m, v, g, 1, p);
  *g = 0.0f;
}

void step_all_rows(const simd::Kernels& k, DenseMatrix<float>& w, DenseMatrix<float>& m,
                   DenseMatrix<float>& v, DenseMatrix<float>& g, const simd::AdamParams& p) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, w.rows(), 256),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t r = range.begin(); r < range.end(); ++r) {
                        step_row(k, w, m, v, g, r, p);
                      }
                    });
}

// The momentum-only steps a row skipped since its last step (see optimizer.h), then nothing else:
// the caller takes the row's regular step next.
inline void catch_up_row(const simd::Kernels& k, float* w, float* m, float* v, std::size_t n,
                         const CatchUpFactors& f, const simd::AdamParams& p, const float* zeros) {
  // With b1 = b2 = 1 and a zero gradient the kernel's step is w -= lr m / (sqrt(v) + eps): the
  // moves at this row's current moments, each kernel already tested against float64.
  const simd::AdamParams drift{p.learning_rate * f.moves, 1.0f, 1.0f, p.epsilon};
  k.adam_step(w, m, v, zeros, n, drift);
  k.scale(f.decay1, m, n);
  k.scale(f.decay2, v, n);
}

constexpr std::size_t kAdamPrefetch = 2;

inline void prefetch_row_for_write(const float* row, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) __builtin_prefetch(row + i, 1, 3);
}

}  // namespace

AdamState::AdamState(const NetworkConfig& config, AdamConfig adam)
    : adam_(adam),
      grad_(ParameterBuffers::zeros(config)),
      m_(ParameterBuffers::zeros(config)),
      v_(ParameterBuffers::zeros(config)),
      input_flags_(config.input_dim),
      output_flags_(config.output_dim),
      input_last_(config.input_dim),
      output_last_(config.output_dim),
      zero_gradient_(
          padded_stride<float>(std::max(config.last_hidden_dim(), config.hidden_dims[0]))),
      row_gradient_([n = padded_stride<float>(config.last_hidden_dim())] {
        return AlignedBuffer<float>(n);
      }) {
  // Three pow() per caught-up row would cost about as much as its step: gaps up to the table's
  // size (most of them) are looked up.
  catch_up_table_.resize(kCatchUpTableSize);
  for (std::size_t k = 0; k < kCatchUpTableSize; ++k)
    catch_up_table_[k] = catch_up_factors(adam_, k);
}

CatchUpFactors catch_up_factors(const AdamConfig& adam, std::uint64_t skipped) {
  const double b1 = adam.beta1, b2 = adam.beta2;
  const double r = b1 / std::sqrt(b2);
  const double kd = static_cast<double>(skipped);
  // sum_{i=1..k} r^i; r < 1 for every usable (b1, b2) (b1 < sqrt(b2)), else the plain sum.
  const double moves = r < 1.0 ? r * (1.0 - std::pow(r, kd)) / (1.0 - r) : kd;
  return {static_cast<float>(moves), static_cast<float>(std::pow(b1, kd)),
          static_cast<float>(std::pow(b2, kd))};
}

CatchUpFactors AdamState::factors(std::uint64_t skipped) const {
  return skipped < catch_up_table_.size() ? catch_up_table_[skipped]
                                          : catch_up_factors(adam_, skipped);
}

std::uint64_t AdamState::skipped_steps(std::uint32_t last, std::uint64_t t) const {
  if (!adam_.catch_up || last == 0 || t <= std::uint64_t{last} + 1) return 0;
  return t - 1 - last;
}

void AdamState::set_all_last_steps(std::uint64_t t) {
  const auto step = static_cast<std::uint32_t>(t);
  std::fill(input_last_.data(), input_last_.data() + input_last_.size(), step);
  std::fill(output_last_.data(), output_last_.data() + output_last_.size(), step);
}

void AdamState::catch_up_output_row(const simd::Kernels& k, ParameterBuffers& w, std::uint32_t r,
                                    std::uint64_t t, const simd::AdamParams& p) {
  if (const std::uint64_t skipped = skipped_steps(output_last_[r], t)) {
    const CatchUpFactors f = factors(skipped);
    const float* zeros = zero_gradient_.data();
    catch_up_row(k, w.output_weights.row(r), m_.output_weights.row(r), v_.output_weights.row(r),
                 w.output_weights.cols(), f, p, zeros);
    if (!w.output_bias.empty()) {
      catch_up_row(k, &w.output_bias[r], &m_.output_bias[r], &v_.output_bias[r], 1, f, p, zeros);
    }
  }
  output_last_[r] = static_cast<std::uint32_t>(t);
}

float AdamState::corrected_rate(float learning_rate, std::uint64_t t) const {
  const double td = static_cast<double>(t);
  const double c1 = 1.0 - std::pow(static_cast<double>(adam_.beta1), td);
  const double c2 = 1.0 - std::pow(static_cast<double>(adam_.beta2), td);
  return static_cast<float>(learning_rate * std::sqrt(c2) / c1);
}

void AdamState::step_lazy(Network& network, std::span<const std::uint32_t> input_rows,
                          std::span<const std::uint32_t> output_rows, float learning_rate,
                          std::uint64_t t, const GroupedOutputGradient* deferred) {
  const simd::Kernels& k = simd::kernels();
  const simd::AdamParams p{corrected_rate(learning_rate, t), adam_.beta1, adam_.beta2,
                           adam_.epsilon};
  ParameterBuffers& w = network.parameters();
  const bool refresh = network.has_bf16_output();
  const float* zeros = zero_gradient_.data();
  if (deferred != nullptr) {
    step_output_rows_deferred(k, network, output_rows, *deferred, p, t);
  } else {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, output_rows.size(), 64),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t i = range.begin(); i < range.end(); ++i) {
                          const std::uint32_t r = output_rows[i];
                          catch_up_output_row(k, w, r, t, p);
                          step_row(k, w.output_weights, m_.output_weights, v_.output_weights,
                                   grad_.output_weights, r, p);
                          if (!w.output_bias.empty()) {
                            step_scalar(k, &w.output_bias[r], &m_.output_bias[r],
                                        &v_.output_bias[r], &grad_.output_bias[r], p);
                          }
                          if (refresh) network.refresh_bf16_row(r);
                          output_flags_[r] = 0;
                        }
                      });
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, input_rows.size(), 64),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i < range.end(); ++i) {
                        const std::uint32_t r = input_rows[i];
                        if (const std::uint64_t skipped = skipped_steps(input_last_[r], t)) {
                          catch_up_row(k, w.input_weights.row(r), m_.input_weights.row(r),
                                       v_.input_weights.row(r), w.input_weights.cols(),
                                       factors(skipped), p, zeros);
                        }
                        input_last_[r] = static_cast<std::uint32_t>(t);
                        step_row(k, w.input_weights, m_.input_weights, v_.input_weights,
                                 grad_.input_weights, r, p);
                        input_flags_[r] = 0;
                      }
                    });
  // The small dense parameters: every step.
  if (w.input_bias.rows())
    step_row(k, w.input_bias, m_.input_bias, v_.input_bias, grad_.input_bias, 0, p);
  for (std::size_t l = 0; l < w.hidden_weights.size(); ++l) {
    step_all_rows(k, w.hidden_weights[l], m_.hidden_weights[l], v_.hidden_weights[l],
                  grad_.hidden_weights[l], p);
    if (w.hidden_bias[l].rows()) {
      step_row(k, w.hidden_bias[l], m_.hidden_bias[l], v_.hidden_bias[l], grad_.hidden_bias[l], 0,
               p);
    }
  }
}

void AdamState::step_output_rows_deferred(const simd::Kernels& k, Network& network,
                                          std::span<const std::uint32_t> output_rows,
                                          const GroupedOutputGradient& d, const simd::AdamParams& p,
                                          std::uint64_t t) {
  ParameterBuffers& w = network.parameters();
  const bool refresh = network.has_bf16_output();
  const bool has_bias = !w.output_bias.empty();
  const std::size_t cols = w.output_weights.cols();
  DenseMatrix<float>& ow = w.output_weights;
  DenseMatrix<float>& om = m_.output_weights;
  DenseMatrix<float>& ov = v_.output_weights;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, output_rows.size(), 256),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      float* g = row_gradient_.local().data();
                      for (std::size_t i = range.begin(); i < range.end(); ++i) {
                        // The rows come in increasing order; fetch the three rows of a later one
                        // meanwhile.
                        if (i + kAdamPrefetch < range.end()) {
                          const std::uint32_t ahead = output_rows[i + kAdamPrefetch];
                          prefetch_row_for_write(ow.row(ahead), cols);
                          prefetch_row_for_write(om.row(ahead), cols);
                          prefetch_row_for_write(ov.row(ahead), cols);
                        }
                        const std::uint32_t r = output_rows[i];
                        // Summed in entry order from zero, with the kernels the direct buffer uses:
                        // the same float operations in the same order as accumulating into a zeroed
                        // gradient row.
                        std::memset(g, 0, cols * sizeof(float));
                        float bias_gradient = 0.0f;
                        for (std::uint32_t e = d.offsets[i]; e < d.offsets[i + 1]; ++e) {
                          k.axpy(d.coef[e], d.hidden + std::size_t{d.slot[e]} * d.hidden_stride, g,
                                 cols);
                          bias_gradient += d.coef[e];
                        }
                        catch_up_output_row(k, w, r, t, p);
                        k.adam_step(ow.row(r), om.row(r), ov.row(r), g, cols, p);
                        if (has_bias) {
                          k.adam_step(&w.output_bias[r], &m_.output_bias[r], &v_.output_bias[r],
                                      &bias_gradient, 1, p);
                        }
                        if (refresh) network.refresh_bf16_row(r);
                        output_flags_[r] = 0;
                      }
                    });
}

void AdamState::step_dense(Network& network, float learning_rate, std::uint64_t t) {
  const simd::Kernels& k = simd::kernels();
  const simd::AdamParams p{corrected_rate(learning_rate, t), adam_.beta1, adam_.beta2,
                           adam_.epsilon};
  ParameterBuffers& w = network.parameters();
  step_all_rows(k, w.output_weights, m_.output_weights, v_.output_weights, grad_.output_weights, p);
  if (!w.output_bias.empty()) {
    // Same per-element arithmetic as the lazy path, so both agree bit for bit.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, w.output_bias.size(), 4096),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t r = range.begin(); r < range.end(); ++r) {
                          step_scalar(k, &w.output_bias[r], &m_.output_bias[r], &v_.output_bias[r],
                                      &grad_.output_bias[r], p);
                        }
                      });
  }
  step_all_rows(k, w.input_weights, m_.input_weights, v_.input_weights, grad_.input_weights, p);
  if (w.input_bias.rows())
    step_row(k, w.input_bias, m_.input_bias, v_.input_bias, grad_.input_bias, 0, p);
  for (std::size_t l = 0; l < w.hidden_weights.size(); ++l) {
    step_all_rows(k, w.hidden_weights[l], m_.hidden_weights[l], v_.hidden_weights[l],
                  grad_.hidden_weights[l], p);
    if (w.hidden_bias[l].rows()) {
      step_row(k, w.hidden_bias[l], m_.hidden_bias[l], v_.hidden_bias[l], grad_.hidden_bias[l], 0,
               p);
    }
  }
  network.refresh_bf16_all();
}

}  // namespace slide::nn
