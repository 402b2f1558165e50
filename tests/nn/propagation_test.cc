// Finite-difference gradient checks of the training pass against an independent float64
// reference, for every loss, activation, depth and output mode; SGD applies exactly -lr times
// the same gradient; exact mode equals sampled mode with every neuron active.
//
// Tolerance: the analytic gradient is computed in float32 with values of order 1, so each entry
// is accurate to about 1e-6 relative; the float64 central difference with h = 1e-6 is accurate
// to about 1e-9. We accept |analytic - fd| <= 2e-5 + 1e-3 |fd|.

#include "slide/nn/propagation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "slide/core/error.h"
#include "slide/nn/optimizer.h"

namespace slide::nn {
namespace {

// A float64 copy of a network's parameters: the reference forward and loss.
struct Reference {
  NetworkConfig config;
  std::vector<std::vector<double>> tensors;  // in the order of Params below
  // Tensor ids.
  enum { kW0, kB0, kOut, kOutB, kHidden };

  explicit Reference(const Network& net) : config(net.config()) {
    const ParameterBuffers& p = net.parameters();
    tensors.push_back(copy(p.input_weights));
    tensors.push_back(copy(p.input_bias));
    tensors.push_back(copy(p.output_weights));
    tensors.push_back(std::vector<double>(p.output_bias.begin(), p.output_bias.end()));
    for (std::size_t l = 0; l < p.hidden_weights.size(); ++l) {
      tensors.push_back(copy(p.hidden_weights[l]));
      tensors.push_back(copy(p.hidden_bias[l]));
    }
  }
  static std::vector<double> copy(const DenseMatrix<float>& m) {
    std::vector<double> out;
    for (std::size_t r = 0; r < m.rows(); ++r)
      for (std::size_t c = 0; c < m.cols(); ++c) out.push_back(m.row(r)[c]);
    return out;
  }
  double act(double x) const {
    return config.hidden_activation == Activation::relu ? std::max(x, 0.0) : x;
  }

