#include "slide/w2v/nearest.h"

#include <algorithm>
#include <cmath>

#include "slide/simd/dispatch.h"

namespace slide::w2v {

NearestNeighbors::NearestNeighbors(WordVectors vectors) : unit_(std::move(vectors)) {
  normalize_rows(unit_);
  index_ = WordIndex(unit_.words);
}

std::vector<Neighbor> NearestNeighbors::nearest(const float* query, std::size_t k,
                                                std::span<const std::uint32_t> exclude) const {
  const std::size_t n = unit_.size();
  std::vector<float> scores(n);
  if (n > 0) {
    simd::kernels().gemm_nt(query, unit_.dim, unit_.values.data(), unit_.dim, scores.data(), n, 1,
                            n, unit_.dim);
  }
  std::vector<Neighbor> all;
  all.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (std::find(exclude.begin(), exclude.end(), i) != exclude.end()) continue;
    all.push_back({i, scores[i]});
  }
  auto better = [](const Neighbor& a, const Neighbor& b) {
    return a.similarity > b.similarity || (a.similarity == b.similarity && a.id < b.id);
  };
  k = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), better);
  all.resize(k);
  return all;
}

NearestNeighbors::WordsResult NearestNeighbors::nearest_to_words(std::span<const std::string> words,
                                                                 std::size_t k) const {
  WordsResult result;
  std::vector<std::uint32_t> ids;
  std::vector<float> query(unit_.dim, 0.0f);
  for (const auto& w : words) {
    const std::uint32_t id = index_.find(w);
    if (id == WordIndex::kNotFound) {
      result.missing.push_back(w);
      continue;
    }
    ids.push_back(id);
    for (std::size_t j = 0; j < unit_.dim; ++j) query[j] += unit_.row(id)[j];
  }
  if (!result.missing.empty() || ids.empty()) return result;
  // distance.c normalises the sum, so that the similarities are cosines.
  double len = 0;
  for (float x : query) len += static_cast<double>(x) * x;
  if (len > 0) {
    const auto inv = static_cast<float>(1.0 / std::sqrt(len));
    for (float& x : query) x *= inv;
  }
  result.neighbors = nearest(query.data(), k, ids);
  return result;
}

}  // namespace slide::w2v
