#include "slide/w2v/analogy.h"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/io/line_reader.h"
#include "slide/simd/dispatch.h"
#include "slide/w2v/vectors_io.h"

namespace slide::w2v {
namespace {

constexpr std::size_t kQuestionBlock = 32;
constexpr std::size_t kColumnBlock = 4096;
constexpr std::uint32_t kNone = 0xFFFFFFFFu;

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    if (i > start) fields.emplace_back(line, start, i - start);
  }
  return fields;
}

struct Question {
  std::uint32_t a, b, c, d;
};

}  // namespace

std::size_t AnalogyQuestions::question_count() const {
  std::size_t n = 0;
  for (const auto& s : sections) n += s.questions.size();
  return n;
}

AnalogyQuestions read_analogy_questions(std::istream& in, const std::string& name) {
  return read_analogy_questions(io::istream_source(in, name));
}

AnalogyQuestions read_analogy_questions_file(const std::string& path) {
  const auto in = io::open_input(path);
  return read_analogy_questions(io::input_source(*in));
}

AnalogyQuestions read_analogy_questions(io::ByteSource source) {
  io::LineReader reader(std::move(source));
  const std::string& name = reader.name();
  AnalogyQuestions result;
  std::string line;
  while (reader.line(line)) {
    const std::uint64_t line_number = reader.line_number();
    const auto fields = split(line);
    if (fields.empty()) continue;
    if (fields[0] == ":" || fields[0][0] == ':') {
      // ": name" (compute-accuracy) or ":name".
      std::string section =
          fields[0] == ":" ? (fields.size() > 1 ? fields[1] : "") : fields[0].substr(1);
      if (section.empty() || fields.size() > (fields[0] == ":" ? 2u : 1u)) {
        throw DataError(name, line_number, "a section line ': name'");
      }
      result.sections.push_back({std::move(section), {}});
      continue;
    }
    if (fields.size() != 4) {
      throw DataError(
          name, line_number,
          "a question of 4 words 'A B C D', got " + std::to_string(fields.size()) + " words");
    }
    if (result.sections.empty()) {
      throw DataError(name, line_number, "a ': section' line before the first question");
    }
    result.sections.back().questions.push_back({fields[0], fields[1], fields[2], fields[3]});
  }
  // An empty or question-less file (a wrong or truncated download) would report 0 of 0 as if
  // something had been evaluated.
  std::size_t questions = 0;
  for (const auto& section : result.sections) questions += section.questions.size();
  if (questions == 0) {
    throw DataError(name, reader.line_number(),
                    "at least one question 'A B C D' after a ': section' line, got none");
  }
  return result;
}

