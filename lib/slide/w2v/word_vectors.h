#pragma once

// A table of word vectors: the words in file order and a dense row-major matrix, as read from or
// written to word2vec / fastText vector files.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slide::w2v {

struct WordVectors {
  std::vector<std::string> words;
  std::size_t dim = 0;
  std::vector<float> values;  // words.size() * dim, row-major

  std::size_t size() const { return words.size(); }
  const float* row(std::size_t i) const { return values.data() + i * dim; }
  float* row(std::size_t i) { return values.data() + i * dim; }
};

// Scales every row to unit Euclidean length (what word2vec's distance and compute-accuracy do on
// load). All-zero rows stay zero (word2vec divides by 0 and gets NaN).
void normalize_rows(WordVectors& vectors);

// Word -> first row holding it (a file may repeat a word; the first one wins, as in word2vec's
// linear search).
class WordIndex {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;
  WordIndex() = default;
  // Indexes the first `limit` words (0: all).
  explicit WordIndex(const std::vector<std::string>& words, std::size_t limit = 0);
  std::uint32_t find(std::string_view word) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> map_;
};

}  // namespace slide::w2v
