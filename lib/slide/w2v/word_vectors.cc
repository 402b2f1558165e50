#include "slide/w2v/word_vectors.h"

#include <cmath>

namespace slide::w2v {

void normalize_rows(WordVectors& vectors) {
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    float* r = vectors.row(i);
    double sum = 0;
    for (std::size_t j = 0; j < vectors.dim; ++j) sum += static_cast<double>(r[j]) * r[j];
    if (sum == 0) continue;
    const auto inv = static_cast<float>(1.0 / std::sqrt(sum));
    for (std::size_t j = 0; j < vectors.dim; ++j) r[j] *= inv;
  }
}

WordIndex::WordIndex(const std::vector<std::string>& words, std::size_t limit) {
  const std::size_t n = (limit == 0 || limit > words.size()) ? words.size() : limit;
  map_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) map_.emplace(words[i], static_cast<std::uint32_t>(i));
}

std::uint32_t WordIndex::find(std::string_view word) const {
  const auto it = map_.find(word);
  return it == map_.end() ? kNotFound : it->second;
}

}  // namespace slide::w2v
