#pragma once

// Word analogy evaluation as word2vec's compute-accuracy does it, on the
// questions-words.txt format: ": section" lines, then "A B C D" lines (A is to B as C is to D).
//   - every vector word and question word is upper-cased (ASCII toupper on each byte, as the C
//     code does; bytes >= 0x80 are left alone);
//   - only the first restrict_vocab vectors are used (0: all); a word present several times (after
//     upper-casing) means its first row;
//   - a question with any word outside those vectors is skipped (counted in total, not in seen);
//   - the answer is the row, other than the rows of A, B and C, with the highest score; it is
//     right when its upper-cased word equals D's (compute-accuracy compares strings);
//   - 3CosAdd (default): score = cos(x, B - A + C) on unit-length rows, and, as in
//     compute-accuracy, only scores above 0 count (no answer when every score is <= 0);
//     3CosMul (Levy & Goldberg 2014): score = c(x,B) c(x,C) / (c(x,A) + 0.001) with
//     c = (cos + 1) / 2;
//   - the first semantic_sections sections (5 in questions-words.txt) are "semantic", the rest
//     "syntactic".
// Differences from compute-accuracy: words are not cut to 50 bytes; all-zero vectors score 0
// instead of NaN (neither is ever chosen); dot products are summed in a different order, so
// near-ties can break differently.

#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "slide/io/byte_source.h"
#include "slide/w2v/word_vectors.h"

namespace slide::w2v {

enum class AnalogyMethod { add, mul };  // 3CosAdd, 3CosMul

struct AnalogyOptions {
  std::size_t restrict_vocab = 30000;  // 0: all vectors
  bool upper_case = true;
  AnalogyMethod method = AnalogyMethod::add;
  std::size_t semantic_sections = 5;
};

struct AnalogyQuestions {
  struct Section {
    std::string name;
    std::vector<std::array<std::string, 4>> questions;
  };
  std::vector<Section> sections;
  std::size_t question_count() const;
};

// Blank lines are skipped, "\r\n" is accepted. A line that is neither ": name" nor four words,
// and a question before the first section, raise DataError(name, line, ...); so does a file
// without any question (empty, or only section lines).
AnalogyQuestions read_analogy_questions(io::ByteSource source);
AnalogyQuestions read_analogy_questions(std::istream& in, const std::string& name);
AnalogyQuestions read_analogy_questions_file(const std::string& path);  // "-": stdin

struct AnalogyCounts {
  std::uint64_t correct = 0;
  std::uint64_t seen = 0;  // questions whose four words all had vectors
  double accuracy() const { return seen == 0 ? 0.0 : static_cast<double>(correct) / seen; }
};

struct AnalogyResult {
  struct Section {
    std::string name;
    AnalogyCounts counts;
    std::uint64_t total = 0;  // questions in the section
  };
  std::vector<Section> sections;
  AnalogyCounts overall, semantic, syntactic;
  std::uint64_t total = 0;
};

// Runs on `vectors` as read (not necessarily unit length); batched over questions with
// simd::kernels().gemm_nt and oneTBB, deterministic for any thread count.
AnalogyResult evaluate_analogies(const WordVectors& vectors, const AnalogyQuestions& questions,
                                 const AnalogyOptions& options = {});

// compute-accuracy as one call: reads only the first restrict_vocab vectors of vectors_path (any
// format read_vectors_file reads; "-" is stdin) and the questions, and evaluates them.
AnalogyResult compute_accuracy(const std::string& vectors_path, const std::string& questions_path,
                               const AnalogyOptions& options = {});

// The report compute-accuracy prints for this result, byte for byte: per section "name:" and
// "ACCURACY TOP1: ..." plus the running "Total accuracy: ... Semantic ... Syntactic ..." line,
// then "Questions seen / total: ...". Its quirks are kept: an empty section shows "(0 / 1)", and
// a 0/0 ratio prints "-nan" as glibc does on x86-64.
std::string compute_accuracy_report(const AnalogyResult& result, std::size_t semantic_sections = 5);

}  // namespace slide::w2v
