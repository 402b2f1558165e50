#pragma once

// Synthetic recall data shared by the LSH recall test and scripts/benchmarks/lsh_bench.cc:
// n Gaussian rows of `dim` floats, and queries each with `planted` rows placed at random ids at
// cosine exactly `cosine` to the query (same expected norm as the other rows).

#include <cmath>
#include <cstdint>
#include <vector>

#include "slide/core/random.h"

namespace slide::lsh::testing {

struct PlantedData {
  std::size_t n = 0;
  std::size_t dim = 0;
  std::vector<float> rows;                          // n x dim
  std::vector<std::vector<float>> queries;          // dim each
  std::vector<std::vector<std::uint32_t>> planted;  // ids per query
};

inline PlantedData make_planted_data(std::size_t n, std::size_t dim, std::size_t n_queries,
                                     std::size_t planted_per_query, double cosine,
                                     std::uint64_t seed) {
  PlantedData data;
  data.n = n;
  data.dim = dim;
  data.rows.resize(n * dim);
  Rng rng(seed);
  for (float& v : data.rows) v = static_cast<float>(rng.normal());
  std::vector<std::uint8_t> used(n, 0);
  const double row_norm = std::sqrt(static_cast<double>(dim));
  const double sine = std::sqrt(1.0 - cosine * cosine);
  std::vector<double> q(dim), u(dim);
  for (std::size_t qi = 0; qi < n_queries; ++qi) {
    double qq = 0;
    for (double& v : q) {
      v = rng.normal();
      qq += v * v;
    }
    for (double& v : q) v /= std::sqrt(qq);
    data.queries.emplace_back(q.begin(), q.end());
    std::vector<std::uint32_t> ids;
    for (std::size_t p = 0; p < planted_per_query; ++p) {
      std::uint32_t id;
      do id = static_cast<std::uint32_t>(rng.uniform64(n));
      while (used[id]);
      used[id] = 1;
      ids.push_back(id);
      // u: a random unit vector orthogonal to q.
      double uq = 0, uu = 0;
      for (double& v : u) v = rng.normal();
      for (std::size_t d = 0; d < dim; ++d) uq += u[d] * q[d];
      for (std::size_t d = 0; d < dim; ++d) {
        u[d] -= uq * q[d];
        uu += u[d] * u[d];
      }
      for (std::size_t d = 0; d < dim; ++d)
        data.rows[id * dim + d] =
            static_cast<float>(row_norm * (cosine * q[d] + sine * u[d] / std::sqrt(uu)));
    }
    data.planted.push_back(std::move(ids));
  }
  return data;
}

}  // namespace slide::lsh::testing
