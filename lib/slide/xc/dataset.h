#pragma once

// A multi-label sparse data set held as two CSR matrices (features and labels) in contiguous
// arrays, the in-memory form of every XC reader (slide/xc/dataset_reader.h). The matrices are the
// engine's own (SparseDataset): the readers build them in place, and training and prediction use
// them as they are, so a data set is held once.
//
// Invariants (checked by from_csr): within a row, feature ids are strictly increasing and below
// num_features(); label ids are strictly increasing and below num_labels(); feature values are
// finite.

#include <cstdint>
#include <span>
#include <vector>

#include "slide/core/csr_matrix.h"

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

  std::uint64_t rows() const { return data_.size(); }
  std::uint32_t num_features() const { return static_cast<std::uint32_t>(data_.features.cols()); }
  std::uint32_t num_labels() const { return static_cast<std::uint32_t>(data_.labels.cols()); }

  std::span<const std::uint32_t> feature_ids(std::uint64_t row) const {
    return data_.features.row(row).ids;
  }
  // Empty for a row without features (and for every row when the data set has no feature).
  std::span<const float> feature_values(std::uint64_t row) const {
    return data_.features.row(row).values;
  }
  std::span<const std::uint32_t> labels(std::uint64_t row) const {
    return data_.labels.row(row).ids;
  }

  // Total stored feature entries and label entries.
  std::uint64_t feature_nnz() const { return data_.features.nnz(); }
  std::uint64_t label_nnz() const { return data_.labels.nnz(); }

  // The raw CSR arrays (e.g. for a kernel that walks all rows).
  std::span<const std::uint64_t> feature_offsets() const { return data_.features.indptr(); }
  std::span<const std::uint32_t> all_feature_ids() const { return data_.features.indices(); }
  std::span<const float> all_feature_values() const { return data_.features.values(); }
  std::span<const std::uint64_t> label_offsets() const { return data_.labels.indptr(); }
  std::span<const std::uint32_t> all_label_ids() const { return data_.labels.indices(); }

  // The engine's view (nn::Trainer, nn::Predictor): no copy.
  const SparseDataset& sparse() const { return data_; }
  const CsrMatrix& features() const { return data_.features; }

  // N_l: for each label id below num_labels(), how many rows carry it (input of the propensity
  // model, slide/xc/propensity.h).
  std::vector<std::uint64_t> label_counts() const;

  // A new data set holding the given rows in the given order (repeats allowed), same dimensions.
  // Throws UsageError for a row index out of range.
  Dataset select(std::span<const std::uint64_t> row_indices) const;

 private:
  SparseDataset data_;
};

}  // namespace slide::xc
