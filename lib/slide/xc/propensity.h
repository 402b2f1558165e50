#pragma once

// Inverse label propensities of Jain et al. (2016), the weights of PSP@k and PSnDCG@k, computed
// from the training labels:
//
//   N   = number of training points, N_l = number of training points carrying label l,
//   C   = (ln N - 1) * (B + 1)^A,
//   q_l = 1 + C * (N_l + B)^(-A)      (inverse propensity; the propensity is 1 / q_l).
//
// A label never seen in training (N_l = 0) gets the finite q = 1 + C * B^(-A).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace slide::xc {

struct PropensityParams {
  double a = 0.55;
  double b = 1.5;
};

// Defaults of napkinXC and pyxclib: Wikipedia (WikiLSHTC-325K, WikipediaLarge-500K) 0.5 / 0.4,
// Amazon (Amazon-670K, Amazon-3M) 0.6 / 2.6, every other data set 0.55 / 1.5.
inline constexpr PropensityParams kGenericPropensity{0.55, 1.5};
inline constexpr PropensityParams kAmazonPropensity{0.6, 2.6};
inline constexpr PropensityParams kWikipediaPropensity{0.5, 0.4};

// The preset for a data set name as the XC repository spells it, case-insensitive:
// names containing "wikilshtc" or "wikipedia" -> Wikipedia; "amazon" but not "amazoncat" ->
// Amazon; anything else (EURLex-4K, Wiki10-31K, AmazonCat-13K, Bibtex, ...) -> generic.
PropensityParams propensity_params_for_dataset(std::string_view dataset_name);

// The preset named "generic", "amazon" or "wikipedia" (case-insensitive); UsageError otherwise.
PropensityParams propensity_preset(std::string_view preset_name);

class Propensity {
 public:
  // label_counts[l] = N_l, num_points = N. UsageError if N is 0, A is negative or B is not
  // positive (or either is not finite).
  Propensity(std::span<const std::uint64_t> label_counts, std::uint64_t num_points,
             PropensityParams params = kGenericPropensity);

  // Inverse propensities given directly (e.g. read from a file): q_l = inverse[l], and
  // unseen_inverse for any label id beyond. UsageError unless all are finite and positive.
  static Propensity from_inverse(std::vector<double> inverse, double unseen_inverse);

  // q_l; a label id beyond the training labels counts as unseen (N_l = 0).
  double inverse(std::uint32_t label) const {
    return label < inverse_.size() ? inverse_[label] : unseen_inverse_;
  }
  std::span<const double> inverse_all() const { return inverse_; }

  std::uint64_t num_points() const { return num_points_; }
  PropensityParams params() const { return params_; }

 private:
  std::vector<double> inverse_;
  double unseen_inverse_ = 1.0;
  std::uint64_t num_points_ = 0;  // 0 when built from_inverse
  PropensityParams params_;

  Propensity() = default;
};

}  // namespace slide::xc
