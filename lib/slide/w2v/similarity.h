#pragma once

// Word-similarity evaluation (WordSim-353 and the like): Spearman's rank correlation between the
// cosine similarity of each pair's vectors and the human score.
// File format: "word1 word2 score" per line, separated by tabs or spaces; "\r\n" accepted; lines
// starting with '#' and blank lines are skipped; the first remaining line is a header (and skipped)
// when its third field is not a number (e.g. "Word 1\tWord 2\tHuman (mean)", which has more than 3
// fields). Any other line without exactly 3 fields and a numeric score raises DataError. Pairs
// listed twice (WordSim-353 has "money cash" twice) are kept as they are, each counted.
// Word lookup: the word as written, else its ASCII lower-case form (WordSim-353 capitalises
// names like "Jerusalem"; most trained vocabularies are lower case). A pair with a word found
// neither way is not covered and left out of the correlation.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <span>
#include <string>
#include <vector>

#include "slide/io/byte_source.h"
#include "slide/w2v/word_vectors.h"

namespace slide::w2v {

struct SimilarityPair {
  std::string first, second;
  double score = 0;
};

// A file without any pair (empty, or only comments and a header) raises DataError.
std::vector<SimilarityPair> read_similarity_pairs(io::ByteSource source);
std::vector<SimilarityPair> read_similarity_pairs(std::istream& in, const std::string& name);
std::vector<SimilarityPair> read_similarity_pairs_file(const std::string& path);  // "-": stdin

struct SimilarityOptions {
  bool lower_case_fallback = true;
  std::size_t restrict_vocab = 0;  // use the first N vectors only (0: all)
};

struct SimilarityResult {
  double spearman = 0;  // NaN when fewer than 2 pairs are covered or a side is constant
  std::size_t covered = 0;
  std::size_t total = 0;
  std::vector<double> cosines;  // per pair, NaN where not covered
};

SimilarityResult evaluate_similarity(const WordVectors& vectors,
                                     std::span<const SimilarityPair> pairs,
                                     const SimilarityOptions& options = {});

// Ranks 1..n with ties given their average rank.
std::vector<double> average_ranks(std::span<const double> values);
// Spearman's rho: Pearson correlation of the average ranks (correct with ties). NaN if the sizes
// differ, n < 2, or either side is constant.
double spearman(std::span<const double> x, std::span<const double> y);
double pearson(std::span<const double> x, std::span<const double> y);

}  // namespace slide::w2v
