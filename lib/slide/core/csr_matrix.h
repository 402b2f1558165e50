#pragma once

// Compressed sparse rows: the layout of every data set (features and labels) and of batches of
// inputs. Rows are stored back to back (indptr/indices/values), which is what SLIDE 2021 calls
// memory coalescing: a batch reads contiguous memory, never a vector per row.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace slide {

// A view of one sparse row. `values` is empty for a binary row (every value is 1).
struct SparseRow {
  std::span<const std::uint32_t> ids;
  std::span<const float> values;

  std::size_t size() const { return ids.size(); }
  bool empty() const { return ids.empty(); }
  float value(std::size_t i) const { return values.empty() ? 1.0f : values[i]; }
};

class CsrMatrix {
 public:
  // A matrix with `cols` columns and no rows. A binary matrix stores no values (all are 1),
  // which is how label sets are kept.
  explicit CsrMatrix(std::uint64_t cols = 0, bool binary = false);
  // Takes ownership of ready arrays. indptr has rows+1 entries starting at 0 and never
  // decreasing; values is empty (binary) or as long as indices. Throws UsageError when the arrays
  // are inconsistent or an index is >= cols.
  CsrMatrix(std::uint64_t cols, std::vector<std::uint64_t> indptr,
            std::vector<std::uint32_t> indices, std::vector<float> values);

  // Appends a row. For a binary matrix `values` must be empty; otherwise it must be empty (all
  // ones) or as long as `ids`. Throws UsageError for an id >= cols().
  void append_row(std::span<const std::uint32_t> ids, std::span<const float> values = {});
  void reserve(std::size_t rows, std::size_t nnz);
  void clear();

  std::size_t rows() const { return indptr_.size() - 1; }
  std::uint64_t cols() const { return cols_; }
  std::size_t nnz() const { return indices_.size(); }
  bool binary() const { return binary_; }

  SparseRow row(std::size_t i) const {
    const std::size_t begin = indptr_[i], end = indptr_[i + 1];
    return {std::span<const std::uint32_t>(indices_.data() + begin, end - begin),
            binary_ ? std::span<const float>()
                    : std::span<const float>(values_.data() + begin, end - begin)};
  }

  const std::vector<std::uint64_t>& indptr() const { return indptr_; }
  const std::vector<std::uint32_t>& indices() const { return indices_; }
  const std::vector<float>& values() const { return values_; }

 private:
  std::uint64_t cols_;
  bool binary_;
  std::vector<std::uint64_t> indptr_{0};
  std::vector<std::uint32_t> indices_;
  std::vector<float> values_;
};

// A training or test set: one feature row and one label row per example.
struct SparseDataset {
  CsrMatrix features;
  CsrMatrix labels{0, true};

  std::size_t size() const { return features.rows(); }
  // Throws UsageError when the row counts differ.
  void check() const;
};

}  // namespace slide
