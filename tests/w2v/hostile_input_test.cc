// The word-vector, analogy and word-pair readers on hostile input (issue 8): non-finite values in
// binary records, an absurd dimension, and files without any question or pair are DataErrors.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>

#include "slide/core/error.h"
#include "slide/io/byte_source.h"
#include "slide/w2v/analogy.h"
#include "slide/w2v/similarity.h"
#include "slide/w2v/vectors_io.h"

namespace slide::w2v {
namespace {

WordVectors read_bytes(const std::string& bytes, VectorFormat format = VectorFormat::automatic) {
  std::istringstream in(bytes);
  ReadVectorsOptions options;
  options.format = format;
  return read_vectors(io::istream_source(in, "vectors"), options);
}

std::string binary_record(const std::string& word, float a, float b) {
  std::string record = word + " ";
  record.append(reinterpret_cast<const char*>(&a), 4);
  record.append(reinterpret_cast<const char*>(&b), 4);
  return record + "\n";
}

TEST(HostileVectorInput, NonFiniteBinaryValuesAreErrors) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::string good = binary_record("a", 1.0f, 2.0f);
  EXPECT_EQ(read_bytes("2 2\n" + good + binary_record("b", 3.0f, 4.0f)).values.size(), 4u);
  const struct {
    float a, b;
    const char* got;
  } cases[] = {{nan, 1.0f, "value 1), got nan"},
               {1.0f, inf, "value 2), got inf"},
               {-inf, 1.0f, "value 1), got -inf"}};
  for (const auto& c : cases) {
    try {
      read_bytes("2 2\n" + good + binary_record("b", c.a, c.b), VectorFormat::word2vec_binary);
      ADD_FAILURE() << "accepted " << c.got;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("a finite value in vector 2 of 2 ('b', "),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find(c.got), std::string::npos) << e.what();
    }
  }
}

TEST(HostileVectorInput, AbsurdDimensionIsRefusedBeforeAllocating) {
  for (const char* header : {"1 1048577\n", "1 1000000000000\n", "5 18446744073709551615\n"}) {
    try {
      read_bytes(std::string(header) + "w 1 2 3\n");
      ADD_FAILURE() << header;
    } catch (const DataError& e) {
      EXPECT_EQ(e.line(), 1u);
      EXPECT_NE(std::string(e.what()).find("a dimension of at most 1048576"), std::string::npos)
          << e.what();
    }
  }
}

TEST(HostileEvaluationInput, FilesWithoutQuestionsOrPairsAreErrors) {
  for (const char* text : {"", "\n\n", ": capital-common-countries\n: family\n"}) {
    std::istringstream in(text);
    EXPECT_THROW(read_analogy_questions(in, "q.txt"), DataError) << text;
  }
  std::istringstream one(": s\nA B C D\n");
  EXPECT_EQ(read_analogy_questions(one, "q.txt").sections.at(0).questions.size(), 1u);
  for (const char* text : {"", "# comment\n", "word1\tword2\tscore\n"}) {
    std::istringstream in(text);
    try {
      read_similarity_pairs(in, "p.tsv");
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("at least one line 'word1 word2 score'"),
                std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace slide::w2v
