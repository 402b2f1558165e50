// The sparse linear path: its scores against a float64 sum over every slot, its part in the
// training pass (dL/dlogit from logits that include it, AdaGrad's step), and prediction with it
// (exact against brute force, every neuron selected against exact).

#include "slide/nn/linear_path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "slide/core/random.h"
#include "slide/nn/optimizer.h"
#include "slide/nn/predictor.h"
#include "slide/nn/propagation.h"

namespace slide::nn {
namespace {

constexpr std::uint32_t kFeatures = 40, kNeurons = 60, kSupport = 4;

// Random slots (a few left unused) and weights.
void fill_path(LinearPath& path, std::uint64_t seed) {
  Rng rng(seed);
  auto features = path.features();
  auto weights = path.weights();
  for (std::size_t slot = 0; slot < features.size(); ++slot) {
    features[slot] = rng.uniform(5) == 0 ? path.unused_feature()
                                         : static_cast<std::uint32_t>(rng.uniform(kFeatures));
    weights[slot] = static_cast<float>(rng.normal());
  }
  path.build_index();
}

struct RandomRow {
  std::vector<std::uint32_t> ids;
  std::vector<float> values;
  SparseRow row() const { return {ids, values}; }
};

RandomRow random_row(Rng& rng) {
  RandomRow r;
  for (std::uint32_t f = 0; f < kFeatures; ++f) {
    if (rng.uniform(6) == 0) {
      r.ids.push_back(f);
      r.values.push_back(static_cast<float>(rng.uniform_double() + 0.1));
    }
  }
  return r;
}

double reference_score(const LinearPath& path, std::uint32_t neuron, const RandomRow& x) {
  double sum = 0.0;
  for (std::uint32_t s = 0; s < path.support(); ++s) {
    const std::size_t slot = std::size_t{neuron} * path.support() + s;
    for (std::size_t i = 0; i < x.ids.size(); ++i) {
      if (x.ids[i] == path.features()[slot]) sum += double(path.weights()[slot]) * x.values[i];
    }
  }
  return sum;
}

TEST(LinearPath, ScoresEqualAFloat64SumOverEverySlot) {
  LinearPath path(kFeatures, kNeurons, kSupport);
  fill_path(path, 3);
  LinearPathScratch scratch(path);
  Rng rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const RandomRow x = random_row(rng);
    scratch.score_reached(path, x.row());
    scratch.scatter(x.row());
    std::vector<bool> reached(kNeurons, false);
    for (std::uint32_t n : scratch.reached()) {
      ASSERT_FALSE(reached[n]) << "listed twice";
      reached[n] = true;
    }
    for (std::uint32_t n = 0; n < kNeurons; ++n) {
      bool reads_one = false;
      for (std::uint32_t s = 0; s < kSupport; ++s) {
        const std::uint32_t f = path.features()[n * kSupport + s];
        reads_one |= std::find(x.ids.begin(), x.ids.end(), f) != x.ids.end();
      }
      EXPECT_EQ(reached[n], reads_one) << "neuron " << n;
      const double expected = reference_score(path, n, x);
      EXPECT_NEAR(scratch.score_of(n), expected, 1e-5);  // 0 for a neuron not reached
    }
    for (std::size_t i = 0; i < x.ids.size(); ++i)
      ASSERT_EQ(scratch.dense()[x.ids[i]], x.values[i]);
    scratch.unscatter(x.row());
    for (std::uint32_t f = 0; f <= kFeatures; ++f) ASSERT_EQ(scratch.dense()[f], 0.0f);
  }
}

TEST(LinearPath, StrongestAreTheBestPositiveScoresNotSkipped) {
  LinearPath path(kFeatures, kNeurons, kSupport);
  fill_path(path, 5);
  LinearPathScratch scratch(path);
  Rng rng(2);
  const RandomRow x = random_row(rng);
  scratch.score_reached(path, x.row());
  std::vector<std::uint32_t> out{7};
  scratch.append_strongest(
      5, [](std::uint32_t id) { return id % 2 == 1; }, out);
  std::vector<std::uint32_t> expected;
  for (std::uint32_t n : scratch.reached()) {
    if (n % 2 == 0 && scratch.score_of(n) > 0.0f) expected.push_back(n);
  }
  std::sort(expected.begin(), expected.end(), [&](std::uint32_t a, std::uint32_t b) {
    return scratch.score_of(a) > scratch.score_of(b) ||
           (scratch.score_of(a) == scratch.score_of(b) && a < b);
  });
  expected.resize(std::min<std::size_t>(5, expected.size()));
  expected.insert(expected.begin(), 7u);
  EXPECT_EQ(out, expected);
}

NetworkConfig path_network(std::uint32_t support) {
  NetworkConfig c;
  c.input_dim = kFeatures;
  c.hidden_dims = {8};
  c.output_dim = kNeurons;
  c.hidden_init = {Init::Kind::normal, 0.3f};
  c.output_init = {Init::Kind::normal, 0.3f};
  c.seed = 6;
  c.linear_support = support;
  return c;
}

// The float64 logits of the active neurons: the hidden part from the network's own hidden
// activation, plus bias, plus the path.
std::vector<double> reference_logits(const Network& net, const RandomRow& x,
                                     const std::vector<std::uint32_t>& active) {
  AlignedBuffer<float> h(64), scratch(net.hidden_scratch_size());
  net.hidden_activation(x.ids, x.values, h.data(), scratch.data());
  std::vector<double> logits;
  for (std::uint32_t j : active) {
    double z = net.output_bias().empty() ? 0.0 : net.output_bias()[j];
    for (std::size_t i = 0; i < net.hidden_dim(); ++i)
      z += double(net.output_weights().row(j)[i]) * h[i];
    logits.push_back(z + reference_score(net.linear_path(), j, x));
  }
  return logits;
}

TEST(LinearPath, TrainingGradientUsesLogitsWithThePathAndAdagradSteps) {
  for (bool sampled : {false, true}) {
    Network net(path_network(kSupport));
    fill_path(net.linear_path(), 8);
    net.linear_path().enable_training();
    ExactSelector exact(kNeurons);
    UniformSelector uniform(kNeurons, 12);
    const NeuronSelector& selector = sampled ? static_cast<const NeuronSelector&>(uniform) : exact;
    AdamState state(net.config(), {});
    Workspace ws(net, selector);
    GradientSink sink;
    sink.gradients = &state.gradients();
    sink.linear_rate = 0.0f;  // first pass: read dL/dlogit, change nothing
    sink.linear_shortlist = 6;
    Rng data_rng(4);
    const RandomRow x = random_row(data_rng);
    const std::vector<std::uint32_t> labels{5, 17};
    Rng r1(1);
    train_example(net, x.row(), labels, selector, LossKind::softmax_cross_entropy, Precision::f32,
                  r1, ws, sink);
    const std::vector<std::uint32_t> active = ws.active;
    const std::vector<float> grad = ws.grad;
    // dL/dlogit of the softmax over the active set, from float64 logits that include the path.
    const std::vector<double> logits = reference_logits(net, x, active);
    const double top = *std::max_element(logits.begin(), logits.end());
    double total = 0.0;
    for (double z : logits) total += std::exp(z - top);
    for (std::size_t j = 0; j < active.size(); ++j) {
      const double target = j < labels.size() ? 0.5 : 0.0;
      EXPECT_NEAR(grad[j], std::exp(logits[j] - top) / total - target, 2e-5)
          << "neuron " << active[j];
    }
    // Second pass with a rate: each slot whose feature the input carries steps by
    // -rate * gx / sqrt(G + eps), G holding (gx)^2 from each pass; the others stay.
    const std::vector<float> before(net.linear_path().weights().begin(),
                                    net.linear_path().weights().end());
    sink.linear_rate = 0.01f;
    Rng r2(1);
    train_example(net, x.row(), labels, selector, LossKind::softmax_cross_entropy, Precision::f32,
                  r2, ws, sink);
    ASSERT_EQ(ws.active, active);
    std::vector<double> expected(before.begin(), before.end());
    for (std::size_t j = 0; j < active.size(); ++j) {
      for (std::uint32_t s = 0; s < kSupport; ++s) {
        const std::size_t slot = std::size_t{active[j]} * kSupport + s;
        const auto at = std::find(x.ids.begin(), x.ids.end(), net.linear_path().features()[slot]);
        if (at == x.ids.end() || grad[j] == 0.0f) continue;
        const double g = double(grad[j]) * x.values[at - x.ids.begin()];
        expected[slot] -= 0.01 * g / std::sqrt(2 * g * g + 1e-8);
      }
    }
    for (std::size_t slot = 0; slot < before.size(); ++slot) {
      ASSERT_NEAR(net.linear_path().weights()[slot], expected[slot], 1e-6) << "slot " << slot;
    }
  }
}

TEST(LinearPath, ShortlistAddsTheStrongestReachedNeuronsToASampledActiveSet) {
  Network net(path_network(kSupport));
  fill_path(net.linear_path(), 9);
  net.linear_path().enable_training();
  UniformSelector uniform(kNeurons, 5);
  Workspace ws(net, uniform);
  GradientSink sink;
  sink.learning_rate = 0.0f;  // SGD at rate 0: nothing changes
  sink.linear_rate = 0.0f;
  sink.linear_shortlist = 4;
  Rng data_rng(7);
  const RandomRow x = random_row(data_rng);
  const std::vector<std::uint32_t> labels{3};
  Rng rng(2);
  train_example(net, x.row(), labels, uniform, LossKind::softmax_cross_entropy, Precision::f32, rng,
                ws, sink);
  const std::vector<std::uint32_t> active = ws.active;
  ASSERT_GE(active.size(), 1u);
  EXPECT_EQ(active[0], 3u);
  // Every neuron the path scores above the weakest one it added is in the active set.
  LinearPathScratch scratch(net.linear_path());
  scratch.score_reached(net.linear_path(), x.row());
  std::vector<std::uint32_t> best;
  scratch.append_strongest(
      4, [&](std::uint32_t) { return false; }, best);
  for (std::uint32_t id : best) {
    EXPECT_NE(std::find(active.begin(), active.end(), id), active.end()) << "neuron " << id;
  }
  EXPECT_LE(active.size(), 1u + 5u + 4u);
  std::vector<std::uint32_t> sorted = active;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "duplicates";
}

TEST(LinearPath, ExactPredictionAddsThePathAndSelectingEveryNeuronEqualsIt) {
  Network net(path_network(kSupport));
  fill_path(net.linear_path(), 12);
  CsrMatrix rows(kFeatures);
  std::vector<RandomRow> kept;
  Rng rng(5);
  for (int i = 0; i < 40; ++i) {
    kept.push_back(random_row(rng));
    rows.append_row(kept.back().ids, kept.back().values);
  }
  PredictorConfig pc;
  pc.top_k = 4;
  pc.example_block = 7;  // several example blocks with a tail
  pc.output_block = 16;  // several output blocks with a tail
  pc.linear_shortlist = kNeurons;
  const Predictor predictor(net, pc);
  const TopK exact = predictor.predict_exact(rows);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    std::vector<std::uint32_t> all(kNeurons);
    std::iota(all.begin(), all.end(), 0u);
    const std::vector<double> logits = reference_logits(net, kept[i], all);
    std::stable_sort(all.begin(), all.end(), [&](auto a, auto b) { return logits[a] > logits[b]; });
    for (std::size_t r = 0; r < 4; ++r) {
      EXPECT_NEAR(exact.row_scores(i)[r], logits[all[r]], 1e-4) << "row " << i;
    }
  }
  ExactSelector every(kNeurons);
  const TopK selected = predictor.predict_selected(rows, every);
  EXPECT_EQ(exact.ids, selected.ids);
}

}  // namespace
}  // namespace slide::nn
