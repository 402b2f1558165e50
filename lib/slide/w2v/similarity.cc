#include "slide/w2v/similarity.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/io/line_reader.h"

namespace slide::w2v {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (i < line.size()) {
    while (i < line.size() && blank(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !blank(line[i])) ++i;
    if (i > start) fields.emplace_back(line, start, i - start);
  }
  return fields;
}

bool parse_number(const std::string& text, double& value) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin < end && *begin == '+') ++begin;
  const auto r = std::from_chars(begin, end, value);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(value);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

std::vector<SimilarityPair> read_similarity_pairs(std::istream& in, const std::string& name) {
  return read_similarity_pairs(io::istream_source(in, name));
}

std::vector<SimilarityPair> read_similarity_pairs_file(const std::string& path) {
  const auto in = io::open_input(path);
  return read_similarity_pairs(io::input_source(*in));
}

std::vector<SimilarityPair> read_similarity_pairs(io::ByteSource source) {
  io::LineReader reader(std::move(source));
  const std::string& name = reader.name();
  std::vector<SimilarityPair> pairs;
  std::string line;
  bool first = true;
  while (reader.line(line)) {
    const std::uint64_t line_number = reader.line_number();
    const auto fields = split(line);
    if (fields.empty() || fields[0][0] == '#') continue;
    double score = 0;
    const bool ok = fields.size() == 3 && parse_number(fields[2], score);
    if (!ok && first) {
      first = false;  // a header line
      continue;
    }
    first = false;
    if (!ok) {
      throw DataError(name, line_number, "a line 'word1 word2 score' with a numeric score");
    }
    pairs.push_back({fields[0], fields[1], score});
  }
  // An empty file (a wrong or truncated download) would report a correlation over nothing.
  if (pairs.empty()) {
    throw DataError(name, reader.line_number(),
                    "at least one line 'word1 word2 score' with a numeric score, got none");
  }
  return pairs;
}

std::vector<double> average_ranks(std::span<const double> values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && values[order[j]] == values[order[i]]) ++j;
    // Positions i..j-1 (ranks i+1..j) share their mean.
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

double pearson(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0 || syy == 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

double spearman(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) return kNaN;
  const auto rx = average_ranks(x);
  const auto ry = average_ranks(y);
  return pearson(rx, ry);
}

SimilarityResult evaluate_similarity(const WordVectors& vectors,
                                     std::span<const SimilarityPair> pairs,
                                     const SimilarityOptions& options) {
  const WordIndex index(vectors.words, options.restrict_vocab);
  auto find = [&](const std::string& word) {
    std::uint32_t id = index.find(word);
    if (id == WordIndex::kNotFound && options.lower_case_fallback) id = index.find(lower(word));
    return id;
  };
  auto norm = [&](std::uint32_t id) {
    double s = 0;
    for (std::size_t j = 0; j < vectors.dim; ++j) {
      s += double(vectors.row(id)[j]) * vectors.row(id)[j];
    }
    return std::sqrt(s);
  };
  SimilarityResult result;
  result.total = pairs.size();
  result.cosines.assign(pairs.size(), kNaN);
  std::vector<double> model, human;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const std::uint32_t a = find(pairs[i].first), b = find(pairs[i].second);
    if (a == WordIndex::kNotFound || b == WordIndex::kNotFound) continue;
    double dot = 0;
    for (std::size_t j = 0; j < vectors.dim; ++j) {
      dot += double(vectors.row(a)[j]) * vectors.row(b)[j];
    }
    const double len = norm(a) * norm(b);
    const double cosine = len == 0 ? 0.0 : dot / len;
    result.cosines[i] = cosine;
    model.push_back(cosine);
    human.push_back(pairs[i].score);
    ++result.covered;
  }
  result.spearman = spearman(model, human);
  return result;
}

}  // namespace slide::w2v
