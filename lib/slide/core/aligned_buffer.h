#pragma once

// A 64-byte aligned, zero-initialised, move-only array: the storage of every weight matrix,
// optimizer state and scratch vector in the engine. Large buffers (>= kHugePageThreshold bytes)
// are anonymous mappings aligned to 2 MiB and advised MADV_HUGEPAGE, which cuts TLB misses on
// the output layer (SLIDE 2021, "huge pages"; where the kernel does not support it the advice
// is ignored). Mapped pages are zero without being written, so memory that is never touched
// (e.g. Adam state of rows never trained) is never committed.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

namespace slide {

inline constexpr std::size_t kCacheLine = 64;
inline constexpr std::size_t kHugePageThreshold = std::size_t{4} << 20;

namespace detail {
// Returns zeroed memory of at least `bytes` bytes aligned to 64 (2 MiB for large requests).
// Throws ResourceError when the allocation fails. bytes == 0 returns nullptr.
void* allocate_aligned(std::size_t bytes);
// Frees what allocate_aligned(bytes) returned (the same `bytes`).
void free_aligned(void* p, std::size_t bytes) noexcept;
}  // namespace detail

template <typename T>
class AlignedBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "AlignedBuffer holds plain data only");

 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t size)
      : data_(static_cast<T*>(detail::allocate_aligned(size * sizeof(T)))), size_(size) {}
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  AlignedBuffer(AlignedBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept {
    if (this != &other) {
      detail::free_aligned(data_, size_ * sizeof(T));
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ~AlignedBuffer() { detail::free_aligned(data_, size_ * sizeof(T)); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  std::span<T> span() { return {data_, size_}; }
  std::span<const T> span() const { return {data_, size_}; }

  void fill_zero() {
    if (size_) std::memset(static_cast<void*>(data_), 0, size_ * sizeof(T));
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace slide
