#include "slide/core/csr_matrix.h"

#include <gtest/gtest.h>

#include <vector>

#include "slide/core/error.h"

namespace slide {
namespace {

TEST(CsrMatrix, AppendsRowsAndViewsThem) {
  CsrMatrix m(10);
  const std::vector<std::uint32_t> ids{1, 4, 9};
  const std::vector<float> values{0.5f, 2.0f, -1.0f};
  m.append_row(ids, values);
  m.append_row({});
  const std::vector<std::uint32_t> ids2{3};
  m.append_row(ids2);  // no values: all ones
  ASSERT_EQ(m.rows(), 3u);
  EXPECT_EQ(m.nnz(), 4u);
  EXPECT_EQ(m.row(0).size(), 3u);
  EXPECT_EQ(m.row(0).ids[2], 9u);
  EXPECT_EQ(m.row(0).value(1), 2.0f);
  EXPECT_TRUE(m.row(1).empty());
  EXPECT_EQ(m.row(2).value(0), 1.0f);
}

TEST(CsrMatrix, BinaryStoresNoValues) {
  CsrMatrix labels(5, true);
  const std::vector<std::uint32_t> ids{0, 4};
  labels.append_row(ids);
  EXPECT_TRUE(labels.values().empty());
  EXPECT_EQ(labels.row(0).value(1), 1.0f);
  const std::vector<float> values{1, 1};
  EXPECT_THROW(labels.append_row(ids, values), UsageError);
}

TEST(CsrMatrix, RejectsOutOfRangeAndInconsistentInput) {
  CsrMatrix m(4);
  const std::vector<std::uint32_t> bad{4};
  EXPECT_THROW(m.append_row(bad), UsageError);
  const std::vector<std::uint32_t> ids{1, 2};
  const std::vector<float> one{1};
  EXPECT_THROW(m.append_row(ids, one), UsageError);
  EXPECT_THROW(CsrMatrix(4, {0, 2}, {1}, {}), UsageError);
  EXPECT_THROW(CsrMatrix(4, {0, 1}, {7}, {}), UsageError);
  EXPECT_THROW(CsrMatrix(4, {0, 2, 1}, {1, 2}, {}), UsageError);
  CsrMatrix ok(4, {0, 1, 2}, {1, 3}, {0.5f, 0.25f});
  EXPECT_EQ(ok.row(1).value(0), 0.25f);
}

TEST(SparseDataset, ChecksRowCounts) {
  SparseDataset d{CsrMatrix(3), CsrMatrix(3, true)};
  d.features.append_row({});
  EXPECT_THROW(d.check(), UsageError);
  d.labels.append_row({});
  EXPECT_NO_THROW(d.check());
}

}  // namespace
}  // namespace slide
