#include "slide/nn/lsh_selector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "slide/nn/network.h"

namespace slide::nn {
namespace {

NetworkConfig config() {
  NetworkConfig c;
  c.input_dim = 50;
  c.hidden_dims = {16};
  c.output_dim = 400;
  c.hidden_init = {Init::Kind::normal, 0.5f};
  c.output_init = {Init::Kind::normal, 0.5f};
  c.seed = 3;
  return c;
}

LshSelectorConfig lsh_config() {
  LshSelectorConfig lc;
  lc.tables.family = lsh::HashFamily::dwta;
  lc.tables.k = 2;
  lc.tables.l = 8;
  lc.tables.seed = 5;
  lc.active.policy = lsh::ActivePolicy::budget;
  lc.active.beta = 30;
  lc.schedule.kind = lsh::ScheduleKind::fixed;
  lc.schedule.period = 3;
  return lc;
}

TEST(LshSelector, PutsLabelsFirstAndFillsTheBudgetWithDistinctIds) {
  Network net(config());
  LshSelector selector(400, 16, lsh_config());
  selector.prepare(net);
  auto scratch = selector.make_scratch();
  std::vector<std::uint32_t> out;
  std::vector<float> h(16);
  Rng values(1);
  for (int trial = 0; trial < 20; ++trial) {
    for (float& x : h) x = std::max(0.0f, static_cast<float>(values.normal()));
    const std::vector<std::uint32_t> labels{399, 7, 7, 120};
    Rng rng(2, trial);
    const std::size_t kept = selector.select(h, labels, rng, *scratch, out);
    ASSERT_EQ(kept, 3u);
    EXPECT_EQ(out[0], 399u);
    EXPECT_EQ(out[1], 7u);
    EXPECT_EQ(out[2], 120u);
    EXPECT_EQ(out.size(), 30u);
    std::vector<std::uint32_t> sorted = out;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_TRUE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    EXPECT_LT(sorted.back(), 400u);
    // Same inputs and seed, same set.
    std::vector<std::uint32_t> again;
    Rng rng2(2, trial);
    selector.select(h, labels, rng2, *scratch, again);
    EXPECT_EQ(out, again);
  }
}

TEST(LshSelector, RehashesAndRebuildsOnSchedule) {
  Network net(config());
  LshSelectorConfig lc = lsh_config();
  lc.schedule.rebuild_every = 2;
  LshSelector selector(400, 16, lc);
  selector.prepare(net);
  EXPECT_EQ(selector.rehashes(), 1u);
  const std::uint64_t seed0 = selector.current_seed();
  for (std::uint64_t step = 1; step <= 6; ++step) selector.after_step(net, {}, true, step);
  EXPECT_EQ(selector.rehashes(), 3u);  // after steps 3 and 6
  EXPECT_EQ(selector.rebuilds(), 1u);  // every second refresh redraws the functions
  EXPECT_NE(selector.current_seed(), seed0);
  EXPECT_GT(selector.max_selected(), 0u);
}

}  // namespace
}  // namespace slide::nn
