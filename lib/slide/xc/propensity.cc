#include "slide/xc/propensity.h"

#include <cctype>
#include <cmath>
#include <string>
#include <utility>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

PropensityParams propensity_params_for_dataset(std::string_view dataset_name) {
  const std::string name = lower(dataset_name);
  if (name.find("wikilshtc") != std::string::npos || name.find("wikipedia") != std::string::npos)
    return kWikipediaPropensity;
  if (name.find("amazon") != std::string::npos && name.find("amazoncat") == std::string::npos)
    return kAmazonPropensity;
  return kGenericPropensity;
}

PropensityParams propensity_preset(std::string_view preset_name) {
  const std::string name = lower(preset_name);
  if (name == "generic") return kGenericPropensity;
  if (name == "amazon") return kAmazonPropensity;
  if (name == "wikipedia") return kWikipediaPropensity;
  throw UsageError("unknown propensity preset '" + std::string(preset_name) +
                   "' (expected generic, amazon or wikipedia)");
}

Propensity::Propensity(std::span<const std::uint64_t> label_counts, std::uint64_t num_points,
                       PropensityParams params)
    : num_points_(num_points), params_(params) {
  if (num_points == 0) throw UsageError("propensity: needs at least one training point");
  if (!std::isfinite(params.a) || params.a < 0)
    throw UsageError("propensity: A must be a non-negative number");
  if (!std::isfinite(params.b) || params.b <= 0)
    throw UsageError("propensity: B must be a positive number");
  const double c =
      (std::log(static_cast<double>(num_points)) - 1.0) * std::pow(params.b + 1.0, params.a);
  inverse_.resize(label_counts.size());
  for (std::size_t l = 0; l < label_counts.size(); ++l)
    inverse_[l] = 1.0 + c * std::pow(static_cast<double>(label_counts[l]) + params.b, -params.a);
  unseen_inverse_ = 1.0 + c * std::pow(params.b, -params.a);
}

Propensity Propensity::from_inverse(std::vector<double> inverse, double unseen_inverse) {
  auto ok = [](double q) { return std::isfinite(q) && q > 0; };
  if (!ok(unseen_inverse))
    throw UsageError("propensity: inverse propensities must be finite and positive");
  for (double q : inverse)
    if (!ok(q)) throw UsageError("propensity: inverse propensities must be finite and positive");
  Propensity p;
  p.inverse_ = std::move(inverse);
  p.unseen_inverse_ = unseen_inverse;
  return p;
}

}  // namespace slide::xc
