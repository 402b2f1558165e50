#pragma once

// Helpers shared by the LSH tests.

#include <cmath>
#include <cstdint>
#include <vector>

#include "slide/core/random.h"

namespace slide::lsh::testing {

inline std::vector<float> gaussian_vector(std::size_t dim, Rng& rng) {
  std::vector<float> v(dim);
  for (float& x : v) x = static_cast<float>(rng.normal());
  return v;
}

// A pair with Pearson correlation rho between coordinates: y = rho x + sqrt(1 - rho^2) z.
inline void correlated_pair(std::size_t dim, double rho, Rng& rng, std::vector<float>& x,
                            std::vector<float>& y) {
  x.resize(dim);
  y.resize(dim);
  const double s = std::sqrt(1.0 - rho * rho);
  for (std::size_t d = 0; d < dim; ++d) {
    const double a = rng.normal();
    x[d] = static_cast<float>(a);
    y[d] = static_cast<float>(rho * a + s * rng.normal());
  }
}

// Standard error of a proportion p estimated from n Bernoulli trials.
inline double standard_error(double p, double n) {
  return std::sqrt(p * (1.0 - p) / n);
}

}  // namespace slide::lsh::testing
