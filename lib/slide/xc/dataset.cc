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

Dataset::Dataset() = default;

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
  // Empty feature values would make a binary matrix: only a data set without features has none.
  d.data_.features = CsrMatrix(num_features, std::move(feature_offsets), std::move(feature_ids),
                               std::move(feature_values));
  d.data_.labels =
      CsrMatrix(num_labels, std::move(label_offsets), std::move(label_ids), std::vector<float>{});
  return d;
}

std::vector<std::uint64_t> Dataset::label_counts() const {
  std::vector<std::uint64_t> counts(num_labels(), 0);
  for (std::uint32_t l : data_.labels.indices()) ++counts[l];  // ids are unique within a row
  return counts;
}

Dataset Dataset::select(std::span<const std::uint64_t> row_indices) const {
  std::uint64_t features = 0;
  std::uint64_t labels = 0;
  for (std::uint64_t r : row_indices) {
    if (r >= rows())
      throw UsageError("Dataset::select: row " + std::to_string(r) + " is not below " +
                       std::to_string(rows()));
    features += feature_ids(r).size();
    labels += this->labels(r).size();
  }
  Dataset out;
  out.data_.features = CsrMatrix(num_features(), data_.features.binary());
  out.data_.labels = CsrMatrix(num_labels(), true);
  out.data_.features.reserve(row_indices.size(), features);
  out.data_.labels.reserve(row_indices.size(), labels);
  for (std::uint64_t r : row_indices) {
    out.data_.features.append_row(feature_ids(r), feature_values(r));
    out.data_.labels.append_row(this->labels(r));
  }
  return out;
}

}  // namespace slide::xc
