#include "slide/xc/dataset.h"

#include <cmath>
#include <string>
#include <utility>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

void check_offsets(const std::vector<std::uint64_t>& offsets, std::size_t entries,
                   const char* what) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != entries)
    throw UsageError(std::string("Dataset: ") + what +
                     " offsets must start at 0 and end at the entry count");
  for (std::size_t i = 1; i < offsets.size(); ++i)
    if (offsets[i] < offsets[i - 1])
      throw UsageError(std::string("Dataset: ") + what + " offsets must not decrease");
}

void check_rows(const std::vector<std::uint64_t>& offsets, const std::vector<std::uint32_t>& ids,
                std::uint32_t bound, const char* what) {
  for (std::size_t r = 0; r + 1 < offsets.size(); ++r) {
    for (std::uint64_t i = offsets[r]; i < offsets[r + 1]; ++i) {
      if (ids[i] >= bound)
        throw UsageError(std::string("Dataset: ") + what + " id " + std::to_string(ids[i]) +
                         " in row " + std::to_string(r) + " is not below " + std::to_string(bound));
      if (i > offsets[r] && ids[i] <= ids[i - 1])
        throw UsageError(std::string("Dataset: ") + what + " ids of row " + std::to_string(r) +
                         " must be strictly increasing");
    }
  }
}

}  // namespace

Dataset::Dataset() : feature_offsets_{0}, label_offsets_{0} {}

Dataset Dataset::from_csr(std::uint32_t num_features, std::uint32_t num_labels,
                          std::vector<std::uint64_t> feature_offsets,
                          std::vector<std::uint32_t> feature_ids, std::vector<float> feature_values,
                          std::vector<std::uint64_t> label_offsets,
                          std::vector<std::uint32_t> label_ids) {
  if (feature_ids.size() != feature_values.size())
    throw UsageError("Dataset: feature ids and values differ in length");
  if (feature_offsets.size() != label_offsets.size())
    throw UsageError("Dataset: feature and label matrices differ in row count");
  check_offsets(feature_offsets, feature_ids.size(), "feature");
  check_offsets(label_offsets, label_ids.size(), "label");
  check_rows(feature_offsets, feature_ids, num_features, "feature");
  check_rows(label_offsets, label_ids, num_labels, "label");
  for (float v : feature_values)
    if (!std::isfinite(v)) throw UsageError("Dataset: feature values must be finite");

  Dataset d;
  d.num_features_ = num_features;
  d.num_labels_ = num_labels;
  d.feature_offsets_ = std::move(feature_offsets);
  d.feature_ids_ = std::move(feature_ids);
  d.feature_values_ = std::move(feature_values);
  d.label_offsets_ = std::move(label_offsets);
  d.label_ids_ = std::move(label_ids);
  return d;
}

std::vector<std::uint64_t> Dataset::label_counts() const {
  std::vector<std::uint64_t> counts(num_labels_, 0);
  for (std::uint32_t l : label_ids_) ++counts[l];  // ids are unique within a row
  return counts;
}

Dataset Dataset::select(std::span<const std::uint64_t> row_indices) const {
  Dataset out;
  out.num_features_ = num_features_;
  out.num_labels_ = num_labels_;
  std::uint64_t features = 0;
  std::uint64_t labels = 0;
  for (std::uint64_t r : row_indices) {
    if (r >= rows())
      throw UsageError("Dataset::select: row " + std::to_string(r) + " is not below " +
                       std::to_string(rows()));
    features += feature_offsets_[r + 1] - feature_offsets_[r];
    labels += label_offsets_[r + 1] - label_offsets_[r];
  }
  out.feature_offsets_.reserve(row_indices.size() + 1);
  out.label_offsets_.reserve(row_indices.size() + 1);
  out.feature_ids_.reserve(features);
  out.feature_values_.reserve(features);
  out.label_ids_.reserve(labels);
  for (std::uint64_t r : row_indices) {
    const auto ids = feature_ids(r);
    const auto values = feature_values(r);
    const auto row_labels = this->labels(r);
    out.feature_ids_.insert(out.feature_ids_.end(), ids.begin(), ids.end());
    out.feature_values_.insert(out.feature_values_.end(), values.begin(), values.end());
    out.label_ids_.insert(out.label_ids_.end(), row_labels.begin(), row_labels.end());
    out.feature_offsets_.push_back(out.feature_ids_.size());
    out.label_offsets_.push_back(out.label_ids_.size());
  }
  return out;
}

}  // namespace slide::xc
