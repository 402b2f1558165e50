#pragma once

// A move-only, uninitialised array for the big flat arrays of the tables (hundreds of MB,
// read at random by queries). Blocks of 2 MiB or more are 2 MiB-aligned and marked for
// transparent huge pages where Linux offers them (madvise), which removes most TLB misses from
// random bucket lookups; elsewhere it is an ordinary aligned allocation.

#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace slide::lsh {

template <typename T>
class HugeBuffer {
 public:
  HugeBuffer() = default;
  explicit HugeBuffer(std::size_t n) : size_(n) {
    if (n == 0) return;
    constexpr std::size_t kHuge = std::size_t{1} << 21;
    const std::size_t bytes = n * sizeof(T);
    const std::size_t align = bytes >= kHuge ? kHuge : 64;
    const std::size_t rounded = (bytes + align - 1) / align * align;
    data_ = static_cast<T*>(std::aligned_alloc(align, rounded));
    if (data_ == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (align == kHuge) madvise(data_, rounded, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
  }
  ~HugeBuffer() {
    std::free(data_);
  }
  HugeBuffer(HugeBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  HugeBuffer& operator=(HugeBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;

  T* data() {
    return data_;
  }
  const T* data() const {
    return data_;
  }
  std::size_t size() const {
    return size_;
  }
  T& operator[](std::size_t i) {
    return data_[i];
  }
  const T& operator[](std::size_t i) const {
    return data_[i];
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace slide::lsh
