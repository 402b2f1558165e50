#include "slide/nn/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "planted_problem.h"
#include "slide/core/error.h"
#include "slide/nn/lsh_selector.h"

namespace slide::nn {
namespace {

bool same_bits(const DenseMatrix<float>& a, const DenseMatrix<float>& b) {
  return a.storage_size() == b.storage_size() &&
         std::memcmp(a.data(), b.data(), a.storage_size() * sizeof(float)) == 0;
}

bool same_parameters(const Network& x, const Network& y) {
  const ParameterBuffers& a = x.parameters();
  const ParameterBuffers& b = y.parameters();
  bool same = same_bits(a.input_weights, b.input_weights) &&
              same_bits(a.input_bias, b.input_bias) &&
              same_bits(a.output_weights, b.output_weights) &&
              a.output_bias.size() == b.output_bias.size() &&
              std::memcmp(a.output_bias.data(), b.output_bias.data(),
                          a.output_bias.size() * sizeof(float)) == 0;
  for (std::size_t l = 0; l < a.hidden_weights.size(); ++l) {
    same = same && same_bits(a.hidden_weights[l], b.hidden_weights[l]) &&
           same_bits(a.hidden_bias[l], b.hidden_bias[l]);
  }
  return same;
}

NetworkConfig small_config(std::uint32_t inputs, std::uint32_t outputs) {
  NetworkConfig c;
  c.input_dim = inputs;
  c.hidden_dims = {8, 6};
  c.output_dim = outputs;
  c.hidden_init = {Init::Kind::normal, 0.3f};
  c.output_init = {Init::Kind::normal, 0.3f};
  c.seed = 17;
  return c;
}

TEST(Trainer, LazyAdamEqualsDenseAdamWhenEveryRowIsTouched) {
  // Every example holds every feature and the exact selector activates every output neuron, so
  // every row is touched in every batch.
  SparseDataset data{CsrMatrix(5), CsrMatrix(4, true)};
  Rng rng(1);
  for (int e = 0; e < 24; ++e) {
    std::vector<std::uint32_t> ids{0, 1, 2, 3, 4};
    std::vector<float> values;
    for (int i = 0; i < 5; ++i) values.push_back(rng.uniform_float() + 0.1f);
    data.features.append_row(ids, values);
    std::vector<std::uint32_t> y{rng.uniform(4)};
    data.labels.append_row(y);
  }
  Network lazy_net(small_config(5, 4)), dense_net(small_config(5, 4));
  ASSERT_TRUE(same_parameters(lazy_net, dense_net));
  ExactSelector s1(4), s2(4);
  TrainerConfig tc;
  tc.learning_rate = 1e-2f;
  tc.batch_size = 8;
  tc.threads = 1;
  tc.optimizer = OptimizerKind::lazy_adam;
  Trainer lazy(lazy_net, s1, tc);
  tc.optimizer = OptimizerKind::dense_adam;
  Trainer dense(dense_net, s2, tc);
  for (int epoch = 0; epoch < 2; ++epoch) {
    lazy.train_epoch(data);
    dense.train_epoch(data);
  }
  EXPECT_EQ(lazy.step(), 6u);
  EXPECT_TRUE(same_parameters(lazy_net, dense_net));
  Network untrained(small_config(5, 4));
  EXPECT_FALSE(same_parameters(lazy_net, untrained));
}

TEST(Trainer, LazyAdamCatchUpEqualsDenseAdamOverSkippedSteps) {
  // A row stepped at t0, skipped for 7 steps, then stepped at t0 + 8: lazy Adam with catch-up
  // must land where dense Adam (7 momentum-only steps in between) does, up to eps's share of the
  // denominators and the bias correction's drift over the 8 steps (both about 1e-5 relative here,
  // at t0 = 5000); plain lazy Adam misses the 7 moves.
  const NetworkConfig config = small_config(5, 4);
  Network dense_net(config), catch_up_net(config), plain_net(config);
  AdamConfig with, without;
  without.catch_up = false;
  AdamState dense(config, with), catch_up(config, with), plain(config, without);
  Rng rng(9);
  const std::size_t moment_count = dense.moments1().output_weights.storage_size();
  std::vector<float> m0(moment_count), v0(moment_count);
  for (std::size_t i = 0; i < moment_count; ++i) {
    m0[i] = 0.01f * (rng.uniform_float() - 0.5f);
    v0[i] = 1e-4f * (1.0f + rng.uniform_float());
  }
  const std::size_t input_count = dense.moments1().input_weights.storage_size();
  std::vector<float> mi(input_count), vi(input_count);
  for (std::size_t i = 0; i < input_count; ++i) {
    mi[i] = 0.01f * (rng.uniform_float() - 0.5f);
    vi[i] = 1e-4f * (1.0f + rng.uniform_float());
  }
  std::vector<float> g1(moment_count), g2(moment_count), gi1(input_count), gi2(input_count);
  for (float& g : g1) g = rng.uniform_float() - 0.5f;
  for (float& g : g2) g = rng.uniform_float() - 0.5f;
  for (float& g : gi1) g = rng.uniform_float() - 0.5f;
  for (float& g : gi2) g = rng.uniform_float() - 0.5f;
  for (AdamState* s : {&dense, &catch_up, &plain}) {
    std::copy(m0.begin(), m0.end(), s->moments1().output_weights.data());
    std::copy(v0.begin(), v0.end(), s->moments2().output_weights.data());
    std::copy(mi.begin(), mi.end(), s->moments1().input_weights.data());
    std::copy(vi.begin(), vi.end(), s->moments2().input_weights.data());
  }
  auto set_gradients = [&](AdamState& s, const std::vector<float>& out,
                           const std::vector<float>& in) {
    std::copy(out.begin(), out.end(), s.gradients().output_weights.data());
    std::copy(in.begin(), in.end(), s.gradients().input_weights.data());
  };
  const std::vector<std::uint32_t> inputs{0, 1, 2, 3, 4}, outputs{0, 1, 2, 3};
  const float lr = 1e-2f;
  const std::uint64_t t0 = 5000;
  set_gradients(dense, g1, gi1);
  dense.step_dense(dense_net, lr, t0);
  for (std::uint64_t t = t0 + 1; t < t0 + 8; ++t) dense.step_dense(dense_net, lr, t);
  set_gradients(dense, g2, gi2);
  dense.step_dense(dense_net, lr, t0 + 8);
  for (auto [state, net] : {std::pair{&catch_up, &catch_up_net}, std::pair{&plain, &plain_net}}) {
    set_gradients(*state, g1, gi1);
    state->step_lazy(*net, inputs, outputs, lr, t0);
    set_gradients(*state, g2, gi2);
    state->step_lazy(*net, inputs, outputs, lr, t0 + 8);
  }
  auto difference = [](const DenseMatrix<float>& a, const DenseMatrix<float>& b) {
    double worst = 0.0;
    for (std::size_t r = 0; r < a.rows(); ++r) {
      for (std::size_t c = 0; c < a.cols(); ++c) {
        worst = std::max(worst, std::fabs(double{a.row(r)[c]} - double{b.row(r)[c]}));
      }
    }
    return worst;
  };
  for (auto part : {&ParameterBuffers::input_weights, &ParameterBuffers::output_weights}) {
    const DenseMatrix<float>& d = dense_net.parameters().*part;
    const double missed = difference(plain_net.parameters().*part, d);
    const double caught = difference(catch_up_net.parameters().*part, d);
    EXPECT_GT(missed, 1e-2) << "7 momentum moves of lr ~ 1e-2 each";
    EXPECT_LT(caught, 1e-3 * missed) << "plain " << missed << ", catch-up " << caught;
    // The moments: b1^7 and b2^7 times the old ones before the last step, in both.
    EXPECT_LT(difference(catch_up.moments1().*part, dense.moments1().*part), 1e-8);
    EXPECT_LT(difference(catch_up.moments2().*part, dense.moments2().*part), 1e-10);
  }
  // Bias rows with zero moments (never a gradient) stay finite and equal: no 0 / 0 in the moves.
  for (std::size_t r = 0; r < 4; ++r) {
    EXPECT_EQ(catch_up_net.parameters().output_bias[r], dense_net.parameters().output_bias[r]);
  }
}

TEST(Trainer, LazyAdamLeavesUntouchedRowsAlone) {
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 200;
  const SparseDataset data = problem.generate(0, 16);
  Network net(small_config(300, 200));
  Network before(small_config(300, 200));
  UniformSelector selector(200, 5);
  TrainerConfig tc;
  tc.batch_size = 16;
  tc.threads = 2;
  Trainer trainer(net, selector, tc);
  trainer.train_batch(
      data, std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  std::vector<bool> present(300, false);
  for (std::uint32_t f : data.features.indices()) present[f] = true;
  const auto& a = net.parameters();
  const auto& b = before.parameters();
  std::size_t changed_output = 0;
  for (std::uint32_t f = 0; f < 300; ++f) {
    const bool changed =
        std::memcmp(a.input_weights.row(f), b.input_weights.row(f), 8 * sizeof(float)) != 0;
    EXPECT_EQ(changed, present[f]) << "feature " << f;
  }
  for (std::uint32_t j = 0; j < 200; ++j) {
    changed_output +=
        std::memcmp(a.output_weights.row(j), b.output_weights.row(j), 6 * sizeof(float)) != 0;
  }
  EXPECT_GT(changed_output, 5u);
  EXPECT_LE(changed_output, 16u * 5u);
  // The flags were cleared for the next batch.
  for (std::uint32_t j = 0; j < 200; ++j) ASSERT_EQ(trainer.adam_state()->output_flags()[j], 0);
}

TEST(Trainer, OneThreadRunsAreBitIdentical) {
  testing::PlantedProblem problem;
  problem.features = 500;
  problem.labels = 100;
  const SparseDataset data = problem.generate(0, 300);
  for (OptimizerKind opt : {OptimizerKind::lazy_adam, OptimizerKind::sgd}) {
    auto run = [&](std::uint64_t seed) {
      auto net = std::make_unique<Network>(small_config(500, 100));
      UniformSelector selector(100, 10);
      TrainerConfig tc;
      tc.optimizer = opt;
      tc.learning_rate = opt == OptimizerKind::sgd ? 0.05f : 1e-3f;
      tc.batch_size = 32;
      tc.threads = 1;
      tc.seed = seed;
      tc.epochs = 2;
      Trainer trainer(*net, selector, tc);
      trainer.train_epoch(data);
      trainer.train_epoch(data);
      return net;
    };
    const auto a = run(1), b = run(1), c = run(2);
    EXPECT_TRUE(same_parameters(*a, *b));
    EXPECT_FALSE(same_parameters(*a, *c));
  }
}

TEST(Trainer, OneThreadLshRunsAreBitIdentical) {
  testing::PlantedProblem problem;
  problem.features = 500;
  problem.labels = 100;
  const SparseDataset data = problem.generate(0, 300);
  auto run = [&] {
    auto net = std::make_unique<Network>(small_config(500, 100));
    LshSelectorConfig lc;
    lc.tables.family = lsh::HashFamily::dwta;
    lc.tables.k = 2;
    lc.tables.l = 6;
    lc.tables.bin_size = 3;  // the hashed rows have 6 floats
    lc.tables.seed = 3;
    lc.active.beta = 12;
    lc.schedule.kind = lsh::ScheduleKind::fixed;
    lc.schedule.period = 2;
    lc.schedule.rebuild_every = 2;
    LshSelector selector(100, 6, lc);
    TrainerConfig tc;
    tc.learning_rate = 1e-3f;
    tc.batch_size = 32;
    tc.threads = 1;
    Trainer trainer(*net, selector, tc);
    trainer.train_epoch(data);
    trainer.train_epoch(data);
    EXPECT_GT(selector.rebuilds(), 0u);
    return net;
  };
  const auto a = run(), b = run();
  EXPECT_TRUE(same_parameters(*a, *b));
}

TEST(Trainer, DeferredOutputGradientEqualsTheGradientBuffer) {
  // With one thread the deferred entries are summed in example order from zero, with the same
  // kernels, so lazy Adam must give the same bits as accumulating into the gradient buffer; the
  // fused and unfused softmax passes are compared in both settings. bf16 weights too (the copy is
  // refreshed by the deferred step).
  testing::PlantedProblem problem;
  problem.features = 500;
  problem.labels = 100;
  const SparseDataset data = problem.generate(0, 200);
  for (Precision precision : {Precision::f32, Precision::bf16_weights}) {
    for (bool fuse : {true, false}) {
      auto run = [&](bool defer) {
        auto net = std::make_unique<Network>(small_config(500, 100));
        UniformSelector selector(100, 20);
        TrainerConfig tc;
        tc.learning_rate = 1e-2f;
        tc.batch_size = 16;
        tc.threads = 1;
        tc.precision = precision;
        tc.defer_output_gradient = defer;
        tc.fuse_output_softmax = fuse;
        Trainer trainer(*net, selector, tc);
        const TrainStats stats = trainer.train_epoch(data);
        EXPECT_GT(stats.touched_output_rows, 0u);
        for (std::uint32_t j = 0; j < 100; ++j) {
          EXPECT_EQ(trainer.adam_state()->output_flags()[j], 0);
        }
        return net;
      };
      const auto deferred = run(true), direct = run(false);
      EXPECT_TRUE(same_parameters(*deferred, *direct)) << "fuse " << fuse;
      Network untrained(small_config(500, 100));
      EXPECT_FALSE(same_parameters(*deferred, untrained));
    }
  }
}

TEST(Trainer, SgdRateDecaysLinearlyToTheFloor) {
  testing::PlantedProblem problem;
  problem.features = 100;
  problem.labels = 50;
  const SparseDataset data = problem.generate(0, 100);
  Network net(small_config(100, 50));
  UniformSelector selector(50, 5);
  TrainerConfig tc;
  tc.optimizer = OptimizerKind::sgd;
  tc.learning_rate = 0.1f;
  tc.batch_size = 10;
  tc.epochs = 2;
  tc.min_rate_fraction = 0.01f;
  Trainer trainer(net, selector, tc);
  std::vector<float> rates;
  trainer.train_epoch(data, [&](const TrainProgress& p) {
    rates.push_back(p.learning_rate);
    return true;
  });
  ASSERT_EQ(rates.size(), 10u);
  EXPECT_FLOAT_EQ(rates[0], 0.1f);
  EXPECT_FLOAT_EQ(rates[5], 0.1f * (1.0f - 50.0f / 200.0f));
  EXPECT_NEAR(trainer.current_learning_rate(), 0.05f, 1e-6f);
  trainer.train_epoch(data);
  EXPECT_NEAR(trainer.current_learning_rate(), 0.001f, 1e-7f);  // the floor
}

TEST(Trainer, ReportsProgressAndStopsWhenAsked) {
  testing::PlantedProblem problem;
  problem.features = 100;
  problem.labels = 50;
  const SparseDataset data = problem.generate(0, 95);
  Network net(small_config(100, 50));
  ExactSelector selector(50);
  TrainerConfig tc;
  tc.batch_size = 10;
  Trainer trainer(net, selector, tc);
  std::vector<TrainProgress> seen;
  const TrainStats all = trainer.train_epoch(data, [&](const TrainProgress& p) {
    seen.push_back(p);
    return true;
  });
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(seen.back().examples_done, 95u);
  EXPECT_EQ(seen.back().examples_total, 95u);
  EXPECT_EQ(seen.back().step, 10u);
  EXPECT_EQ(seen[0].active, 50.0);
  EXPECT_GT(seen[0].loss, 0.0);
  EXPECT_EQ(all.examples, 95u);
  EXPECT_NEAR(all.mean_loss(), std::log(50.0), 0.5);  // near uniform at the start
  const TrainStats partial =
      trainer.train_epoch(data, [](const TrainProgress& p) { return p.examples_done < 30; });
  EXPECT_TRUE(partial.stopped);
  EXPECT_EQ(partial.examples, 30u);
  // A stopped epoch is not counted: the next call continues it with the next batch.
  EXPECT_EQ(trainer.epoch(), 1u);
  EXPECT_EQ(trainer.epoch_position(), 30u);
  EXPECT_EQ(trainer.counters().epoch_position, 30u);
  const TrainStats rest = trainer.train_epoch(data);
  EXPECT_FALSE(rest.stopped);
  EXPECT_EQ(rest.examples, 65u);
  EXPECT_EQ(trainer.epoch(), 2u);
  EXPECT_EQ(trainer.epoch_position(), 0u);
}

TEST(Trainer, RestoredEpochPositionMustBeABatchBoundary) {
  testing::PlantedProblem problem;
  problem.features = 100;
  problem.labels = 50;
  const SparseDataset data = problem.generate(0, 95);
  Network net(small_config(100, 50));
  ExactSelector selector(50);
  TrainerConfig tc;
  tc.batch_size = 10;
  Trainer trainer(net, selector, tc);
  trainer.restore_counters(
      {.step = 1, .epoch = 0, .examples_seen = 15, .decay_examples = 95, .epoch_position = 15});
  EXPECT_THROW(trainer.train_epoch(data), UsageError);
  trainer.restore_counters(
      {.step = 2, .epoch = 0, .examples_seen = 20, .decay_examples = 95, .epoch_position = 20});
  EXPECT_EQ(trainer.train_epoch(data).examples, 75u);
}

TEST(Trainer, DivergenceIsReported) {
  testing::PlantedProblem problem;
  problem.features = 100;
  problem.labels = 50;
  const SparseDataset data = problem.generate(0, 64);
  Network net(small_config(100, 50));
  ExactSelector selector(50);
  TrainerConfig tc;
  tc.optimizer = OptimizerKind::sgd;
  tc.learning_rate = 1e30f;
  tc.batch_size = 8;
  Trainer trainer(net, selector, tc);
  EXPECT_THROW(trainer.train_epoch(data), DivergenceError);
}

TEST(Trainer, RejectsDataThatDoesNotFit) {
  Network net(small_config(10, 5));
  ExactSelector selector(5);
  Trainer trainer(net, selector, {});
  SparseDataset too_wide{CsrMatrix(11), CsrMatrix(5, true)};
  EXPECT_THROW(trainer.train_epoch(too_wide), UsageError);
  SparseDataset too_many_labels{CsrMatrix(10), CsrMatrix(6, true)};
  EXPECT_THROW(trainer.train_epoch(too_many_labels), UsageError);
  ExactSelector wrong(6);
  EXPECT_THROW(Trainer(net, wrong, {}), UsageError);
  TrainerConfig bad;
  bad.batch_size = 0;
  EXPECT_THROW(Trainer(net, selector, bad), UsageError);
}

}  // namespace
}  // namespace slide::nn
