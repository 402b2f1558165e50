#include "slide/nn/weight_average.h"

#include <gtest/gtest.h>

#include "slide/core/error.h"

namespace slide::nn {
namespace {

NetworkConfig small_config(std::vector<std::uint32_t> hidden) {
  NetworkConfig c;
  c.input_dim = 37;
  c.hidden_dims = std::move(hidden);
  c.output_dim = 45;
  c.seed = 3;
  return c;
}

// Every parameter (not the padding) of the network, in a fixed order.
std::vector<float> flatten(const Network& net) {
  std::vector<float> out;
  const ParameterBuffers& p = net.parameters();
  auto matrix = [&](const DenseMatrix<float>& m) {
    for (std::size_t r = 0; r < m.rows(); ++r) out.insert(out.end(), m.row(r), m.row(r) + m.cols());
  };
  matrix(p.input_weights);
  matrix(p.input_bias);
  for (const auto& m : p.hidden_weights) matrix(m);
  for (const auto& m : p.hidden_bias) matrix(m);
  matrix(p.output_weights);
  out.insert(out.end(), p.output_bias.data(), p.output_bias.data() + p.output_bias.size());
  return out;
}

TEST(WeightAverage, IsTheMeanOfTheSnapshots) {
  const NetworkConfig config = small_config({16, 8});
  auto seeded = [&](std::uint64_t seed) {
    NetworkConfig x = config;
    x.seed = seed;
    return x;
  };
  const Network a(seeded(3)), b(seeded(9)), c(seeded(21));
  WeightAverage avg(config);
  avg.add(a);
  avg.add(b);
  avg.add(c);
  EXPECT_EQ(avg.count(), 3u);
  Network out(config, false);
  avg.store_into(out);
  const std::vector<float> fa = flatten(a), fb = flatten(b), fc = flatten(c), fo = flatten(out);
  ASSERT_EQ(fo.size(), fa.size());
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < fo.size(); ++i) {
    const double mean = (double(fa[i]) + fb[i] + fc[i]) / 3.0;
    ASSERT_NEAR(fo[i], mean, 1e-6 * (1 + std::abs(mean))) << i;
    nonzero += fa[i] != fb[i];
  }
  EXPECT_GT(nonzero, fo.size() / 2);  // the snapshots really differ
}

TEST(WeightAverage, EqualSnapshotsGiveThemExactly) {
  const NetworkConfig config = small_config({12});
  Network net(config);
  WeightAverage avg(config);
  for (int i = 0; i < 7; ++i) avg.add(net);
  Network out(config, false);
  avg.store_into(out);
  EXPECT_EQ(flatten(out), flatten(net));
}

TEST(WeightAverage, RejectsAnotherShapeAndAnEmptyMean) {
  WeightAverage avg(small_config({12}));
  Network net(small_config({12}));
  EXPECT_THROW(avg.store_into(net), UsageError);
  Network wider(small_config({13}));
  EXPECT_THROW(avg.add(wider), UsageError);
  Network deeper(small_config({12, 12}));
  EXPECT_THROW(avg.add(deeper), UsageError);
}

}  // namespace
}  // namespace slide::nn
