#include "slide/xc/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

using Labels = std::vector<std::uint32_t>;

MetricSpec p(std::uint32_t k) {
  return {MetricKind::kPrecision, k};
}
MetricSpec r(std::uint32_t k) {
  return {MetricKind::kRecall, k};
}
MetricSpec ndcg(std::uint32_t k) {
  return {MetricKind::kNdcg, k};
}
MetricSpec psp(std::uint32_t k) {
  return {MetricKind::kPsPrecision, k};
}
MetricSpec psndcg(std::uint32_t k) {
  return {MetricKind::kPsNdcg, k};
}

// q = {1, 2, 4, 8} for labels 0..3 (16 for any other label).
Propensity toy_propensity() {
  return Propensity::from_inverse({1.0, 2.0, 4.0, 8.0}, 16.0);
}

// Four points, k up to 3. Gains: g1 = 1, g2 = 1/log2(3) = 0.6309, g3 = 1/log2(4) = 0.5.
//   A: y = {0, 2}, ranking [2, 1, 0]      hits at 1 and 3
//   B: y = {3, 1}, ranking [3]            fewer predictions than k; y given unsorted
//   C: y = {},     ranking [0, 1]         no true labels
//   D: y = {1, 2}, ranking [0, 1, 1]      hit at 2; the repeated 1 at rank 3 does not count
void add_toy_points(MetricsAccumulator& acc) {
  acc.add(Labels{0, 2}, Labels{2, 1, 0});
  acc.add(Labels{3, 1}, Labels{3});
  acc.add(Labels{}, Labels{0, 1});
  acc.add(Labels{1, 2}, Labels{0, 1, 1});
}

TEST(Metrics, HandComputedExample) {
  const Propensity q = toy_propensity();
  MetricsAccumulator acc(3, &q);
  add_toy_points(acc);
  ASSERT_EQ(acc.points(), 4u);
  const double g2 = 1.0 / std::log2(3.0);
  const double e = 1e-12;

  // P@k = hits / k per point, averaged over all 4 points (C counts as 0).
  //   P@1: A 1, B 1, C 0, D 0            -> 2/4
  //   P@2: A 1/2, B 1/2, D 1/2           -> 1.5/4
  //   P@3: A 2/3, B 1/3 (divided by 3 although B predicted 1), D 1/3 -> (4/3)/4
  EXPECT_NEAR(acc.value(p(1)), 0.5, e);
  EXPECT_NEAR(acc.value(p(2)), 0.375, e);
  EXPECT_NEAR(acc.value(p(3)), 1.0 / 3.0, e);

  // R@k = hits / |y|: R@1: A 1/2, B 1/2 -> 1/4;  R@2: + D 1/2 -> 1.5/4;  R@3: A 1, B 1/2, D 1/2 ->
  // 2/4
  EXPECT_NEAR(acc.value(r(1)), 0.25, e);
  EXPECT_NEAR(acc.value(r(2)), 0.375, e);
  EXPECT_NEAR(acc.value(r(3)), 0.5, e);

  // nDCG: IDCG@1 = 1, IDCG@2 = IDCG@3 = 1 + g2 (|y| = 2 everywhere but C).
  //   @1: A 1, B 1, D 0                           -> 2/4
  //   @2: A 1/(1+g2), B 1/(1+g2), D g2/(1+g2)    -> (2 + g2)/(1 + g2)/4
  //   @3: A (1 + g3)/(1+g2) = 1.5/(1+g2), B 1/(1+g2), D g2/(1+g2) -> (2.5 + g2)/(1 + g2)/4
  EXPECT_NEAR(acc.value(ndcg(1)), 0.5, e);
  EXPECT_NEAR(acc.value(ndcg(2)), (2.0 + g2) / (1.0 + g2) / 4.0, e);
  EXPECT_NEAR(acc.value(ndcg(3)), (2.5 + g2) / (1.0 + g2) / 4.0, e);

  // PSP: sum of q over hits / sum of the best q's of each point's true labels.
  //   hits' q   @1: A 4, B 8, D 0 = 12;  @2: 4 + 8 + 2 = 14;  @3: (4+1) + 8 + 2 = 15
  //   best      @1: A 4, B 8, D 4 = 16;  @2: (4+1) + (8+2) + (4+2) = 21;  @3: same = 21
  EXPECT_NEAR(acc.value(psp(1)), 12.0 / 16.0, e);
  EXPECT_NEAR(acc.value(psp(2)), 14.0 / 21.0, e);
  EXPECT_NEAR(acc.value(psp(3)), 15.0 / 21.0, e);

  // PSnDCG: per point PSDCG/IDCG summed, over the best PSDCG/IDCG summed.
  //   @1: (4 + 8 + 0) / (4 + 8 + 4) (IDCG@1 = 1)
  //   @2: numerators A 4, B 8, D 2*g2; best A 4 + 1*g2, B 8 + 2*g2, D 4 + 2*g2; all over 1 + g2,
  //       which cancels: (12 + 2 g2) / (16 + 5 g2)
  //   @3: A gains 1*g3 = 0.5 more: (12.5 + 2 g2) / (16 + 5 g2)
  EXPECT_NEAR(acc.value(psndcg(1)), 0.75, e);
  EXPECT_NEAR(acc.value(psndcg(2)), (12.0 + 2.0 * g2) / (16.0 + 5.0 * g2), e);
  EXPECT_NEAR(acc.value(psndcg(3)), (12.5 + 2.0 * g2) / (16.0 + 5.0 * g2), e);
}

