// Path-based entry points: files, "-", compressed input, atomic output.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "slide/core/error.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/analogy.h"
#include "slide/w2v/similarity.h"
#include "slide/w2v/vectors_io.h"

namespace slide {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("slide-w2v-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string corpora(const std::string& name) {
    return std::string(SLIDE_SOURCE_DIR) + "/corpora/" + name;
  }
  static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  fs::path dir_;
};

TEST_F(FilesTest, VocabularyOfCompressedWikiText) {
  std::uint64_t tokens = 0, calls = 0, last_bytes = 0, last_tokens = 0;
  const text::Vocabulary v = text::learn_vocabulary_file(
      corpora("wikitext-2/valid.txt.zst"), {.min_count = 1, .max_size = 0}, &tokens,
      [&](std::uint64_t bytes, std::uint64_t tokens_so_far) {
        ++calls;
        EXPECT_GT(bytes, last_bytes);
        EXPECT_GE(tokens_so_far, last_tokens);
        last_bytes = bytes;
        last_tokens = tokens_so_far;
      });
  EXPECT_EQ(calls, 2u);  // 1,121,681 bytes in 1 MiB chunks
  EXPECT_EQ(last_bytes, 1121681u);
  EXPECT_EQ(last_tokens, 217646u);
  // PROVENANCE.md: 213,886 whitespace tokens + 3,760 lines = 217,646 (the published count).
  EXPECT_EQ(tokens, 217646u);
  EXPECT_EQ(v.total_count(), 217646u);
  EXPECT_EQ(v.count(0), 3760u);
  EXPECT_EQ(v.count(v.find("<unk>")), 11718u);

  const std::string vocab_path = path("vocab.txt");
  text::save_vocab_file(v, vocab_path);
  const text::Vocabulary back = text::read_vocab_file(vocab_path, {.min_count = 1, .max_size = 0});
  EXPECT_EQ(back.words(), v.words());
  EXPECT_EQ(back.counts(), v.counts());
}

TEST_F(FilesTest, TruncatedCompressedCorpusIsADataError) {
  const std::string whole = slurp(corpora("wikitext-2/valid.txt.zst"));
  const std::string cut = path("cut.txt.zst");
  std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() / 2);
  EXPECT_THROW(text::learn_vocabulary_file(cut, {.min_count = 1, .max_size = 0}), DataError);
  EXPECT_THROW(text::learn_vocabulary_file(path("missing.txt"), {}), InputOpenError);
}

TEST_F(FilesTest, VectorFilesRoundTripAtomically) {
  w2v::WordVectors v;
  v.dim = 3;
  v.words = {"</s>", "a", "b"};
  v.values = {0.5f, -1, 2, 0.25f, 0, -0.125f, 3, 4, 5};
  for (auto format : {w2v::VectorFormat::word2vec_text, w2v::VectorFormat::word2vec_binary,
                      w2v::VectorFormat::fasttext_vec}) {
    const std::string p = path(std::string("v.") + w2v::vector_format_name(format));
    w2v::write_vectors_file(p, v, format);
    const w2v::WordVectors back = w2v::read_vectors_file(p);
    EXPECT_EQ(back.words, v.words);
    EXPECT_EQ(back.values, v.values);  // all exactly representable in every format
  }
  EXPECT_THROW(
      w2v::write_vectors_file(path("no/such/dir/v.txt"), v, w2v::VectorFormat::word2vec_text),
      OutputCreateError);
  // Only the finished files are there: no temporaries left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 3u);
}

TEST_F(FilesTest, ComputeAccuracyFromFiles) {
  // king - man + woman = queen's direction; with only the first 4 vectors read, queen is gone.
  w2v::WordVectors v;
  v.dim = 3;
  v.words = {"man", "woman", "king", "prince", "queen"};
  v.values = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0.6f, 0.8f, -1, 1, 1};
  const std::string vectors = path("royals.bin");
  w2v::write_vectors_file(vectors, v, w2v::VectorFormat::word2vec_binary);
  const std::string questions = path("q.txt");
  std::ofstream(questions) << ": family\nMan Woman King Queen\nman woman king prince\n";
  w2v::AnalogyOptions options;
  options.restrict_vocab = 0;
  const w2v::AnalogyResult all = w2v::compute_accuracy(vectors, questions, options);
  EXPECT_EQ(all.overall.seen, 2u);
  EXPECT_EQ(all.overall.correct, 1u);
  options.restrict_vocab = 4;
  const w2v::AnalogyResult first4 = w2v::compute_accuracy(vectors, questions, options);
  EXPECT_EQ(first4.overall.seen, 1u);
  EXPECT_EQ(first4.overall.correct, 1u);  // prince is the best left
  EXPECT_EQ(first4.total, 2u);
}

TEST_F(FilesTest, EvaluationFilesByPath) {
  const auto q = w2v::read_analogy_questions_file(corpora("word2vec-eval/questions-words.txt"));
  EXPECT_EQ(q.question_count(), 19544u);
  const auto pairs = w2v::read_similarity_pairs_file(corpora("word2vec-eval/wordsim353.tsv"));
  EXPECT_EQ(pairs.size(), 353u);
  EXPECT_THROW(w2v::read_analogy_questions_file(path("none")), InputOpenError);
}

}  // namespace
}  // namespace slide
