#include "slide/core/aligned_buffer.h"

#include <sys/mman.h>

#include <cstdlib>
#include <string>

#include "slide/core/error.h"

namespace slide::detail {

void* allocate_aligned(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  const bool large = bytes >= kHugePageThreshold;
  const std::size_t alignment = large ? (std::size_t{2} << 20) : kCacheLine;
  const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* p = nullptr;
  if (posix_memalign(&p, alignment, rounded) != 0 || p == nullptr) {
    throw ResourceError("cannot allocate " + std::to_string(bytes) + " bytes");
  }
#ifdef MADV_HUGEPAGE
  // Advice only: EINVAL where transparent huge pages are off or unsupported is fine.
  if (large) madvise(p, rounded, MADV_HUGEPAGE);
#endif
  std::memset(p, 0, rounded);
  return p;
}

void free_aligned(void* p) noexcept { std::free(p); }

}  // namespace slide::detail