  double loss(const SparseRow& x, const std::vector<std::uint32_t>& active, std::size_t positives,
              LossKind kind) const {
    const auto& dims = config.hidden_dims;
    std::vector<double> a(dims[0], 0.0);
    for (std::size_t j = 0; j < dims[0]; ++j) {
      double s = tensors[kB0].empty() ? 0.0 : tensors[kB0][j];
      for (std::size_t i = 0; i < x.size(); ++i)
        s += x.value(i) * tensors[kW0][x.ids[i] * dims[0] + j];
      a[j] = act(s);
    }
    for (std::size_t l = 1; l < dims.size(); ++l) {
      const auto& w = tensors[kHidden + 2 * (l - 1)];
      const auto& b = tensors[kHidden + 2 * (l - 1) + 1];
      std::vector<double> next(dims[l]);
      for (std::size_t j = 0; j < dims[l]; ++j) {
        double s = b.empty() ? 0.0 : b[j];
        for (std::size_t i = 0; i < dims[l - 1]; ++i) s += w[j * dims[l - 1] + i] * a[i];
        next[j] = act(s);
      }
      a = next;
    }
    const std::size_t hidden = dims.back();
    std::vector<double> logits;
    for (std::uint32_t id : active) {
      double s = tensors[kOutB].empty() ? 0.0 : tensors[kOutB][id];
      for (std::size_t i = 0; i < hidden; ++i) s += tensors[kOut][id * hidden + i] * a[i];
      logits.push_back(s);
    }
    double loss = 0;
    if (kind == LossKind::softmax_cross_entropy) {
      double m = logits[0];
      for (double z : logits) m = std::max(m, z);
      double sum = 0;
      for (double z : logits) sum += std::exp(z - m);
      for (std::size_t j = 0; j < positives; ++j)
        loss -= (logits[j] - m - std::log(sum)) / positives;
    } else {
      for (std::size_t j = 0; j < logits.size(); ++j) {
        const double z = j < positives ? logits[j] : -logits[j];
        loss += std::log1p(std::exp(-z));
      }
    }
    return loss;
  }
};

std::vector<const float*> gradient_views(const ParameterBuffers& g, std::vector<std::size_t>& cols,
                                         std::vector<std::size_t>& strides) {
  std::vector<const float*> v{g.input_weights.data(), g.input_bias.data(), g.output_weights.data(),
                              g.output_bias.data()};
  cols = {g.input_weights.cols(), g.input_bias.cols(), g.output_weights.cols(), 1};
  strides = {g.input_weights.stride(), g.input_bias.stride(), g.output_weights.stride(), 1};
  for (std::size_t l = 0; l < g.hidden_weights.size(); ++l) {
    v.push_back(g.hidden_weights[l].data());
    v.push_back(g.hidden_bias[l].data());
    cols.push_back(g.hidden_weights[l].cols());
    cols.push_back(g.hidden_bias[l].cols());
    strides.push_back(g.hidden_weights[l].stride());
    strides.push_back(g.hidden_bias[l].stride());
  }
  return v;
}

struct GradientCase {
  LossKind loss;
  Activation activation;
  std::vector<std::uint32_t> hidden;
  bool bias;
  bool sampled;
};

class GradientCheck : public ::testing::TestWithParam<GradientCase> {};

NetworkConfig tiny_config(const GradientCase& c) {
  NetworkConfig config;
  config.input_dim = 9;
  config.hidden_dims = c.hidden;
  config.output_dim = 7;
  config.hidden_activation = c.activation;
  config.hidden_bias = c.bias;
  config.output_bias = c.bias;
  config.hidden_init = {Init::Kind::normal, 0.6f};
  config.output_init = {Init::Kind::normal, 0.6f};
  config.seed = 11;
  return config;
}

void randomize_biases(Network& net) {
  Rng rng(3);
  ParameterBuffers& p = net.parameters();
  for (std::size_t j = 0; j < p.input_bias.cols() && p.input_bias.rows(); ++j)
    p.input_bias.row(0)[j] = static_cast<float>(0.3 * rng.normal());
  for (auto& b : p.output_bias) b = static_cast<float>(0.3 * rng.normal());
  for (auto& hb : p.hidden_bias)
    for (std::size_t j = 0; j < hb.cols() && hb.rows(); ++j)
      hb.row(0)[j] = static_cast<float>(0.3 * rng.normal());
}

TEST_P(GradientCheck, MatchesFiniteDifferencesOfFloat64Reference) {
  const GradientCase c = GetParam();
  Network net(tiny_config(c));
  randomize_biases(net);
  ExactSelector exact(7);
  UniformSelector uniform(7, 4);
  const NeuronSelector& selector = c.sampled ? static_cast<const NeuronSelector&>(uniform) : exact;
  AdamState state(net.config(), {});
  Workspace ws(net, selector);
  const std::vector<std::uint32_t> ids{1, 4, 8};
  const std::vector<float> values{0.7f, -1.3f, 0.4f};
  const std::vector<std::uint32_t> labels{5, 2};
  SparseRow x{ids, values};
  GradientSink sink;
  sink.gradients = &state.gradients();
  Rng rng(1);
  const ExampleResult r =
      train_example(net, x, labels, selector, c.loss, Precision::f32, rng, ws, sink);
  ASSERT_EQ(r.positives, 2u);
  ASSERT_EQ(r.active, c.sampled ? 4u : 7u);
  EXPECT_EQ(ws.active[0], 5u);
  EXPECT_EQ(ws.active[1], 2u);

  Reference ref(net);
  const std::vector<std::uint32_t> active = ws.active;
  const double loss0 = ref.loss(x, active, r.positives, c.loss);
  EXPECT_NEAR(r.loss, loss0, 1e-5 * std::max(1.0, std::fabs(loss0)));

  std::vector<std::size_t> cols, strides;
  const auto grads = gradient_views(state.gradients(), cols, strides);
  ASSERT_EQ(grads.size(), ref.tensors.size());
  const double h = 1e-6;
  std::size_t checked = 0, nonzero = 0;
  for (std::size_t t = 0; t < ref.tensors.size(); ++t) {
    for (std::size_t e = 0; e < ref.tensors[t].size(); ++e) {
      const double saved = ref.tensors[t][e];
      ref.tensors[t][e] = saved + h;
      const double up = ref.loss(x, active, r.positives, c.loss);
      ref.tensors[t][e] = saved - h;
      const double down = ref.loss(x, active, r.positives, c.loss);
      ref.tensors[t][e] = saved;
      const double fd = (up - down) / (2 * h);
      const double analytic = grads[t][(e / cols[t]) * strides[t] + e % cols[t]];
      ASSERT_NEAR(analytic, fd, 2e-5 + 1e-3 * std::fabs(fd)) << "tensor " << t << " element " << e;
      ++checked;
      nonzero += std::fabs(fd) > 1e-6;
    }
  }
  EXPECT_GT(checked, 50u);
  EXPECT_GT(nonzero, checked / 4);  // the check exercised real gradients
}

INSTANTIATE_TEST_SUITE_P(
    AllModes, GradientCheck,
    ::testing::Values(
        GradientCase{LossKind::softmax_cross_entropy, Activation::relu, {6}, true, false},
        GradientCase{LossKind::softmax_cross_entropy, Activation::relu, {6}, true, true},
        GradientCase{LossKind::softmax_cross_entropy, Activation::relu, {6, 5}, true, false},
        GradientCase{LossKind::softmax_cross_entropy, Activation::identity, {6, 5}, false, true},
        GradientCase{LossKind::binary_logistic, Activation::relu, {6}, true, false},
        GradientCase{LossKind::binary_logistic, Activation::relu, {6, 5}, true, true},
        GradientCase{LossKind::binary_logistic, Activation::identity, {6}, false, true}));

TEST(Propagation, SgdAppliesMinusRateTimesTheGradient) {
  for (bool sampled : {false, true}) {
    const GradientCase c{LossKind::softmax_cross_entropy, Activation::relu, {6, 5}, true, sampled};
    Network with_adam(tiny_config(c)), with_sgd(tiny_config(c));
    ExactSelector exact(7);
    UniformSelector uniform(7, 4);
    const NeuronSelector& selector = sampled ? static_cast<const NeuronSelector&>(uniform) : exact;
    const std::vector<std::uint32_t> ids{0, 3};
    const std::vector<std::uint32_t> labels{6};
    SparseRow x{ids, {}};
    AdamState state(with_adam.config(), {});
    Workspace ws1(with_adam, selector), ws2(with_sgd, selector);
    GradientSink adam_sink;
    adam_sink.gradients = &state.gradients();
    GradientSink sgd_sink;
    sgd_sink.learning_rate = 0.01f;
    Rng r1(5), r2(5);
    train_example(with_adam, x, labels, selector, c.loss, Precision::f32, r1, ws1, adam_sink);
    train_example(with_sgd, x, labels, selector, c.loss, Precision::f32, r2, ws2, sgd_sink);
    const auto& before = with_adam.parameters();  // unchanged by the Adam-sink pass
    const auto& after = with_sgd.parameters();
    const auto& g = state.gradients();
    auto check = [](const DenseMatrix<float>& b, const DenseMatrix<float>& a,
                    const DenseMatrix<float>& gm) {
      for (std::size_t r = 0; r < b.rows(); ++r)
        for (std::size_t k = 0; k < b.cols(); ++k)
          ASSERT_NEAR(a.row(r)[k], b.row(r)[k] - 0.01f * gm.row(r)[k], 1e-6f);
    };
    check(before.input_weights, after.input_weights, g.input_weights);
    check(before.input_bias, after.input_bias, g.input_bias);
    check(before.output_weights, after.output_weights, g.output_weights);
    check(before.hidden_weights[0], after.hidden_weights[0], g.hidden_weights[0]);
    for (std::size_t j = 0; j < 7; ++j)
      EXPECT_NEAR(after.output_bias[j], before.output_bias[j] - 0.01f * g.output_bias[j], 1e-6f);
  }
}

TEST(Propagation, SampledWithEveryNeuronActiveEqualsExact) {
  for (LossKind loss : {LossKind::softmax_cross_entropy, LossKind::binary_logistic}) {
    const GradientCase c{loss, Activation::relu, {6}, true, false};
    Network a(tiny_config(c)), b(tiny_config(c));
    ExactSelector exact(7);
    UniformSelector all(7, 7);
    AdamState sa(a.config(), {}), sb(b.config(), {});
    Workspace wa(a, exact), wb(b, all);
    const std::vector<std::uint32_t> ids{2, 5, 7};
    const std::vector<std::uint32_t> labels{3, 0};
    GradientSink ka, kb;
    ka.gradients = &sa.gradients();
    kb.gradients = &sb.gradients();
    Rng ra(9), rb(9);
    const auto r1 = train_example(a, {ids, {}}, labels, exact, loss, Precision::f32, ra, wa, ka);
    const auto r2 = train_example(b, {ids, {}}, labels, all, loss, Precision::f32, rb, wb, kb);
    EXPECT_EQ(r1.loss, r2.loss);
    EXPECT_EQ(r1.active, r2.active);
    const auto& ga = sa.gradients();
    const auto& gb = sb.gradients();
    for (std::size_t i = 0; i < ga.output_weights.storage_size(); ++i)
      ASSERT_EQ(ga.output_weights.data()[i], gb.output_weights.data()[i]);
    for (std::size_t i = 0; i < ga.input_weights.storage_size(); ++i)
      ASSERT_EQ(ga.input_weights.data()[i], gb.input_weights.data()[i]);
  }
}

TEST(Propagation, FusedSoftmaxPassMatchesTwoPasses) {
  // The one-pass output forward + softmax backward (online softmax in chunks of kFusedChunk rows,
  // rescaled when the running maximum grows) against the two-pass version: same loss and logits,
  // gradients equal to float rounding. 70 outputs: several chunks and a partial one; large
  // output weights so that the maximum moves between chunks.
  const GradientCase c{LossKind::softmax_cross_entropy, Activation::relu, {6}, true, false};
  NetworkConfig config = tiny_config(c);
  config.output_dim = 70;
  config.output_init = {Init::Kind::normal, 2.0f};
  for (Precision precision : {Precision::f32, Precision::bf16_weights}) {
    Network a(config), b(config);
    if (precision == Precision::bf16_weights) {
      a.enable_bf16_output(true);
      b.enable_bf16_output(true);
    }
    ExactSelector exact(70);
    AdamState sa(a.config(), {}), sb(b.config(), {});
    Workspace wa(a, exact), wb(b, exact);
    const std::vector<std::uint32_t> ids{1, 4, 8};
    const std::vector<float> values{0.7f, -1.3f, 0.4f};
    const std::vector<std::uint32_t> labels{65, 2, 33};
    GradientSink ka, kb;
    ka.gradients = &sa.gradients();
    kb.gradients = &sb.gradients();
    kb.fuse_softmax = false;
    Rng ra(9), rb(9);
    const auto r1 = train_example(a, {ids, values}, labels, exact, c.loss, precision, ra, wa, ka);
    const auto r2 = train_example(b, {ids, values}, labels, exact, c.loss, precision, rb, wb, kb);
    EXPECT_NEAR(r1.loss, r2.loss, 1e-5 * std::max(1.0f, std::fabs(r2.loss)));
    for (std::size_t j = 0; j < 70; ++j) ASSERT_NEAR(wa.logits[j], wb.logits[j], 1e-5);
    // bf16 weights: the fused pass takes dL/dh from the bf16 rows it read (the gradient of the
    // bf16 forward), the two-pass version from the float32 master rows.
    const double tolerance = precision == Precision::f32 ? 1e-5 : 2e-2;
    auto close = [&](const DenseMatrix<float>& x, const DenseMatrix<float>& y) {
      double scale = 0;
      for (std::size_t i = 0; i < y.storage_size(); ++i)
        scale = std::max(scale, double(std::fabs(y.data()[i])));
      ASSERT_GT(scale, 0.0);
      for (std::size_t i = 0; i < x.storage_size(); ++i)
        ASSERT_NEAR(x.data()[i], y.data()[i], tolerance * scale) << i;
    };
    close(sa.gradients().output_weights, sb.gradients().output_weights);
    close(sa.gradients().input_weights, sb.gradients().input_weights);
  }
}

TEST(Propagation, RejectsLabelsOutsideTheOutputLayer) {
  const GradientCase c{LossKind::softmax_cross_entropy, Activation::relu, {6}, true, false};
  Network net(tiny_config(c));
  ExactSelector exact(7);
  Workspace ws(net, exact);
  AdamState state(net.config(), {});
  GradientSink sink;
  sink.gradients = &state.gradients();
  const std::vector<std::uint32_t> ids{1};
  const std::vector<std::uint32_t> labels{7};
  Rng rng(0);
  EXPECT_THROW(train_example(net, {ids, {}}, labels, exact, c.loss, Precision::f32, rng, ws, sink),
               UsageError);
}

}  // namespace
}  // namespace slide::nn
