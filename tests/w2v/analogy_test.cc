#include "slide/w2v/analogy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "slide/core/error.h"
#include "slide/w2v/vectors_io.h"

namespace slide::w2v {
namespace {

// Hand-built: king - man + woman = (-1, 1, 1), which is exactly "queen"'s direction (cos 1);
// "prince" (0, .6, .8) scores (0.6 + 0.8) / sqrt(3) = 0.808.
WordVectors royals() {
  WordVectors v;
  v.dim = 3;
  v.words = {"man", "woman", "king", "prince", "queen", "Queen"};
  v.values = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0.6f, 0.8f, -1, 1, 1, 5, 5, 5};
  return v;
}

AnalogyQuestions parse(const std::string& text) {
  std::istringstream in(text);
  return read_analogy_questions(in, "questions");
}

TEST(Analogy, HandBuiltAnswers) {
  const auto questions = parse(
      ": family\n"
      "Man Woman King Queen\n"    // right (case-insensitive)
      "man woman king prince\n"   // wrong: queen is predicted
      "man woman king emperor\n"  // skipped: emperor has no vector
      ": other\n"
      "woman man queen king\n"  // (1,-1,0) + queen/|queen| -> king scores .577, prince .208
      "\n");
  AnalogyOptions options;
  options.semantic_sections = 1;
  const AnalogyResult r = evaluate_analogies(royals(), questions, options);
  ASSERT_EQ(r.sections.size(), 2u);
  EXPECT_EQ(r.sections[0].counts.correct, 1u);
  EXPECT_EQ(r.sections[0].counts.seen, 2u);
  EXPECT_EQ(r.sections[0].total, 3u);
  EXPECT_EQ(r.sections[1].counts.correct, 1u);
  EXPECT_EQ(r.overall.correct, 2u);
  EXPECT_EQ(r.overall.seen, 3u);
  EXPECT_EQ(r.total, 4u);
  EXPECT_EQ(r.semantic.seen, 2u);
  EXPECT_EQ(r.syntactic.seen, 1u);
  EXPECT_EQ(compute_accuracy_report(r, 1),
            "family:\n"
            "ACCURACY TOP1: 50.00 %  (1 / 2)\n"
            "Total accuracy: 50.00 %   Semantic accuracy: 50.00 %   Syntactic accuracy: -nan % \n"
            "other:\n"
            "ACCURACY TOP1: 100.00 %  (1 / 1)\n"
            "Total accuracy: 66.67 %   Semantic accuracy: 50.00 %   Syntactic accuracy: 100.00 % \n"
            "Questions seen / total: 3 4   75.00 % \n");

  // The first 4 rows only: "queen" is out, so only "man woman king prince" is left, and with
  // queen gone prince is the answer.
  options.restrict_vocab = 4;
  const AnalogyResult small = evaluate_analogies(royals(), questions, options);
  EXPECT_EQ(small.overall.seen, 1u);
  EXPECT_EQ(small.overall.correct, 1u);
  EXPECT_EQ(small.sections[1].counts.seen, 0u);
  EXPECT_NE(compute_accuracy_report(small, 1).find("ACCURACY TOP1: 0.00 %  (0 / 1)"),
            std::string::npos);

  // Case-sensitive: "Man" etc. are unknown.
  options.restrict_vocab = 0;
  options.upper_case = false;
  EXPECT_EQ(evaluate_analogies(royals(), questions, options).sections[0].counts.seen, 2u - 1u);
}

TEST(Analogy, FromAVectorFile) {
  // The same royals as a word2vec text file, values as printf("%lf ") writes them.
  std::istringstream file(
      "6 3\n"
      "man 1.000000 0.000000 0.000000 \n"
      "woman 0.000000 2.000000 0.000000 \n"
      "king 0.000000 0.000000 3.000000 \n"
      "prince 0.000000 0.600000 0.800000 \n"
      "queen -1.000000 1.000000 1.000000 \n"
      "Queen 5.000000 5.000000 5.000000 \n");
  const WordVectors v = read_vectors(io::istream_source(file, "royals.txt"));
  const AnalogyResult r =
      evaluate_analogies(v, parse(": family\nMan Woman King Queen\nman woman king prince\n"));
  EXPECT_EQ(r.overall.correct, 1u);
  EXPECT_EQ(r.overall.seen, 2u);
}

TEST(Analogy, NoPositiveScoreMeansNoAnswer) {
  // Every candidate is opposite to b - a + c: compute-accuracy leaves the answer empty.
  WordVectors v;
  v.dim = 2;
  v.words = {"a", "b", "c", "d"};
  v.values = {0, 1, 1, 0, 1, 0, -1, -1};
  // b - a + c = (2, -1); d = (-1, -1) scores -1/... < 0.
  const AnalogyResult r = evaluate_analogies(v, parse(": s\na b c d\n"));
  EXPECT_EQ(r.overall.seen, 1u);
  EXPECT_EQ(r.overall.correct, 0u);
}

// Straightforward reference: double precision, one question at a time.
std::uint32_t reference_answer(const std::vector<std::vector<double>>& unit, std::uint32_t a,
                               std::uint32_t b, std::uint32_t c, bool mul) {
  double best = mul ? -1e300 : 0;
  std::uint32_t best_id = 0xFFFFFFFFu;
  for (std::uint32_t x = 0; x < unit.size(); ++x) {
    if (x == a || x == b || x == c) continue;
    auto cos = [&](std::uint32_t y) {
      double s = 0;
      for (std::size_t j = 0; j < unit[x].size(); ++j) s += unit[x][j] * unit[y][j];
      return s;
    };
    const double score = mul ? ((cos(b) + 1) / 2) * ((cos(c) + 1) / 2) / ((cos(a) + 1) / 2 + 0.001)
                             : cos(b) - cos(a) + cos(c);
    if (score > best) {
      best = score;
      best_id = x;
    }
  }
  return best_id;
}

TEST(Analogy, MatchesReferenceOnRandomVectors) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  WordVectors v;
  v.dim = 23;
  const std::size_t n = 5000;  // > one column block
  for (std::size_t i = 0; i < n; ++i) v.words.push_back(std::string("w").append(std::to_string(i)));
  for (std::size_t i = 0; i < n * v.dim; ++i) v.values.push_back(normal(rng));
  std::vector<std::vector<double>> unit(n);
  for (std::size_t i = 0; i < n; ++i) {
    double len = 0;
    for (std::size_t j = 0; j < v.dim; ++j) len += double(v.row(i)[j]) * v.row(i)[j];
    for (std::size_t j = 0; j < v.dim; ++j) unit[i].push_back(v.row(i)[j] / std::sqrt(len));
  }
  for (bool mul : {false, true}) {
    AnalogyQuestions questions;
    questions.sections.push_back({"s", {}});
    std::vector<std::uint32_t> expected;
    for (int q = 0; q < 70; ++q) {
      const std::uint32_t a = rng() % n, b = rng() % n, c = rng() % n;
      if (a == b || b == c || a == c) continue;
      const std::uint32_t d = reference_answer(unit, a, b, c, mul);
      // Half the questions get the reference answer as D, half a wrong one.
      const std::uint32_t asked = q % 2 ? d : (d + 1) % n;
      questions.sections[0].questions.push_back(
          {v.words[a], v.words[b], v.words[c], v.words[asked]});
      expected.push_back(asked == d);
    }
    AnalogyOptions options;
    options.restrict_vocab = 0;
    options.method = mul ? AnalogyMethod::mul : AnalogyMethod::add;
    const AnalogyResult r = evaluate_analogies(v, questions, options);
    std::uint64_t right = 0;
    for (auto e : expected) right += e;
    EXPECT_EQ(r.overall.seen, expected.size());
    EXPECT_EQ(r.overall.correct, right) << (mul ? "3CosMul" : "3CosAdd");
  }
}

