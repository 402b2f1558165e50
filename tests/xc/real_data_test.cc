// Reads the real Bibtex and Delicious files (MULAN splits in XC format), as shipped zstd-compressed
// in corpora/, and checks their counts against the "Verified counts" tables of their PROVENANCE.md.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>

#include "slide/xc/dataset_reader.h"

namespace slide::xc {
namespace {

struct Expected {
  const char* file;
  std::uint64_t points;
  std::uint32_t features;
  std::uint32_t labels;
  double labels_per_point;    // 3 decimals in PROVENANCE.md
  double features_per_point;  // 2 decimals
  std::uint64_t points_without_labels;
  std::uint64_t distinct_labels;
};

void check(const Expected& e) {
  const std::filesystem::path path = std::filesystem::path(SLIDE_SOURCE_DIR) / "corpora" / e.file;
  const ReadResult r = read_xc_file(path.string());
  const Dataset& d = r.data;
  EXPECT_EQ(r.report.skipped_rows, 0u);
  EXPECT_EQ(d.rows(), e.points);
  EXPECT_EQ(d.num_features(), e.features);
  EXPECT_EQ(d.num_labels(), e.labels);
  const double n = static_cast<double>(d.rows());
  EXPECT_NEAR(static_cast<double>(d.label_nnz()) / n, e.labels_per_point, 0.0005);
  EXPECT_NEAR(static_cast<double>(d.feature_nnz()) / n, e.features_per_point, 0.005);
  std::uint64_t without = 0;
  for (std::uint64_t i = 0; i < d.rows(); ++i) without += d.labels(i).empty() ? 1 : 0;
  EXPECT_EQ(without, e.points_without_labels);
  const auto counts = d.label_counts();
  EXPECT_EQ(static_cast<std::uint64_t>(
                std::count_if(counts.begin(), counts.end(), [](std::uint64_t c) { return c > 0; })),
            e.distinct_labels);
}

TEST(RealData, BibtexTrain) {
  check({"bibtex/bibtex_train.txt.zst", 4880, 1836, 159, 2.380, 68.49, 0, 159});
}
TEST(RealData, BibtexTest) {
  check({"bibtex/bibtex_test.txt.zst", 2515, 1836, 159, 2.444, 68.98, 0, 159});
}
TEST(RealData, DeliciousTrain) {
  check({"delicious/delicious_train.txt.zst", 12920, 500, 983, 19.047, 18.54, 10, 983});
}
TEST(RealData, DeliciousTest) {
  check({"delicious/delicious_test.txt.zst", 3185, 500, 983, 18.910, 17.29, 4, 982});
}

}  // namespace
}  // namespace slide::xc
