#include "slide/nn/predictor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "planted_problem.h"
#include "slide/core/error.h"

namespace slide::nn {
namespace {

NetworkConfig config(std::uint32_t outputs) {
  NetworkConfig c;
  c.input_dim = 300;
  c.hidden_dims = {24};
  c.output_dim = outputs;
  c.hidden_init = {Init::Kind::normal, 0.5f};
  c.output_init = {Init::Kind::normal, 0.5f};
  c.seed = 4;
  return c;
}

void randomize_bias(Network& net) {
  Rng rng(8);
  for (float& b : net.parameters().output_bias) b = static_cast<float>(rng.normal());
}

// Brute force in double: every score, sorted, ties to the smaller id.
std::vector<std::uint32_t> brute_top(const Network& net, const SparseRow& row, std::size_t k) {
  AlignedBuffer<float> h(64), scratch(net.hidden_scratch_size());
  net.hidden_activation(row.ids, row.values, h.data(), scratch.data());
  std::vector<double> s(net.output_dim());
  for (std::uint32_t j = 0; j < net.output_dim(); ++j) {
    double acc = net.output_bias().empty() ? 0.0 : net.output_bias()[j];
    for (std::size_t i = 0; i < net.hidden_dim(); ++i)
      acc += double(net.output_weights().row(j)[i]) * h[i];
    s[j] = acc;
  }
  std::vector<std::uint32_t> ids(net.output_dim());
  std::iota(ids.begin(), ids.end(), 0u);
  std::stable_sort(ids.begin(), ids.end(), [&](auto a, auto b) { return s[a] > s[b]; });
  ids.resize(std::min<std::size_t>(k, ids.size()));
  return ids;
}

TEST(Predictor, ExactTopKMatchesBruteForce) {
  Network net(config(1000));
  randomize_bias(net);
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 1000;
  const SparseDataset data = problem.generate(0, 77);
  PredictorConfig pc;
  pc.top_k = 5;
  pc.example_block = 16;  // several example blocks with a tail
  pc.output_block = 300;  // several output blocks with a tail
  Predictor predictor(net, pc);
  const TopK top = predictor.predict_exact(data.features);
  ASSERT_EQ(top.rows, 77u);
  for (std::size_t i = 0; i < top.rows; ++i) {
    const auto expected = brute_top(net, data.features.row(i), 5);
    for (std::size_t r = 0; r < 5; ++r) ASSERT_EQ(top.row_ids(i)[r], expected[r]) << "row " << i;
    EXPECT_TRUE(
        std::is_sorted(top.row_scores(i).begin(), top.row_scores(i).end(), std::greater<>()));
  }
}

TEST(Predictor, ResultDoesNotDependOnThreadsOrBlocks) {
  Network net(config(500));
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 500;
  const SparseDataset data = problem.generate(0, 100);
  PredictorConfig a;
  a.threads = 1;
  a.top_k = 10;
  PredictorConfig b = a;
  b.threads = 2;
  b.example_block = 7;
  b.output_block = 33;
  const TopK ta = Predictor(net, a).predict_exact(data.features);
  const TopK tb = Predictor(net, b).predict_exact(data.features);
  EXPECT_EQ(ta.ids, tb.ids);
}

TEST(Predictor, SelectedWithEveryCandidateEqualsExact) {
  Network net(config(400));
  randomize_bias(net);
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 400;
  const SparseDataset data = problem.generate(0, 50);
  PredictorConfig pc;
  pc.top_k = 3;
  Predictor predictor(net, pc);
  ExactSelector all(400);
  const TopK exact = predictor.predict_exact(data.features);
  const TopK selected = predictor.predict_selected(data.features, all);
  EXPECT_EQ(exact.ids, selected.ids);
  UniformSelector few(400, 20);
  const TopK sampled = predictor.predict_selected(data.features, few);
  std::size_t same = 0;
  for (std::size_t i = 0; i < 50; ++i) same += sampled.row_ids(i)[0] == exact.row_ids(i)[0];
  EXPECT_LT(same, 25u);  // 20 of 400 candidates rarely contain the best one
}

TEST(Predictor, Bf16ScoresRankAlmostLikeFloat32) {
  Network net(config(800));
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 800;
  const SparseDataset data = problem.generate(0, 200);
  PredictorConfig pc;
  pc.top_k = 1;
  const TopK f32 = Predictor(net, pc).predict_exact(data.features);
  pc.bf16 = true;
  const TopK b16 = Predictor(net, pc).predict_exact(data.features);
  std::size_t agree = 0;
  for (std::size_t i = 0; i < 200; ++i) {
    agree += f32.ids[i] == b16.ids[i];
    EXPECT_NEAR(b16.scores[i], f32.scores[i], 0.02 * std::max(1.0f, std::fabs(f32.scores[i])));
  }
  EXPECT_GE(agree, 180u);
}

TEST(Predictor, PadsWhenKExceedsTheOutputs) {
  Network net(config(3));
  CsrMatrix rows(300);
  const std::vector<std::uint32_t> ids{1, 2};
  rows.append_row(ids);
  PredictorConfig pc;
  pc.top_k = 5;
  const TopK top = Predictor(net, pc).predict_exact(rows);
  EXPECT_NE(top.ids[2], kNoLabel);
  EXPECT_EQ(top.ids[3], kNoLabel);
  EXPECT_EQ(top.ids[4], kNoLabel);
  CsrMatrix wide(301);
  EXPECT_THROW(Predictor(net, pc).predict_exact(wide), UsageError);
  pc.top_k = 0;
  EXPECT_THROW(Predictor(net, pc), UsageError);
}

TEST(Predictor, AlwaysScoredIdsJoinTheCandidatesOnce) {
  Network net(config(400));
  randomize_bias(net);
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 400;
  const SparseDataset data = problem.generate(0, 40);
  PredictorConfig pc;
  pc.top_k = 5;
  const TopK exact = Predictor(net, pc).predict_exact(data.features);
  // Every id always scored, on top of a selector that returns some of them again: the exact
  // result, no id twice.
  pc.always_scored.resize(400);
  std::iota(pc.always_scored.begin(), pc.always_scored.end(), 0u);
  UniformSelector few(400, 30);
  const TopK all = Predictor(net, pc).predict_selected(data.features, few);
  EXPECT_EQ(all.ids, exact.ids);
  // Only the exact top-1 of row 0 added to 1 random candidate: row 0 finds it.
  pc.always_scored = {exact.row_ids(0)[0]};
  UniformSelector one(400, 1);
  const TopK some = Predictor(net, pc).predict_selected(data.features, one);
  EXPECT_EQ(some.row_ids(0)[0], exact.row_ids(0)[0]);
  pc.always_scored = {400};
  EXPECT_THROW(Predictor(net, pc), UsageError);
}

TEST(Predictor, SelectedInBatchesEqualsOneBatchGivenTheFirstRow) {
  Network net(config(300));
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 300;
  const SparseDataset data = problem.generate(0, 60);
  PredictorConfig pc;
  pc.top_k = 4;
  pc.seed = 11;
  const Predictor predictor(net, pc);
  UniformSelector few(300, 25);  // draws its candidates from the row's random stream
  const TopK whole = predictor.predict_selected(data.features, few);
  CsrMatrix tail(300);
  for (std::size_t i = 35; i < 60; ++i) {
    const SparseRow row = data.features.row(i);
    tail.append_row(row.ids, row.values);
  }
  const TopK part = predictor.predict_selected(tail, few, 35);
  const TopK unshifted = predictor.predict_selected(tail, few);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < 25; ++i) {
    for (std::size_t r = 0; r < 4; ++r) {
      ASSERT_EQ(part.row_ids(i)[r], whole.row_ids(35 + i)[r]) << "row " << 35 + i;
    }
    differ += unshifted.row_ids(i)[0] != whole.row_ids(35 + i)[0];
  }
  EXPECT_GT(differ, 0u);  // the offset matters: other rows' streams give other candidates
}

}  // namespace
}  // namespace slide::nn