TEST(Analogy, QuestionFileErrors) {
  auto bad = [](const std::string& text, std::uint64_t line) {
    try {
      parse(text);
      ADD_FAILURE() << text;
    } catch (const DataError& e) {
      EXPECT_EQ(e.line(), line) << e.what();
    }
  };
  bad("a b c d\n", 1);
  bad(": s\na b c\n", 2);
  bad(": s\na b c d e\n", 2);
  bad(":\n", 1);
  EXPECT_EQ(parse(": s\r\na b c d\r\n").sections[0].questions[0][3], "d");
}

TEST(Analogy, GoogleQuestionFileParses) {
  std::ifstream in(std::string(SLIDE_SOURCE_DIR) + "/corpora/word2vec-eval/questions-words.txt");
  ASSERT_TRUE(in) << "corpora/word2vec-eval/questions-words.txt";
  const AnalogyQuestions q = read_analogy_questions(in, "questions-words.txt");
  EXPECT_EQ(q.question_count(), 19544u);
  ASSERT_EQ(q.sections.size(), 14u);
  EXPECT_EQ(q.sections[0].name, "capital-common-countries");
  EXPECT_EQ(q.sections[0].questions.size(), 506u);
  EXPECT_EQ(q.sections[1].questions.size(), 4524u);
  EXPECT_EQ(q.sections[4].name, "family");
  EXPECT_EQ(q.sections[13].name, "gram9-plural-verbs");
  EXPECT_EQ(q.sections[13].questions.size(), 870u);
  std::size_t semantic = 0;
  for (int s = 0; s < 5; ++s) semantic += q.sections[s].questions.size();
  EXPECT_EQ(semantic, 8869u);
  EXPECT_EQ(q.sections[0].questions[0],
            (std::array<std::string, 4>{"Athens", "Greece", "Baghdad", "Iraq"}));
}

}  // namespace
}  // namespace slide::w2v
