#include "slide/core/aligned_buffer.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "slide/core/error.h"

namespace slide::detail {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t mapped_size(std::size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}

}  // namespace

void* allocate_aligned(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  if (bytes < kHugePageThreshold) {
    const std::size_t rounded = (bytes + kCacheLine - 1) / kCacheLine * kCacheLine;
    void* p = nullptr;
    if (posix_memalign(&p, kCacheLine, rounded) != 0 || p == nullptr) {
      throw ResourceError("cannot allocate " + std::to_string(bytes) + " bytes");
    }
    std::memset(p, 0, rounded);
    return p;
  }
  // Map one huge page more than needed, then unmap the unaligned head and the tail.
  const std::size_t size = mapped_size(bytes);
  void* raw =
      mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) {
    throw ResourceError("cannot map " + std::to_string(bytes) + " bytes");
  }
  const auto base = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (base + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > base) munmap(raw, aligned - base);
  const std::uintptr_t end = base + size + kHugePage;
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  void* p = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  // Advice only: EINVAL where transparent huge pages are off or unsupported is fine.
  madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

void free_aligned(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes < kHugePageThreshold) {
    std::free(p);
  } else {
    munmap(p, mapped_size(bytes));
  }
}

}  // namespace slide::detail
