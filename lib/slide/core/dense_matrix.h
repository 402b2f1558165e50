#pragma once

// Row-major matrix whose rows start on 64-byte boundaries: the stride is the column count
// rounded up to a whole cache line (16 floats, 32 bfloat16). The padding is zero and stays zero,
// so kernels may read whole lines. Used for every weight matrix and its optimizer state.

#include <cstddef>
#include <cstdint>
#include <span>

#include "slide/core/aligned_buffer.h"

namespace slide {

// Number of elements of type T that fill one cache line.
template <typename T>
inline constexpr std::size_t kElementsPerLine = kCacheLine / sizeof(T);

template <typename T>
constexpr std::size_t padded_stride(std::size_t cols) {
  return (cols + kElementsPerLine<T> - 1) / kElementsPerLine<T> * kElementsPerLine<T>;
}

template <typename T>
class DenseMatrix {
 public:
  DenseMatrix() = default;
  DenseMatrix(std::size_t rows, std::size_t cols)
      : rows_(rows), cols_(cols), stride_(padded_stride<T>(cols)), data_(rows * stride_) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t stride() const { return stride_; }
  bool empty() const { return rows_ == 0; }

  T* row(std::size_t i) { return data_.data() + i * stride_; }
  const T* row(std::size_t i) const { return data_.data() + i * stride_; }
  std::span<T> row_span(std::size_t i) { return {row(i), cols_}; }
  std::span<const T> row_span(std::size_t i) const { return {row(i), cols_}; }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  // Elements including padding: rows() * stride().
  std::size_t storage_size() const { return data_.size(); }
  void fill_zero() { data_.fill_zero(); }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::size_t stride_ = 0;
  AlignedBuffer<T> data_;
};

}  // namespace slide
