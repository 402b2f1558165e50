// Choosing the kernel set: names, unsupported sets, the SLIDE_KERNELS override.
#include "slide/simd/dispatch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "slide/core/error.h"
#include "slide/simd/cpu_features.h"

namespace slide::simd {
namespace {

constexpr KernelSet kAll[] = {KernelSet::scalar, KernelSet::avx2, KernelSet::avx512,
                              KernelSet::avx512_bf16, KernelSet::amx};

TEST(Dispatch, NamesRoundTrip) {
  for (KernelSet set : kAll) EXPECT_EQ(parse_kernel_set(kernel_set_name(set)), set);
  EXPECT_STREQ(kernel_set_name(KernelSet::avx512_bf16), "avx512-bf16");
}

TEST(Dispatch, UnknownNameIsUsageError) {
  for (const char* bad : {"", "AVX2", "avx512_bf16", "sse", "avx2 "}) {
    EXPECT_THROW(parse_kernel_set(bad), UsageError) << "'" << bad << "'";
  }
}

TEST(Dispatch, SupportedSetsAreOrderedAndConsistent) {
  const auto sets = supported_kernel_sets();
  ASSERT_FALSE(sets.empty());
  EXPECT_EQ(sets.front(), KernelSet::scalar);
  EXPECT_EQ(sets.back(), best_kernel_set());
  for (KernelSet set : kAll) {
    const bool listed = std::find(sets.begin(), sets.end(), set) != sets.end();
    EXPECT_EQ(listed, is_supported(set)) << kernel_set_name(set);
    if (listed) {
      EXPECT_STREQ(kernels_for(set).name, kernel_set_name(set));
    }
  }
  // Each set needs the one below it.
  const CpuFeatures& cpu = cpu_features();
  if (cpu.avx512) {
    EXPECT_TRUE(cpu.avx2);
  }
  if (cpu.avx512_bf16) {
    EXPECT_TRUE(cpu.avx512);
  }
  if (cpu.amx_bf16) {
    EXPECT_TRUE(cpu.avx512_bf16);
  }
}

TEST(Dispatch, UnsupportedSetIsUsageErrorNotSigill) {
  int unsupported = 0;
  for (KernelSet set : kAll) {
    if (is_supported(set)) continue;
    ++unsupported;
    EXPECT_THROW(kernels_for(set), UsageError) << kernel_set_name(set);
    EXPECT_THROW(set_active_kernel_set(set), UsageError) << kernel_set_name(set);
  }
  if (unsupported == 0) GTEST_SKIP() << "every kernel set is supported on this machine";
}

TEST(Dispatch, SetActiveKernelSet) {
  const KernelSet before = active_kernel_set();
  for (KernelSet set : supported_kernel_sets()) {
    set_active_kernel_set(set);
    EXPECT_EQ(active_kernel_set(), set);
    EXPECT_EQ(&kernels(), &kernels_for(set));
  }
  set_active_kernel_set(before);
}

// Run in a child process by the test below: the first call to kernels() reads SLIDE_KERNELS.
TEST(DispatchChild, ReportsActiveSet) {
  const char* want = std::getenv("SLIDE_KERNELS_TEST_EXPECT");
  if (!want) GTEST_SKIP() << "only meaningful when started by Dispatch.SlideKernelsIsHonoured";
  if (std::string(want) == "error") {
    EXPECT_THROW(kernels(), UsageError);
  } else {
    EXPECT_STREQ(kernels().name, want);
    EXPECT_STREQ(kernel_set_name(active_kernel_set()), want);
  }
}

int run_child(const std::string& value, const std::string& expect) {
  char self[4096];
  const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) return -1;
  self[len] = '\0';
  const std::string command = "SLIDE_KERNELS='" + value + "' SLIDE_KERNELS_TEST_EXPECT='" + expect +
                              "' '" + self + "' --gtest_filter=DispatchChild.ReportsActiveSet" +
                              " > /dev/null 2>&1";
  return std::system(command.c_str());
}

TEST(Dispatch, SlideKernelsIsHonoured) {
  for (KernelSet set : supported_kernel_sets()) {
    EXPECT_EQ(run_child(kernel_set_name(set), kernel_set_name(set)), 0) << kernel_set_name(set);
  }
  EXPECT_EQ(run_child("no-such-set", "error"), 0);
  for (KernelSet set : kAll) {
    if (!is_supported(set)) {
      EXPECT_EQ(run_child(kernel_set_name(set), "error"), 0);
    }
  }
  // And the check itself can fail: a wrong expectation must make the child fail.
  EXPECT_NE(run_child("scalar", "avx2"), 0);
}

}  // namespace
}  // namespace slide::simd
