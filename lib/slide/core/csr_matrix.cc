#include "slide/core/csr_matrix.h"

#include <string>

#include "slide/core/error.h"

namespace slide {

CsrMatrix::CsrMatrix(std::uint64_t cols, bool binary) : cols_(cols), binary_(binary) {}

CsrMatrix::CsrMatrix(std::uint64_t cols, std::vector<std::uint64_t> indptr,
                     std::vector<std::uint32_t> indices, std::vector<float> values)
    : cols_(cols),
      binary_(values.empty()),
      indptr_(std::move(indptr)),
      indices_(std::move(indices)),
      values_(std::move(values)) {
  if (indptr_.empty() || indptr_.front() != 0 || indptr_.back() != indices_.size()) {
    throw UsageError("CSR arrays: indptr must start at 0 and end at the number of indices");
  }
  for (std::size_t i = 1; i < indptr_.size(); ++i) {
    if (indptr_[i] < indptr_[i - 1]) throw UsageError("CSR arrays: indptr decreases");
  }
  if (!binary_ && values_.size() != indices_.size()) {
    throw UsageError("CSR arrays: values and indices differ in length");
  }
  for (std::uint32_t id : indices_) {
    if (id >= cols_) {
      throw UsageError("CSR arrays: index " + std::to_string(id) + " is not below the " +
                       std::to_string(cols_) + " columns");
    }
  }
}

void CsrMatrix::append_row(std::span<const std::uint32_t> ids, std::span<const float> values) {
  if (binary_ && !values.empty()) throw UsageError("a binary CSR matrix takes no values");
  if (!values.empty() && values.size() != ids.size()) {
    throw UsageError("CSR row: values and ids differ in length");
  }
  for (std::uint32_t id : ids) {
    if (id >= cols_) {
      throw UsageError("CSR row: index " + std::to_string(id) + " is not below the " +
                       std::to_string(cols_) + " columns");
    }
  }
  indices_.insert(indices_.end(), ids.begin(), ids.end());
  if (!binary_) {
    if (values.empty()) {
      values_.insert(values_.end(), ids.size(), 1.0f);
    } else {
      values_.insert(values_.end(), values.begin(), values.end());
    }
  }
  indptr_.push_back(indices_.size());
}

void CsrMatrix::reserve(std::size_t rows, std::size_t nnz) {
  indptr_.reserve(rows + 1);
  indices_.reserve(nnz);
  if (!binary_) values_.reserve(nnz);
}

void CsrMatrix::clear() {
  indptr_.assign(1, 0);
  indices_.clear();
  values_.clear();
}

void SparseDataset::check() const {
  if (features.rows() != labels.rows()) {
    throw UsageError("data set: " + std::to_string(features.rows()) + " feature rows but " +
                     std::to_string(labels.rows()) + " label rows");
  }
}

}  // namespace slide