AnalogyResult evaluate_analogies(const WordVectors& vectors, const AnalogyQuestions& questions,
                                 const AnalogyOptions& options) {
  const std::size_t n = (options.restrict_vocab == 0 || options.restrict_vocab > vectors.size())
                            ? vectors.size()
                            : options.restrict_vocab;
  const std::size_t dim = vectors.dim;
  WordVectors m;
  m.dim = dim;
  m.words.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    m.words.push_back(options.upper_case ? upper(vectors.words[i]) : vectors.words[i]);
  }
  m.values.assign(vectors.values.begin(),
                  vectors.values.begin() + static_cast<std::ptrdiff_t>(n * dim));
  normalize_rows(m);
  const WordIndex index(m.words);
  // canonical[i]: the first row with the same word, so that "correct" compares words, not rows.
  std::vector<std::uint32_t> canonical(n);
  for (std::size_t i = 0; i < n; ++i) canonical[i] = index.find(m.words[i]);

  AnalogyResult result;
  std::vector<Question> all;
  std::vector<std::size_t> section_of;
  for (std::size_t s = 0; s < questions.sections.size(); ++s) {
    const auto& section = questions.sections[s];
    result.sections.push_back({section.name, {}, section.questions.size()});
    result.total += section.questions.size();
    for (const auto& q : section.questions) {
      std::uint32_t ids[4];
      bool known = true;
      for (int k = 0; k < 4; ++k) {
        ids[k] = index.find(options.upper_case ? upper(q[k]) : q[k]);
        known &= ids[k] != WordIndex::kNotFound;
      }
      if (!known) continue;
      all.push_back({ids[0], ids[1], ids[2], ids[3]});
      section_of.push_back(s);
    }
  }

  std::vector<std::uint32_t> answer(all.size(), kNone);
  const bool mul = options.method == AnalogyMethod::mul;
  const std::size_t rows_per_question = mul ? 3 : 1;
  const auto& kernels = simd::kernels();
  const std::size_t blocks = (all.size() + kQuestionBlock - 1) / kQuestionBlock;
  oneapi::tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t block) {
    const std::size_t first = block * kQuestionBlock;
    const std::size_t count = std::min(kQuestionBlock, all.size() - first);
    const std::size_t rows = count * rows_per_question;
    std::vector<float> queries(rows * dim);
    for (std::size_t i = 0; i < count; ++i) {
      const Question& q = all[first + i];
      float* out = queries.data() + i * rows_per_question * dim;
      const float *a = m.row(q.a), *b = m.row(q.b), *c = m.row(q.c);
      if (mul) {
        std::copy_n(a, dim, out);
        std::copy_n(b, dim, out + dim);
        std::copy_n(c, dim, out + 2 * dim);
      } else {
        for (std::size_t j = 0; j < dim; ++j) out[j] = (b[j] - a[j]) + c[j];
      }
    }
    std::vector<float> scores(rows * kColumnBlock);
    std::vector<float> best(count, mul ? -std::numeric_limits<float>::infinity() : 0.0f);
    std::vector<std::uint32_t> best_id(count, kNone);
    for (std::size_t col = 0; col < n; col += kColumnBlock) {
      const std::size_t width = std::min(kColumnBlock, n - col);
      kernels.gemm_nt(queries.data(), dim, m.row(col), dim, scores.data(), kColumnBlock, rows,
                      width, dim);
      for (std::size_t i = 0; i < count; ++i) {
        const Question& q = all[first + i];
        const float* s = scores.data() + i * rows_per_question * kColumnBlock;
        for (std::size_t j = 0; j < width; ++j) {
          const auto id = static_cast<std::uint32_t>(col + j);
          if (id == q.a || id == q.b || id == q.c) continue;
          float score;
          if (mul) {
            const float ca = (s[j] + 1) * 0.5f;
            const float cb = (s[kColumnBlock + j] + 1) * 0.5f;
            const float cc = (s[2 * kColumnBlock + j] + 1) * 0.5f;
            score = cb * cc / (ca + 0.001f);
          } else {
            score = s[j];
          }
          if (score > best[i]) {
            best[i] = score;
            best_id[i] = id;
          }
        }
      }
    }
    for (std::size_t i = 0; i < count; ++i) answer[first + i] = best_id[i];
  });

  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::size_t s = section_of[i];
    const bool right = answer[i] != kNone && canonical[answer[i]] == all[i].d;
    AnalogyCounts& kind = s < options.semantic_sections ? result.semantic : result.syntactic;
    for (AnalogyCounts* c : {&result.sections[s].counts, &result.overall, &kind}) {
      ++c->seen;
      c->correct += right ? 1 : 0;
    }
  }
  return result;
}

AnalogyResult compute_accuracy(const std::string& vectors_path, const std::string& questions_path,
                               const AnalogyOptions& options) {
  ReadVectorsOptions read_options;
  read_options.max_words = options.restrict_vocab;
  const WordVectors vectors = read_vectors_file(vectors_path, read_options);
  return evaluate_analogies(vectors, read_analogy_questions_file(questions_path), options);
}

std::string compute_accuracy_report(const AnalogyResult& result, std::size_t semantic_sections) {
  // compute-accuracy divides in float and prints with %.2f; 0/0 is the x86 default NaN.
  auto percent = [](std::uint64_t num, std::uint64_t den) {
    char buf[64];
    if (den == 0 && num == 0) return std::string("-nan");
    std::snprintf(buf, sizeof buf, "%.2f",
                  static_cast<double>(static_cast<float>(num) / static_cast<float>(den) * 100));
    return std::string(buf);
  };
  std::string out;
  char line[512];
  std::uint64_t total_correct = 0, total_seen = 0, sem_correct = 0, sem_seen = 0, syn_correct = 0,
                syn_seen = 0;
  for (std::size_t s = 0; s < result.sections.size(); ++s) {
    const auto& section = result.sections[s];
    out += section.name + ":\n";
    const std::uint64_t seen = section.counts.seen == 0 ? 1 : section.counts.seen;
    std::snprintf(line, sizeof line, "ACCURACY TOP1: %s %%  (%llu / %llu)\n",
                  percent(section.counts.correct, seen).c_str(),
                  static_cast<unsigned long long>(section.counts.correct),
                  static_cast<unsigned long long>(seen));
    out += line;
    total_correct += section.counts.correct;
    total_seen += section.counts.seen;
    (s < semantic_sections ? sem_correct : syn_correct) += section.counts.correct;
    (s < semantic_sections ? sem_seen : syn_seen) += section.counts.seen;
    out += "Total accuracy: " + percent(total_correct, total_seen) +
           " %   Semantic accuracy: " + percent(sem_correct, sem_seen) +
           " %   Syntactic accuracy: " + percent(syn_correct, syn_seen) + " % \n";
  }
  std::snprintf(line, sizeof line, "Questions seen / total: %llu %llu   %s %% \n",
                static_cast<unsigned long long>(result.overall.seen),
                static_cast<unsigned long long>(result.total),
                percent(result.overall.seen, result.total).c_str());
  out += line;
  return out;
}

}  // namespace slide::w2v
