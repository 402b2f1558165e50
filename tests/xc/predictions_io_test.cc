#include "slide/xc/predictions_io.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

using Row = std::vector<Prediction>;

std::string format(const Row& row) {
  std::string out;
  format_prediction_row(row, out);
  return out;
}

PredictionSet read(std::string_view text) {
  io::LineReader in(io::memory_source(text, "pred.txt"));
  return read_predictions(in);
}

std::string read_error(std::string_view text) {
  try {
    read(text);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(PredictionsIo, ExactRowFormat) {
  EXPECT_EQ(format({{12, 0.93f}, {4, 0.5f}, {7, 1e-7f}, {3, 123456789.0f}, {0, -0.25f}, {1, 0.0f}}),
            "12:0.93 4:0.5 7:1e-07 3:1.23457e+08 0:-0.25 1:0");
  EXPECT_EQ(format({{4294967294u, 1.0f / 3.0f}}), "4294967294:0.333333");
  EXPECT_EQ(format({}), "");
}

TEST(PredictionsIo, ScoresMatchPrintfPercentPoint6g) {
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-40, 40);
  char expected[64];
  for (int i = 0; i < 20000; ++i) {
    const float score = std::ldexp(unit(gen), exponent(gen));
    std::snprintf(expected, sizeof expected, "5:%.6g", static_cast<double>(score));
    ASSERT_EQ(format({{5, score}}), expected) << score;
  }
}

TEST(PredictionsIo, WriterBytesWithHeader) {
  std::ostringstream out;
  PredictionWriter writer(out, "pred.txt");
  writer.write_header(3, 10);
  writer.write_row(Row{{2, 0.75f}, {9, 0.5f}});
  writer.write_row(Row{});
  writer.write_row(Row{{0, 1.0f}});
  writer.finish();
  EXPECT_EQ(out.str(), "3 10\n2:0.75 9:0.5\n\n0:1\n");
  EXPECT_EQ(writer.rows_written(), 3u);
  EXPECT_THROW(writer.write_header(3, 10), UsageError);
}

TEST(PredictionsIo, WriterWithoutHeaderAndManyRows) {
  std::ostringstream out;
  std::string expected;
  {
    PredictionWriter writer(out, "pred.txt");
    for (std::uint32_t i = 0; i < 20000; ++i) {  // more than one internal buffer
      writer.write_row(Row{{i, 0.5f}});
      expected += std::to_string(i) + ":0.5\n";
    }
    writer.finish();
  }
  EXPECT_EQ(out.str(), expected);
}

TEST(PredictionsIo, WriteFailureIsIoError) {
  std::ostream broken(nullptr);  // every write sets badbit
  PredictionWriter writer(broken, "/full/disk/pred.txt");
  writer.write_row(Row{{1, 0.5f}});
  try {
    writer.finish();
    FAIL();
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "/full/disk/pred.txt: write failed");
  }
}

TEST(PredictionsIo, RankBreaksTiesByLabel) {
  Row row{{7, 0.5f}, {3, 0.9f}, {1, 0.5f}, {4, -1.0f}};
  rank_predictions(row);
  EXPECT_EQ(row, (Row{{3, 0.9f}, {1, 0.5f}, {7, 0.5f}, {4, -1.0f}}));
}

TEST(PredictionsIo, ReadsNapkinXcStyleWithoutHeader) {
  // Trailing spaces, unsorted rows, an empty row; equal scores keep their order in the file.
  const PredictionSet s = read("3:0.2 1:0.9 \n\n5:0.5 2:0.5 4:0.7\n");
  EXPECT_FALSE(s.had_header);
  ASSERT_EQ(s.rows(), 3u);
  EXPECT_EQ(s.num_labels, 6u);
  EXPECT_EQ(std::vector<std::uint32_t>(s.row_labels(0).begin(), s.row_labels(0).end()),
            (std::vector<std::uint32_t>{1, 3}));
  EXPECT_TRUE(s.row_labels(1).empty());
  EXPECT_EQ(std::vector<std::uint32_t>(s.row_labels(2).begin(), s.row_labels(2).end()),
            (std::vector<std::uint32_t>{4, 5, 2}));
  EXPECT_EQ(s.row_scores(2)[0], 0.7f);
}

TEST(PredictionsIo, ReadsHeader) {
  const PredictionSet s = read("2 8\n7:1\n\n");
  EXPECT_TRUE(s.had_header);
  EXPECT_EQ(s.header_rows, 2u);
  EXPECT_EQ(s.num_labels, 8u);
  EXPECT_EQ(s.rows(), 2u);
}

TEST(PredictionsIo, ReadErrors) {
  EXPECT_EQ(read_error("1 4\n4:0.5\n"),
            "pred.txt:2:1: label id 4 out of range (header says 4 labels)");
  EXPECT_EQ(read_error("1:0.5 2:nan\n"), "pred.txt:1:9: a finite score, got 'nan'");
  EXPECT_EQ(read_error("1:0.5 2\n"), "pred.txt:1:8: ':' after label id 2, got end of line");
  EXPECT_EQ(read_error("1:0.5 -2:1\n"), "pred.txt:1:7: a non-negative label id, got '-2:1'");
  EXPECT_EQ(read_error("1:0.5 2:0.1 1:0.3\n"),
            "pred.txt:1:13: each label at most once in a row, got 1 twice");
  EXPECT_EQ(read_error("1:0.5,2:0.1\n"),
            "pred.txt:1:6: a space or the end of the line after a score, got ',2:0.1'");
  EXPECT_EQ(read_error("2 4\n1:1\n"),
            "pred.txt:2: 2 rows as the header says, but the file ends after 1");
  EXPECT_EQ(read_error("1 4\n1:1\n2:1\n"),
            "pred.txt:3: no more rows than the header's 1, got another one");
}

TEST(PredictionsIo, RoundTrip) {
  std::mt19937 gen(11);
  std::uniform_real_distribution<float> score(-5.0f, 5.0f);
  std::vector<Row> rows(200);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::uint32_t l = 0; l < i % 7; ++l)
      rows[i].push_back({l * 13 + static_cast<std::uint32_t>(i % 5), score(gen)});
    rank_predictions(rows[i]);
  }
  std::ostringstream out;
  PredictionWriter writer(out, "p");
  writer.write_header(rows.size(), 100);
  for (const Row& row : rows) writer.write_row(row);
  writer.finish();
  const PredictionSet s = read(out.str());
  ASSERT_EQ(s.rows(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(s.row_labels(i).size(), rows[i].size());
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      EXPECT_EQ(s.row_labels(i)[j], rows[i][j].label);
      char text[32];
      std::snprintf(text, sizeof text, "%.6g", static_cast<double>(rows[i][j].score));
      EXPECT_EQ(s.row_scores(i)[j], std::strtof(text, nullptr));  // what %.6g keeps
    }
  }
}

}  // namespace
}  // namespace slide::xc
