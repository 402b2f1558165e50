#pragma once

// A generated multi-label problem with planted structure for the engine tests. Labels come in
// clusters that share a few cluster features; each label also owns a few signature features. An
// example has one or two labels and shows most of their cluster and signature features plus some
// noise features. A model that learns the structure reaches P@1 near 1; telling a label from its
// cluster siblings needs those siblings as negatives, which uniform sampling rarely draws and
// LSH (similar weight vectors) does.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "slide/core/csr_matrix.h"
#include "slide/core/random.h"
#include "slide/nn/predictor.h"

namespace slide::nn::testing {

struct PlantedProblem {
  std::uint32_t features = 2000;
  std::uint32_t labels = 500;
  std::uint32_t cluster_size = 10;     // labels per cluster
  std::uint32_t cluster_features = 3;  // features shared by a cluster
  std::uint32_t cluster_kept = 2;      // of which an example shows this many
  std::uint32_t signature = 3;         // signature features per label
  std::uint32_t kept = 2;              // of which an example shows this many
  std::uint32_t noise = 4;             // random features per example
  std::uint64_t seed = 1;

  // Examples [first, first + count) of the endless stream defined by the seed.
  SparseDataset generate(std::size_t first, std::size_t count) const {
    Rng sig_rng(seed, 0);
    std::vector<std::uint32_t> sig(std::size_t{labels} * signature);
    for (auto& f : sig) f = sig_rng.uniform(features);
    const std::uint32_t clusters = (labels + cluster_size - 1) / cluster_size;
    std::vector<std::uint32_t> csig(std::size_t{clusters} * cluster_features);
    for (auto& f : csig) f = sig_rng.uniform(features);
    SparseDataset d{CsrMatrix(features), CsrMatrix(labels, true)};
    std::vector<std::uint32_t> ids, ys, pick(std::max(signature, cluster_features));
    for (std::size_t e = first; e < first + count; ++e) {
      Rng rng(seed, 1, e);
      ys.clear();
      ids.clear();
      const std::uint32_t n_labels = rng.uniform(10) < 7 ? 1 : 2;
      while (ys.size() < n_labels) {
        const std::uint32_t y = rng.uniform(labels);
        if (std::find(ys.begin(), ys.end(), y) == ys.end()) ys.push_back(y);
      }
      for (std::uint32_t y : ys) {
        for (std::uint32_t s = 0; s < signature; ++s) pick[s] = s;
        rng.shuffle(pick.data(), signature);
        for (std::uint32_t s = 0; s < kept; ++s) ids.push_back(sig[y * signature + pick[s]]);
        const std::uint32_t c = y / cluster_size;
        for (std::uint32_t s = 0; s < cluster_features; ++s) pick[s] = s;
        rng.shuffle(pick.data(), cluster_features);
        for (std::uint32_t s = 0; s < cluster_kept; ++s) {
          ids.push_back(csig[c * cluster_features + pick[s]]);
        }
      }
      for (std::uint32_t s = 0; s < noise; ++s) ids.push_back(rng.uniform(features));
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      d.features.append_row(ids);
      std::sort(ys.begin(), ys.end());
      d.labels.append_row(ys);
    }
    return d;
  }
};

inline double precision_at_1(const TopK& top, const CsrMatrix& labels) {
  std::size_t hits = 0;
  for (std::size_t i = 0; i < top.rows; ++i) {
    const auto y = labels.row(i).ids;
    hits += std::find(y.begin(), y.end(), top.row_ids(i)[0]) != y.end();
  }
  return top.rows ? static_cast<double>(hits) / static_cast<double>(top.rows) : 0.0;
}

}  // namespace slide::nn::testing
