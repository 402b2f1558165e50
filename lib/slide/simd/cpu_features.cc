#include "slide/simd/cpu_features.h"

#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>

namespace slide::simd {
namespace {

std::uint64_t read_xcr0() {
  std::uint32_t eax, edx;
  // xgetbv with ecx = 0; encoded by hand so this TU needs no -mxsave.
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
  return (std::uint64_t{edx} << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures features;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return features;
  const bool osxsave = ecx & (1u << 27);
  const bool fma = ecx & (1u << 12);
  const bool f16c = ecx & (1u << 29);
  if (!osxsave) return features;
  const std::uint64_t xcr0 = read_xcr0();
  const bool os_ymm = (xcr0 & 0x6) == 0x6;
  const bool os_zmm = (xcr0 & 0xE6) == 0xE6;
  const bool os_tiles = (xcr0 & 0x60000) == 0x60000;  // XTILECFG (17) and XTILEDATA (18)

  if (__get_cpuid_max(0, nullptr) < 7) return features;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const bool avx2 = ebx & (1u << 5);
  const bool avx512f = ebx & (1u << 16), avx512dq = ebx & (1u << 17);
  const bool avx512bw = ebx & (1u << 30), avx512vl = ebx & (1u << 31);
  const bool amx_bf16 = edx & (1u << 22), amx_tile = edx & (1u << 24);
  unsigned eax1, ebx1, ecx1, edx1;
  __cpuid_count(7, 1, eax1, ebx1, ecx1, edx1);
  const bool avx512_bf16 = eax1 & (1u << 5);

  features.avx2 = os_ymm && avx2 && fma && f16c;
  features.avx512 = features.avx2 && os_zmm && avx512f && avx512dq && avx512bw && avx512vl;
  features.avx512_bf16 = features.avx512 && avx512_bf16;
  features.amx_bf16 = features.avx512_bf16 && os_tiles && amx_tile && amx_bf16;
  return features;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

bool request_amx_permission() {
  static std::once_flag once;
  static bool granted = false;
  std::call_once(once, [] {
    if (!cpu_features().amx_bf16) return;
    constexpr int kArchReqXcompPerm = 0x1023;
    constexpr int kXfeatureXtiledata = 18;
    granted = syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  });
  return granted;
}

}  // namespace slide::simd
