// The path entry points: plain and zstd-compressed files through slide/io, "-" names, truncated
// streams, and prediction files written through io::OutputStream.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/io/output.h"
#include "slide/xc/dataset_reader.h"
#include "slide/xc/predictions_io.h"

namespace slide::xc {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpora = fs::path(SLIDE_SOURCE_DIR) / "corpora";

// A fresh directory per test, removed afterwards.
class XcFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("slide-xc-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  fs::path dir_;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool same(const Dataset& a, const Dataset& b) {
  auto eq = [](auto x, auto y) { return std::equal(x.begin(), x.end(), y.begin(), y.end()); };
  return a.num_features() == b.num_features() && a.num_labels() == b.num_labels() &&
         eq(a.feature_offsets(), b.feature_offsets()) &&
         eq(a.all_feature_ids(), b.all_feature_ids()) &&
         eq(a.all_feature_values(), b.all_feature_values()) &&
         eq(a.label_offsets(), b.label_offsets()) && eq(a.all_label_ids(), b.all_label_ids());
}

TEST_F(XcFiles, ShippedZstdCorporaHaveTheProvenanceCounts) {
  const Dataset bibtex = read_xc_file((kCorpora / "bibtex/bibtex_train.txt.zst").string()).data;
  EXPECT_EQ(bibtex.rows(), 4880u);
  EXPECT_EQ(bibtex.num_features(), 1836u);
  EXPECT_EQ(bibtex.num_labels(), 159u);
  EXPECT_NEAR(static_cast<double>(bibtex.label_nnz()) / 4880.0, 2.380, 0.0005);  // labels per point
  const Dataset bibtex_test = read_xc_file((kCorpora / "bibtex/bibtex_test.txt.zst").string()).data;
  EXPECT_EQ(bibtex_test.rows(), 2515u);
  const Dataset delicious =
      read_xc_file((kCorpora / "delicious/delicious_train.txt.zst").string()).data;
  EXPECT_EQ(delicious.rows(), 12920u);
  EXPECT_EQ(delicious.num_features(), 500u);
  EXPECT_EQ(delicious.num_labels(), 983u);
  const Dataset delicious_test =
      read_xc_file((kCorpora / "delicious/delicious_test.txt.zst").string()).data;
  EXPECT_EQ(delicious_test.rows(), 3185u);

  // Identical to a plain copy (decompressed here), read without a decoder.
  std::string text;
  {
    const auto in = io::open_input((kCorpora / "bibtex/bibtex_train.txt.zst").string());
    std::vector<char> block(1 << 16);
    while (const std::size_t n = in->read(block.data(), block.size())) text.append(block.data(), n);
  }
  const fs::path plain = write("bibtex_train.txt", text);
  EXPECT_TRUE(same(read_xc_file(plain.string()).data, bibtex));
}

TEST_F(XcFiles, TruncatedZstdIsADataErrorEvenWhenSkippingBadRows) {
  const std::string whole = slurp(kCorpora / "bibtex/bibtex_test.txt.zst");
  ASSERT_GT(whole.size(), 1000u);
  const fs::path cut = write("cut.txt.zst", whole.substr(0, whole.size() / 2));
  ReadOptions skip;
  skip.skip_bad_rows = true;
  try {
    read_xc_file(cut.string(), skip);
    FAIL() << "a truncated stream was accepted";
  } catch (const DataError& e) {
    EXPECT_EQ(e.file(), cut.string());
  }
}

TEST_F(XcFiles, MissingFileAndFormats) {
  EXPECT_THROW(read_xc_file((dir_ / "absent.txt").string()), InputOpenError);
  EXPECT_THROW(read_predictions_file((dir_ / "absent.txt").string()), InputOpenError);
  const fs::path svm = write("t.svm", "1,0 1:0.5 3:1\n");
  const Dataset d = read_dataset_file(svm.string(), parse_data_format("LIBSVM")).data;
  EXPECT_EQ(d.num_features(), 3u);
  EXPECT_EQ(parse_data_format("xc"), DataFormat::kXc);
  EXPECT_THROW(parse_data_format("arff"), UsageError);
}

TEST_F(XcFiles, MessagesNameThePath) {
  const fs::path bad = write("bad.txt", "1 3 2\n0 7:1\n");
  try {
    read_xc_file(bad.string());
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              bad.string() + ":2:3: feature id 7 out of range (header says 3 features)");
  }
}

TEST_F(XcFiles, SplitFiles) {
  const fs::path x = write("trn_X_Xf.txt", "2 3\n0:1 2:0.5\n1:1\n");
  const fs::path y = write("trn_X_Y.txt", "2 4\n3:1\n\n");
  const Dataset d = read_xc_split_files(x.string(), y.string()).data;
  EXPECT_EQ(d.rows(), 2u);
  EXPECT_EQ(d.num_labels(), 4u);
  EXPECT_TRUE(d.labels(1).empty());
}

TEST_F(XcFiles, PredictionsThroughOutputStream) {
  const fs::path path = dir_ / "pred.txt";
  {
    auto out = io::open_output(path.string());
    PredictionWriter writer(*out);
    writer.write_header(2, 5);
    writer.write_row(std::vector<Prediction>{{4, 0.5f}, {1, 0.25f}});
    writer.write_row(std::vector<Prediction>{});
    writer.finish();
    out->commit();
  }
  EXPECT_EQ(slurp(path), "2 5\n4:0.5 1:0.25\n\n");
  const PredictionSet s = read_predictions_file(path.string());
  EXPECT_TRUE(s.had_header);
  EXPECT_EQ(s.rows(), 2u);
  EXPECT_EQ(s.row_labels(0)[0], 4u);
}

}  // namespace
}  // namespace slide::xc
