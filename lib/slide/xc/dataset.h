#pragma once

// A multi-label sparse data set held as two CSR matrices (features and labels) in contiguous
// arrays, the in-memory form of every XC reader (slide/xc/dataset_reader.h).
//
// Invariants (checked by from_csr): within a row, feature ids are strictly increasing and below
// num_features(); label ids are strictly increasing and below num_labels(); feature values are
// finite.

#include <cstdint>
#include <span>
#include <vector>

namespace slide::xc {

class Dataset {
 public:
  // An empty data set with no rows.
  Dataset();

  // Takes the CSR arrays. feature_offsets and label_offsets have rows + 1 entries starting at 0;
  // row r's features are feature_ids/values[feature_offsets[r] .. feature_offsets[r + 1]).
  // Throws UsageError if the arrays break the invariants above (a programming error, not bad data:
  // the readers report bad data as DataError before building).
  static Dataset from_csr(std::uint32_t num_features, std::uint32_t num_labels,
                          std::vector<std::uint64_t> feature_offsets,
                          std::vector<std::uint32_t> feature_ids, std::vector<float> feature_values,
                          std::vector<std::uint64_t> label_offsets,
                          std::vector<std::uint32_t> label_ids);

  std::uint64_t rows() const { return feature_offsets_.empty() ? 0 : feature_offsets_.size() - 1; }
  std::uint32_t num_features() const { return num_features_; }
  std::uint32_t num_labels() const { return num_labels_; }

  std::span<const std::uint32_t> feature_ids(std::uint64_t row) const {
    return {feature_ids_.data() + feature_offsets_[row],
            feature_ids_.data() + feature_offsets_[row + 1]};
  }
  std::span<const float> feature_values(std::uint64_t row) const {
    return {feature_values_.data() + feature_offsets_[row],
            feature_values_.data() + feature_offsets_[row + 1]};
  }
  std::span<const std::uint32_t> labels(std::uint64_t row) const {
    return {label_ids_.data() + label_offsets_[row], label_ids_.data() + label_offsets_[row + 1]};
  }

  // Total stored feature entries and label entries.
  std::uint64_t feature_nnz() const { return feature_ids_.size(); }
  std::uint64_t label_nnz() const { return label_ids_.size(); }

  // The raw CSR arrays (e.g. for a kernel that walks all rows).
  std::span<const std::uint64_t> feature_offsets() const { return feature_offsets_; }
  std::span<const std::uint32_t> all_feature_ids() const { return feature_ids_; }
  std::span<const float> all_feature_values() const { return feature_values_; }
  std::span<const std::uint64_t> label_offsets() const { return label_offsets_; }
  std::span<const std::uint32_t> all_label_ids() const { return label_ids_; }

  // N_l: for each label id below num_labels(), how many rows carry it (input of the propensity
  // model, slide/xc/propensity.h).
  std::vector<std::uint64_t> label_counts() const;

  // A new data set holding the given rows in the given order (repeats allowed), same dimensions.
  // Throws UsageError for a row index out of range.
  Dataset select(std::span<const std::uint64_t> row_indices) const;

 private:
  std::uint32_t num_features_ = 0;
  std::uint32_t num_labels_ = 0;
  std::vector<std::uint64_t> feature_offsets_;
  std::vector<std::uint32_t> feature_ids_;
  std::vector<float> feature_values_;
  std::vector<std::uint64_t> label_offsets_;
  std::vector<std::uint32_t> label_ids_;
};

}  // namespace slide::xc
