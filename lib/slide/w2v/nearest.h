#pragma once

// Nearest neighbours by cosine similarity, like word2vec's distance tool: the query is one word or
// the sum of several words' unit vectors, re-normalised; the query words themselves are excluded.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "slide/w2v/word_vectors.h"

namespace slide::w2v {

struct Neighbor {
  std::uint32_t id;
  float similarity;
};

class NearestNeighbors {
 public:
  // Keeps a unit-length copy of the vectors.
  explicit NearestNeighbors(WordVectors vectors);

  const WordVectors& unit_vectors() const { return unit_; }
  std::uint32_t find(std::string_view word) const { return index_.find(word); }

  // The k rows most similar to `query` (any length; not normalised here, which does not change the
  // order), best first; ties go to the lower id. Rows in `exclude` are skipped.
  std::vector<Neighbor> nearest(const float* query, std::size_t k,
                                std::span<const std::uint32_t> exclude = {}) const;

  struct WordsResult {
    std::vector<std::string> missing;  // query words without a vector (then no neighbours)
    std::vector<Neighbor> neighbors;
  };
  // distance.c: sum the words' unit vectors, normalise the sum (so similarities are cosines) and
  // exclude the words.
  WordsResult nearest_to_words(std::span<const std::string> words, std::size_t k) const;

 private:
  WordVectors unit_;
  WordIndex index_;
};

}  // namespace slide::w2v
