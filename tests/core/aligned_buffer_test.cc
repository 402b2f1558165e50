#include "slide/core/aligned_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "slide/core/dense_matrix.h"

namespace slide {
namespace {

bool aligned(const void* p, std::size_t a) {
  return reinterpret_cast<std::uintptr_t>(p) % a == 0;
}

TEST(AlignedBuffer, IsAlignedAndZeroed) {
  for (std::size_t n : {1u, 3u, 17u, 1000u}) {
    AlignedBuffer<float> b(n);
    ASSERT_EQ(b.size(), n);
    EXPECT_TRUE(aligned(b.data(), 64));
    for (float x : b) EXPECT_EQ(x, 0.0f);
  }
}

TEST(AlignedBuffer, LargeBuffersAreHugePageAligned) {
  AlignedBuffer<std::uint8_t> b(kHugePageThreshold);
  EXPECT_TRUE(aligned(b.data(), std::size_t{2} << 20));
  EXPECT_EQ(b[kHugePageThreshold - 1], 0);
}

TEST(AlignedBuffer, MovesOwnership) {
  AlignedBuffer<int> a(10);
  a[3] = 7;
  int* p = a.data();
  AlignedBuffer<int> b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b[3], 7);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is defined
  EXPECT_EQ(a.size(), 0u);
  AlignedBuffer<int> c(5);
  c = std::move(b);
  EXPECT_EQ(c.data(), p);
  EXPECT_EQ(c.size(), 10u);
}

TEST(AlignedBuffer, EmptyHasNoStorage) {
  AlignedBuffer<float> b(0);
  EXPECT_EQ(b.data(), nullptr);
  EXPECT_TRUE(b.empty());
}

TEST(DenseMatrix, RowsStartOnCacheLines) {
  DenseMatrix<float> m(5, 17);
  EXPECT_EQ(m.stride(), 32u);
  DenseMatrix<std::uint16_t> h(5, 17);
  EXPECT_EQ(h.stride(), 32u);
  DenseMatrix<float> exact(3, 128);
  EXPECT_EQ(exact.stride(), 128u);
  for (std::size_t r = 0; r < m.rows(); ++r) EXPECT_TRUE(aligned(m.row(r), 64));
  m.row(4)[16] = 2.0f;
  EXPECT_EQ(m.data()[4 * 32 + 16], 2.0f);
  EXPECT_EQ(m.row(4)[17], 0.0f);  // padding is zero
}

}  // namespace
}  // namespace slide
