#include "slide/xc/dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

using Ids = std::vector<std::uint32_t>;

// Rows: 0: labels {1}, features {0:1, 2:2};  1: no labels, no features;  2: labels {0, 1}, {1:3}.
Dataset toy() {
  return Dataset::from_csr(3, 2, {0, 2, 2, 3}, {0, 2, 1}, {1.0f, 2.0f, 3.0f}, {0, 1, 1, 3},
                           {1, 0, 1});
}

TEST(Dataset, EmptyHasNoRows) {
  const Dataset d;
  EXPECT_EQ(d.rows(), 0u);
  EXPECT_EQ(d.feature_nnz(), 0u);
  EXPECT_TRUE(d.label_counts().empty());
}

TEST(Dataset, RowViews) {
  const Dataset d = toy();
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_EQ(Ids(d.feature_ids(0).begin(), d.feature_ids(0).end()), (Ids{0, 2}));
  EXPECT_EQ(d.feature_values(0)[1], 2.0f);
  EXPECT_TRUE(d.feature_ids(1).empty());
  EXPECT_TRUE(d.labels(1).empty());
  EXPECT_EQ(Ids(d.labels(2).begin(), d.labels(2).end()), (Ids{0, 1}));
  EXPECT_EQ(d.feature_nnz(), 3u);
  EXPECT_EQ(d.label_nnz(), 3u);
  EXPECT_EQ(d.feature_offsets().size(), 4u);
}

TEST(Dataset, LabelCounts) {
  EXPECT_EQ(toy().label_counts(), (std::vector<std::uint64_t>{1, 2}));
}

TEST(Dataset, SelectRowsInOrderWithRepeats) {
  const Dataset d = toy();
  const std::vector<std::uint64_t> rows{2, 0, 2};
  const Dataset s = d.select(rows);
  ASSERT_EQ(s.rows(), 3u);
  EXPECT_EQ(s.num_features(), 3u);
  EXPECT_EQ(s.num_labels(), 2u);
  EXPECT_EQ(Ids(s.feature_ids(0).begin(), s.feature_ids(0).end()), (Ids{1}));
  EXPECT_EQ(Ids(s.feature_ids(1).begin(), s.feature_ids(1).end()), (Ids{0, 2}));
  EXPECT_EQ(Ids(s.labels(2).begin(), s.labels(2).end()), (Ids{0, 1}));
  EXPECT_EQ(s.feature_values(2)[0], 3.0f);
  const std::vector<std::uint64_t> bad{3};
  EXPECT_THROW(d.select(bad), UsageError);
}

TEST(Dataset, FromCsrChecksInvariants) {
  // Feature id not below num_features.
  EXPECT_THROW(Dataset::from_csr(2, 2, {0, 1}, {2}, {1.0f}, {0, 0}, {}), UsageError);
  // Unsorted or repeated ids.
  EXPECT_THROW(Dataset::from_csr(3, 2, {0, 2}, {2, 1}, {1.0f, 1.0f}, {0, 0}, {}), UsageError);
  EXPECT_THROW(Dataset::from_csr(3, 2, {0, 0}, {}, {}, {0, 2}, {1, 1}), UsageError);
  // Offsets that do not match the arrays or the other matrix.
  EXPECT_THROW(Dataset::from_csr(3, 2, {0, 2}, {1}, {1.0f}, {0, 0}, {}), UsageError);
  EXPECT_THROW(Dataset::from_csr(3, 2, {0, 1}, {1}, {1.0f}, {0, 0, 0}, {}), UsageError);
  EXPECT_THROW(Dataset::from_csr(3, 2, {0, 1}, {1}, {1.0f, 2.0f}, {0, 0}, {}), UsageError);
  // Non-finite value.
  EXPECT_THROW(Dataset::from_csr(3, 2, {0, 1}, {1}, {NAN}, {0, 0}, {}), UsageError);
}

}  // namespace
}  // namespace slide::xc
