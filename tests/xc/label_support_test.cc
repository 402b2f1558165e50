// Each label's linear-path support: the features its rows carry more than the rows at large.

#include "slide/xc/label_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

// Six features, three labels. Feature 0 is in every row (background); label 0's rows carry
// feature 1 strongly and feature 2 weakly; label 1's rows carry feature 3; label 2 has no row.
Dataset support_data() {
  // rows: {0:1, 1:2, 2:0.5} -> label 0; {0:1, 1:2} -> label 0; {0:1, 3:1} -> label 1;
  // {0:1, 4:1} -> no label.
  return Dataset::from_csr(6, 3, {0, 3, 5, 7, 9}, {0, 1, 2, 0, 1, 0, 3, 0, 4},
                           {1, 2, 0.5f, 1, 2, 1, 1, 1, 1}, {0, 1, 2, 3, 3}, {0, 0, 1});
}

TEST(LabelSupport, ChoosesTheFeaturesALabelsRowsCarryAboveTheBackground) {
  const Dataset data = support_data();
  nn::LinearPath path(6, 3, 3);
  choose_label_support(data, path, {.initial_norm = 2.0f, .threads = 1});
  const auto f = path.features();
  const auto w = path.weights();
  const std::uint32_t unused = path.unused_feature();
  // Label 0: feature 1 (mean 2 against 1 overall), then feature 2 (0.25 against 0.125);
  // feature 0 is background (1 against 1) and is not chosen.
  EXPECT_EQ(f[0], 1u);
  EXPECT_EQ(f[1], 2u);
  EXPECT_EQ(f[2], unused);
  EXPECT_NEAR(std::hypot(w[0], w[1]), 2.0f, 1e-5f);
  // Weighted by idf: log(4 / 2) for feature 1, log(4 / 1) for feature 2.
  EXPECT_NEAR(w[0] / w[1], (2.0 - 1.0) * std::log(2.0) / ((0.25 - 0.125) * std::log(4.0)), 1e-4);
  // Label 1: feature 3 only.
  EXPECT_EQ(f[3], 3u);
  EXPECT_EQ(f[4], unused);
  EXPECT_NEAR(w[3], 2.0f, 1e-5f);
  // Label 2: never seen, reads nothing.
  for (int s = 6; s < 9; ++s) {
    EXPECT_EQ(f[s], unused);
    EXPECT_EQ(w[s], 0.0f);
  }
  // The index lists label 0 under feature 1.
  ASSERT_EQ(path.slots_reading(1).size(), 1u);
  EXPECT_EQ(path.slots_reading(1)[0], 0u);
}

TEST(LabelSupport, RefusesAPathSmallerThanTheData) {
  nn::LinearPath path(4, 3, 2);
  EXPECT_THROW(choose_label_support(support_data(), path, {}), UsageError);
}

}  // namespace
}  // namespace slide::xc
