#include "slide/xc/evaluation.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include <cstdint>
#include <random>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

// A data set of n rows with random labels, and predictions that hit some of them.
struct Fixture {
  Dataset truth;
  PredictionSet predictions;
};

Fixture make(std::uint64_t n) {
  std::mt19937 gen(5);
  std::vector<std::uint64_t> f_off{0}, l_off{0};
  std::vector<std::uint32_t> f_ids, l_ids;
  std::vector<float> f_vals;
  PredictionSet p;
  for (std::uint64_t r = 0; r < n; ++r) {
    for (std::uint32_t l = 0; l < 50; ++l)
      if (gen() % 10 == 0) l_ids.push_back(l);
    l_off.push_back(l_ids.size());
    f_off.push_back(0);
    for (int k = 0; k < 5; ++k) {
      p.labels.push_back(
          static_cast<std::uint32_t>((gen() % 50 + static_cast<std::uint32_t>(k) * 50) % 250));
      p.scores.push_back(1.0f - 0.1f * static_cast<float>(k));
    }
    p.offsets.push_back(p.labels.size());
  }
  return {Dataset::from_csr(1, 250, f_off, f_ids, f_vals, l_off, l_ids), p};
}

TEST(Evaluation, SameAsSequentialForAnyThreadCount) {
  const Fixture f = make(20000);
  std::vector<std::uint64_t> counts(250, 3);
  const Propensity q(counts, 20000);
  MetricsAccumulator sequential(5, &q);
  for (std::uint64_t r = 0; r < f.truth.rows(); ++r)
    sequential.add(f.truth.labels(r), f.predictions.row_labels(r));
  MetricsAccumulator one = [&] {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 1);
    return evaluate_predictions(f.truth, f.predictions, "p.txt", 5, &q);
  }();
  const MetricsAccumulator many = evaluate_predictions(f.truth, f.predictions, "p.txt", 5, &q);
  EXPECT_EQ(many.points(), 20000u);
  for (const MetricSpec& m : default_metric_list(true)) {
    EXPECT_EQ(one.value(m), many.value(m)) << m.name();  // bit for bit
    EXPECT_NEAR(many.value(m), sequential.value(m), 1e-12) << m.name();
  }
  EXPECT_GT(many.value({MetricKind::kPrecision, 1}), 0.0);
}

TEST(Evaluation, RowCountsMustMatch) {
  const Fixture f = make(3);
  PredictionSet fewer = f.predictions;
  fewer.offsets.pop_back();
  try {
    evaluate_predictions(f.truth, fewer, "p.txt", 5);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "p.txt: one row per test point (3), got 2 rows");
  }
}

}  // namespace
}  // namespace slide::xc
