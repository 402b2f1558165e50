#include "slide/xc/dataset_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

using Ids = std::vector<std::uint32_t>;
using Values = std::vector<float>;

Ids ids(std::span<const std::uint32_t> s) {
  return Ids(s.begin(), s.end());
}
Values values(std::span<const float> s) {
  return Values(s.begin(), s.end());
}

ReadResult xc(std::string_view text, const ReadOptions& options = {}) {
  io::LineReader in(io::memory_source(text, "train.txt"));
  return read_xc(in, options);
}

ReadResult libsvm(std::string_view text, const ReadOptions& options = {}) {
  io::LineReader in(io::memory_source(text, "train.svm"));
  return read_libsvm(in, options);
}

ReadResult split(std::string_view x, std::string_view y, const ReadOptions& options = {}) {
  io::LineReader xs(io::memory_source(x, "trn_X_Xf.txt"));
  io::LineReader ys(io::memory_source(y, "trn_X_Y.txt"));
  return read_xc_split(xs, ys, options);
}

// The message of the DataError that reading `text` as XC throws ("" if none).
std::string xc_error(std::string_view text, const ReadOptions& options = {}) {
  try {
    xc(text, options);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

std::string libsvm_error(std::string_view text, const ReadOptions& options = {}) {
  try {
    libsvm(text, options);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

std::string split_error(std::string_view x, std::string_view y, const ReadOptions& options = {}) {
  try {
    split(x, y, options);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

ReadOptions merge_duplicates() {
  ReadOptions o;
  o.duplicates = DuplicatePolicy::kMerge;
  return o;
}

TEST(ReadXc, ParsesHeaderRowsAndRowsWithoutLabels) {
  const Dataset d = xc("3 5 4\n0,2 1:0.5 3:2\n 0:1\n3 4:1.5e-1\n").data;
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_EQ(d.num_features(), 5u);
  EXPECT_EQ(d.num_labels(), 4u);
  EXPECT_EQ(ids(d.labels(0)), (Ids{0, 2}));
  EXPECT_EQ(ids(d.feature_ids(0)), (Ids{1, 3}));
  EXPECT_EQ(values(d.feature_values(0)), (Values{0.5f, 2.0f}));
  EXPECT_TRUE(d.labels(1).empty());
  EXPECT_EQ(ids(d.feature_ids(1)), (Ids{0}));
  EXPECT_EQ(ids(d.labels(2)), (Ids{3}));
  EXPECT_EQ(values(d.feature_values(2)), (Values{0.15f}));
  EXPECT_EQ(d.feature_nnz(), 4u);
  EXPECT_EQ(d.label_nnz(), 3u);
}

TEST(ReadXc, SortsFeaturesAndLabelsOfARow) {
  const Dataset d = xc("1 5 3\n2,0,1 4:4 0:0.5 2:2\n").data;
  EXPECT_EQ(ids(d.labels(0)), (Ids{0, 1, 2}));
  EXPECT_EQ(ids(d.feature_ids(0)), (Ids{0, 2, 4}));
  EXPECT_EQ(values(d.feature_values(0)), (Values{0.5f, 2.0f, 4.0f}));
}

TEST(ReadXc, ToleratesTabsRunsOfBlanksTrailingBlanksAndCrlf) {
  const Dataset d = xc("2 3 2 \r\n1\t0:1  2:3 \r\n\t1:+2\r\n").data;
  ASSERT_EQ(d.rows(), 2u);
  EXPECT_EQ(ids(d.labels(0)), (Ids{1}));
  EXPECT_EQ(ids(d.feature_ids(0)), (Ids{0, 2}));
  EXPECT_TRUE(d.labels(1).empty());
  EXPECT_EQ(values(d.feature_values(1)), (Values{2.0f}));
}

TEST(ReadXc, ValuesAreTheCorrectlyRoundedFloats) {
  // Short plain decimals take a fast path; everything else goes through std::from_chars. Both
  // must give what strtof gives.
  std::mt19937 gen(1);
  std::vector<std::string> texts{
      "0",         "1",        "0.5",          ".5",       "1.",         "9999999",
      "0.0000001", "1234567.", "0.1234567",    "12345678", "0.12345678", "1e-3",
      "-0.25",     "+2.5",     "3.4028234e38", "1e-45",    "0.000000001"};
  for (int i = 0; i < 3000; ++i) {
    const int digits = 1 + static_cast<int>(gen() % 9);
    std::string t;
    for (int d = 0; d < digits; ++d) t += static_cast<char>('0' + gen() % 10);
    t.insert(gen() % (t.size() + 1), ".");
    texts.push_back(t);
  }
  std::string text = std::to_string(texts.size()) + " 1 1\n";
  for (const std::string& t : texts) text += " 0:" + t + "\n";
  const Dataset d = xc(text).data;
  ASSERT_EQ(d.rows(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i)
    EXPECT_EQ(d.feature_values(i)[0], std::strtof(texts[i].c_str(), nullptr)) << texts[i];
}

TEST(ReadXc, EmptyLineIsAnEmptyRowAndLabelsAloneAreARow) {
  const Dataset d = xc("3 3 2\n\n1\n \n").data;
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_TRUE(d.labels(0).empty());
  EXPECT_TRUE(d.feature_ids(0).empty());
  EXPECT_EQ(ids(d.labels(1)), (Ids{1}));
  EXPECT_TRUE(d.feature_ids(1).empty());
  EXPECT_TRUE(d.labels(2).empty());
}

TEST(ReadXc, LastLineWithoutNewline) {
  EXPECT_EQ(xc("2 3 2\n0 0:1\n1 2:1").data.rows(), 2u);
}

TEST(ReadXc, IdOutOfRangeOfTheHeader) {
  // Line 3 is "1 1:1 3:1": the token "3:1" starts at byte 7.
  EXPECT_EQ(xc_error("2 3 2\n0 0:1\n1 1:1 3:1\n"),
            "train.txt:3:7: feature id 3 out of range (header says 3 features)");
  EXPECT_EQ(xc_error("1 3 2\n0,2 0:1\n"),
            "train.txt:2:3: label id 2 out of range (header says 2 labels)");
}

TEST(ReadXc, NegativeAndHugeIds) {
  EXPECT_EQ(xc_error("1 3 2\n0 -1:1\n"), "train.txt:2:3: a non-negative feature id, got '-1:1'");
  EXPECT_EQ(xc_error("1 3 2\n-1 0:1\n"), "train.txt:2:1: a non-negative label id, got '-1'");
  EXPECT_EQ(xc_error("1 3 2\n0 4294967295:1\n"),
            "train.txt:2:3: feature id 4294967295 too large (ids must be below 4294967295)");
  EXPECT_EQ(xc_error("1 3 2\n0 99999999999999999999999:1\n"),
            "train.txt:2:3: feature id 99999999999999999999999 too large (ids must be below "
            "4294967295)");
  // Below 2^32 - 1 but beyond the header.
  EXPECT_EQ(xc_error("1 3 2\n0 4294967294:1\n"),
            "train.txt:2:3: feature id 4294967294 out of range (header says 3 features)");
}

TEST(ReadXc, MalformedPairs) {
  EXPECT_EQ(xc_error("1 5 2\n0 3\n"), "train.txt:2:4: ':' after feature id 3, got end of line");
  EXPECT_EQ(xc_error("1 5 2\n0 3 4:1\n"), "train.txt:2:4: ':' after feature id 3, got a space");
  EXPECT_EQ(xc_error("1 5 2\n0 3:\n"), "train.txt:2:5: a value (a number), got end of line");
  EXPECT_EQ(xc_error("1 5 2\n0 3:x\n"), "train.txt:2:5: a value (a number), got 'x'");
  EXPECT_EQ(xc_error("1 5 2\n0 3:1x\n"),
            "train.txt:2:6: a space or the end of the line after a value, got 'x'");
  EXPECT_EQ(xc_error("1 5 2\n0 3:1:2\n"),
            "train.txt:2:6: a space or the end of the line after a value, got ':2'");
  EXPECT_EQ(xc_error("1 5 2\n0 :1\n"),
            "train.txt:2:3: a feature id (a non-negative integer), got ':1'");
  EXPECT_EQ(xc_error("1 5 2\n0 3:+-1\n"), "train.txt:2:5: a value (a number), got '+-1'");
}

TEST(ReadXc, NonFiniteValues) {
  EXPECT_EQ(xc_error("1 5 2\n0 1:nan\n"), "train.txt:2:5: a finite value, got 'nan'");
  EXPECT_EQ(xc_error("1 5 2\n0 1:-inf\n"), "train.txt:2:5: a finite value, got '-inf'");
  EXPECT_EQ(xc_error("1 5 2\n0 1:1e39\n"), "train.txt:2:5: a value within float range, got '1e39'");
}

TEST(ReadXc, MalformedLabelLists) {
  EXPECT_EQ(xc_error("1 5 2\n0, 1:1\n"),
            "train.txt:2:3: a label id (a non-negative integer), got a space");
  EXPECT_EQ(xc_error("1 5 2\n0,,1 1:1\n"),
            "train.txt:2:3: a label id (a non-negative integer), got ',1'");
  EXPECT_EQ(xc_error("1 5 2\n0;1 1:1\n"),
            "train.txt:2:2: ',' or a space after label id 0, got ';1'");
  // A row without labels must start with a space: "1:1" read as a label list fails at ':'.
  EXPECT_EQ(xc_error("1 5 2\n1:1 2:1\n"),
            "train.txt:2:2: ',' or a space after label id 1, got ':' (a row without labels "
            "starts with a space)");
}

TEST(ReadXc, DuplicateFeatureIdsAreAnErrorByDefault) {
  // Sorted row: caught at the repeat (byte 7).
  EXPECT_EQ(xc_error("1 5 2\n0 1:1 1:2\n"),
            "train.txt:2:7: each feature id at most once in a row, got 1 twice");
  // Unsorted row: caught after sorting, reported at the later occurrence ("2:3" at byte 11).
  EXPECT_EQ(xc_error("1 5 2\n0 2:1 1:1 2:3\n"),
            "train.txt:2:11: each feature id at most once in a row, got 2 twice");
  EXPECT_EQ(xc_error("1 5 2\n1,0,1 2:1\n"),
            "train.txt:2:5: each label id at most once in a row, got 1 twice");
}

TEST(ReadXc, MergePolicySumsDuplicateFeaturesAndKeepsLabelsOnce) {
  const Dataset d = xc("2 5 3\n1,0,1 2:1 1:1 2:3\n2,2 4:1 4:0.5\n", merge_duplicates()).data;
  EXPECT_EQ(ids(d.labels(0)), (Ids{0, 1}));
  EXPECT_EQ(ids(d.feature_ids(0)), (Ids{1, 2}));
  EXPECT_EQ(values(d.feature_values(0)), (Values{1.0f, 4.0f}));
  EXPECT_EQ(ids(d.labels(1)), (Ids{2}));
  EXPECT_EQ(values(d.feature_values(1)), (Values{1.5f}));
}

TEST(ReadXc, HeaderIsRequiredByDefault) {
  EXPECT_EQ(
      xc_error("0 1:1\n"),
      "train.txt:1:1: a header `points features labels` (3 non-negative integers), got '0 1:1'");
  EXPECT_EQ(
      xc_error("3 5\n0 1:1\n"),
      "train.txt:1:1: a header `points features labels` (3 non-negative integers), got '3 5'");
  EXPECT_EQ(
      xc_error("1 5 2 7\n0 1:1\n"),
      "train.txt:1:1: a header `points features labels` (3 non-negative integers), got '1 5 2 7'");
  EXPECT_EQ(xc_error(""), "train.txt:1:1: a header `points features labels`, got an empty file");
}

TEST(ReadXc, HeaderCountsUpToTheLargest) {
  const Dataset d = xc("1 4294967295 2\n0 7:1\n").data;
  EXPECT_EQ(d.num_features(), 4294967295u);  // as the header says, not inferred
  EXPECT_EQ(xc_error("1 4294967296 2\n0 7:1\n"),
            "train.txt:1: at most 4294967295 features in the header, got 4294967296");
}

TEST(ReadXc, RowCountMustMatchTheHeader) {
  EXPECT_EQ(xc_error("1 5 2\n0 1:1\n1 2:1\n"),
            "train.txt:3: no more rows than the header's 1, got another one");
  // A stray blank line at the end is a row too.
  EXPECT_EQ(xc_error("1 5 2\n0 1:1\n\n"),
            "train.txt:3: no more rows than the header's 1, got another one");
  EXPECT_EQ(xc_error("3 5 2\n0 1:1\n1 2:1\n"),
            "train.txt:3: 3 rows as the header says, but the file ends after 2");
}

TEST(ReadXc, OptionalHeader) {
  ReadOptions o;
  o.header = HeaderPolicy::kOptional;
  const Dataset none = xc("0,3 1:1 7:2\n 2:1\n", o).data;
  EXPECT_EQ(none.rows(), 2u);
  EXPECT_EQ(none.num_features(), 8u);  // inferred: largest id + 1
  EXPECT_EQ(none.num_labels(), 4u);
  // A lone label id on the first line is a row, not a header.
  EXPECT_EQ(xc("5\n", o).data.num_labels(), 6u);
  const Dataset two = xc("1 10\n4 1:1\n", o).data;  // napkinXC's 2-token header: N F
  EXPECT_EQ(two.num_features(), 10u);
  EXPECT_EQ(two.num_labels(), 5u);
  const Dataset three = xc("1 10 9\n4 1:1\n", o).data;
  EXPECT_EQ(three.num_labels(), 9u);
  EXPECT_EQ(xc("", o).data.rows(), 0u);
}

TEST(ReadXc, CountsGivenAsOptions) {
  ReadOptions o;
  o.header = HeaderPolicy::kOptional;
  o.num_features = 20;
  o.num_labels = 6;
  const Dataset d = xc("0 1:1\n", o).data;
  EXPECT_EQ(d.num_features(), 20u);
  EXPECT_EQ(d.num_labels(), 6u);
  EXPECT_EQ(xc_error("0 20:1\n", o),
            "train.txt:1:3: feature id 20 out of range (20 features given)");
  // A header must agree with counts given.
  o.header = HeaderPolicy::kRequired;
  EXPECT_EQ(xc_error("1 21 6\n0 1:1\n", o),
            "train.txt:1: a header agreeing with the 20 features asked for, got 21");
  EXPECT_EQ(xc("1 20 6\n0 1:1\n", o).data.rows(), 1u);
}

TEST(ReadXc, SkipBadRowsDropsAndCountsThem) {
  ReadOptions o;
  o.skip_bad_rows = true;
  o.max_reported_errors = 1;
  const ReadResult r = xc("4 5 2\n0 1:1 2:1\n1 9:1\n1,0 3:nan\n1 4:1\n", o);
  ASSERT_EQ(r.data.rows(), 2u);
  EXPECT_EQ(ids(r.data.feature_ids(0)), (Ids{1, 2}));
  EXPECT_EQ(ids(r.data.feature_ids(1)), (Ids{4}));
  EXPECT_EQ(r.data.feature_nnz(), 3u);  // the partial bad rows were rolled back
  EXPECT_EQ(r.data.label_nnz(), 2u);
  EXPECT_EQ(r.report.skipped_rows, 2u);
  ASSERT_EQ(r.report.skipped_messages.size(), 1u);
  EXPECT_EQ(r.report.skipped_messages[0],
            "train.txt:3:3: feature id 9 out of range (header says 5 features)");
  // The header's row count still counts every line; it is never skipped.
  EXPECT_EQ(xc_error("3 5 2\n0 1:1\n1 9:1\n", o),
            "train.txt:3: 3 rows as the header says, but the file ends after 2");
}

TEST(ReadXc, ReadsFromAStream) {
  std::istringstream text("2 3 2\n0 0:1\n1 2:0.25");
  io::LineReader in(io::istream_source(text, "stream"));
  const Dataset d = read_xc(in).data;
  ASSERT_EQ(d.rows(), 2u);
  EXPECT_EQ(values(d.feature_values(1)), (Values{0.25f}));
}

TEST(ReadXcSplit, ReadsBothFilesInLockstep) {
  const Dataset d = split("3 4\n0:1 3:0.5\n\n2:2\n", "3 5\n4:1 0:1\n\n2:1\n").data;
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_EQ(d.num_features(), 4u);
  EXPECT_EQ(d.num_labels(), 5u);
  EXPECT_EQ(ids(d.labels(0)), (Ids{0, 4}));
  EXPECT_EQ(values(d.feature_values(0)), (Values{1.0f, 0.5f}));
  EXPECT_TRUE(d.feature_ids(1).empty());
  EXPECT_TRUE(d.labels(1).empty());  // an empty line: no labels
  EXPECT_EQ(ids(d.labels(2)), (Ids{2}));
}

TEST(ReadXcSplit, Errors) {
  EXPECT_EQ(split_error("2 4\n0:1\n1:1\n", "3 5\n1:1\n2:1\n3:1\n"),
            "trn_X_Y.txt:1: the same number of points as trn_X_Xf.txt (2), got 3");
  EXPECT_EQ(split_error("2 4\n0:1\n1:1\n", "2 5\n1:1\n5:1\n"),
            "trn_X_Y.txt:3:1: label id 5 out of range (header says 5 labels)");
  EXPECT_EQ(split_error("2 4 5\n0:1\n1:1\n", "2 5\n1:1\n2:1\n"),
            "trn_X_Xf.txt:1:1: a header `points features` (2 non-negative integers), got '2 4 5'");
  EXPECT_EQ(split_error("2 4\n0:1\n1:1\n", "2 5\n1:1\n"),
            "trn_X_Xf.txt:3: no more rows than trn_X_Y.txt, which ends at line 2");
  EXPECT_EQ(split_error("2 4\n0:1\n1:1\n", "2 5\n1:nan\n1:1\n"),
            "trn_X_Y.txt:2:3: a finite value, got 'nan'");
  ReadOptions o;
  o.header = HeaderPolicy::kOptional;
  EXPECT_EQ(split_error("0:1\n1:1\n", "1:1\n", o),
            "trn_X_Xf.txt:2: no more rows than trn_X_Y.txt, which ends at line 1");
}

TEST(ReadXcSplit, SkipBadRowsDropsTheRowFromBothFiles) {
  ReadOptions o;
  o.skip_bad_rows = true;
  const ReadResult r = split("3 4\n0:1\n1:1\n2:1\n", "3 5\n1:1\n9:1\n3:1\n", o);
  ASSERT_EQ(r.data.rows(), 2u);
  EXPECT_EQ(ids(r.data.feature_ids(1)), (Ids{2}));
  EXPECT_EQ(ids(r.data.labels(1)), (Ids{3}));
  EXPECT_EQ(r.report.skipped_rows, 1u);
}

TEST(ReadLibsvm, FeatureIdsAreOneBasedLabelsAsWritten) {
  const Dataset d = libsvm("1,0 1:0.5 3:1\n2 2:1\n").data;
  ASSERT_EQ(d.rows(), 2u);
  EXPECT_EQ(d.num_features(), 3u);  // largest 1-based id 3 -> ids 0..2
  EXPECT_EQ(d.num_labels(), 3u);
  EXPECT_EQ(ids(d.labels(0)), (Ids{0, 1}));
  EXPECT_EQ(ids(d.feature_ids(0)), (Ids{0, 2}));
  EXPECT_EQ(ids(d.feature_ids(1)), (Ids{1}));
}

TEST(ReadLibsvm, RowsWithoutLabels) {
  const Dataset d = libsvm(" 1:1\n2:1 4:1\n\n0 1:1\n").data;
  ASSERT_EQ(d.rows(), 4u);
  EXPECT_TRUE(d.labels(0).empty());
  EXPECT_TRUE(d.labels(1).empty());  // starts directly with a feature pair
  EXPECT_EQ(ids(d.feature_ids(1)), (Ids{1, 3}));
  EXPECT_TRUE(d.labels(2).empty());
  EXPECT_EQ(ids(d.labels(3)), (Ids{0}));
}

TEST(ReadLibsvm, Errors) {
  EXPECT_EQ(libsvm_error("0 0:1\n"),
            "train.svm:1:3: feature id 0 below 1 (LIBSVM feature ids start at 1)");
  ReadOptions o;
  o.num_features = 3;
  o.num_labels = 2;
  EXPECT_EQ(libsvm_error("0 4:1\n", o),
            "train.svm:1:3: feature id 4 out of range (3 features given, ids 1..3)");
  EXPECT_EQ(libsvm_error("2 1:1\n", o), "train.svm:1:1: label id 2 out of range (2 labels given)");
  // An XC file read as LIBSVM: its header is no row.
  EXPECT_EQ(libsvm_error("3 5 2\n0 1:1\n"), "train.svm:1:4: ':' after feature id 5, got a space");
}

TEST(ReadLibsvm, ZeroBasedFeaturesOnRequest) {
  ReadOptions o;
  o.libsvm_feature_base = 0;
  o.libsvm_label_base = 1;
  const Dataset d = libsvm("1,2 0:1\n", o).data;
  EXPECT_EQ(ids(d.feature_ids(0)), (Ids{0}));
  EXPECT_EQ(ids(d.labels(0)), (Ids{0, 1}));
  EXPECT_EQ(libsvm_error("0 0:1\n", o), "train.svm:1:1: label id 0 below 1 (the label base given)");
}

}  // namespace
}  // namespace slide::xc