TEST(Metrics, PerfectRankingScoresOneAndTiesInPropensityDoNotMatter) {
  // Labels 5 and 6 are unseen (q = 16 each, a tie); label 3 has q = 8. The best ranking puts
  // the highest q first whichever of the tied labels comes first.
  const Propensity q = toy_propensity();
  MetricsAccumulator a(3, &q);
  a.add(Labels{3, 5, 6}, Labels{5, 6, 3});
  MetricsAccumulator b(3, &q);
  b.add(Labels{3, 5, 6}, Labels{6, 5, 3});
  for (std::uint32_t k = 1; k <= 3; ++k) {
    EXPECT_DOUBLE_EQ(a.value(p(k)), 1.0);
    EXPECT_DOUBLE_EQ(a.value(ndcg(k)), 1.0);
    EXPECT_DOUBLE_EQ(a.value(psp(k)), 1.0);
    EXPECT_DOUBLE_EQ(a.value(psndcg(k)), 1.0);
    EXPECT_DOUBLE_EQ(b.value(psp(k)), 1.0);
  }
  // Putting the q = 8 label first: PSP@1 = 8/16.
  MetricsAccumulator c(3, &q);
  c.add(Labels{3, 5, 6}, Labels{3, 5, 6});
  EXPECT_DOUBLE_EQ(c.value(psp(1)), 0.5);
  EXPECT_DOUBLE_EQ(c.value(p(1)), 1.0);
}

TEST(Metrics, MergeEqualsOneAccumulator) {
  const Propensity q = toy_propensity();
  MetricsAccumulator whole(3, &q);
  add_toy_points(whole);
  MetricsAccumulator first(3, &q);
  MetricsAccumulator second(3, &q);
  first.add(Labels{0, 2}, Labels{2, 1, 0});
  first.add(Labels{3, 1}, Labels{3});
  second.add(Labels{}, Labels{0, 1});
  second.add(Labels{1, 2}, Labels{0, 1, 1});
  first.merge(second);
  EXPECT_EQ(first.points(), 4u);
  for (const MetricSpec& m : default_metric_list(true)) {
    if (m.k > 3) continue;
    EXPECT_NEAR(first.value(m), whole.value(m), 1e-15) << m.name();
  }
  MetricsAccumulator other_k(5, &q);
  EXPECT_THROW(first.merge(other_k), UsageError);
  MetricsAccumulator no_q(3);
  EXPECT_THROW(first.merge(no_q), UsageError);
}

TEST(Metrics, EmptyAndMisuse) {
  MetricsAccumulator acc;           // k up to 5, no propensity
  EXPECT_EQ(acc.value(p(5)), 0.0);  // no points: 0, not NaN
  acc.add(Labels{}, Labels{});
  EXPECT_EQ(acc.value(ndcg(1)), 0.0);
  EXPECT_THROW(acc.value(p(6)), UsageError);
  EXPECT_THROW(acc.value(psp(1)), UsageError);
  EXPECT_THROW(MetricsAccumulator(0), UsageError);
}

TEST(Metrics, ParseMetricList) {
  const std::vector<MetricSpec> list = parse_metric_list("p@1,P@3, ndcg@5 ,psp@5,psndcg@10,r@2");
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(list[0], p(1));
  EXPECT_EQ(list[1], p(3));
  EXPECT_EQ(list[2], ndcg(5));
  EXPECT_EQ(list[3], psp(5));
  EXPECT_EQ(list[4], psndcg(10));
  EXPECT_EQ(list[5], r(2));
  EXPECT_EQ(max_k(list), 10u);
  EXPECT_EQ(list[2].name(), "nDCG@5");
  EXPECT_EQ(list[4].name(), "PSnDCG@10");
  EXPECT_TRUE(list[3].propensity_scored());
  EXPECT_FALSE(list[0].propensity_scored());

  for (const char* bad : {"", "p@1,", "q@1", "p", "p@", "p@0", "p@-1", "p@1x", "p@1001", "p@1,p@1",
                          "dcg@3", "p@1,,p@2"}) {
    EXPECT_THROW(parse_metric_list(bad), UsageError) << bad;
  }
  try {
    parse_metric_list("p@1,prec@5");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "metric 'prec@5': unknown name 'prec' (expected p, r, ndcg, psp or psndcg)");
  }
}

TEST(Metrics, DefaultList) {
  EXPECT_EQ(default_metric_list(false).size(), 10u);
  const std::vector<MetricSpec> all = default_metric_list(true);
  ASSERT_EQ(all.size(), 20u);
  EXPECT_EQ(all[0], p(1));
  EXPECT_EQ(all[19], psndcg(5));
}

}  // namespace
}  // namespace slide::xc
