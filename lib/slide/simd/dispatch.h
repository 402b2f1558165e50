#pragma once

// Run-time choice of the kernel set. The choice is made once, on first use, from CPUID and the
// state the operating system enabled (XCR0, and for AMX the arch_prctl permission), unless the
// environment variable SLIDE_KERNELS names a set. Asking for a set the CPU lacks is a UsageError,
// never a SIGILL.

#include <string>
#include <string_view>
#include <vector>

#include "slide/simd/kernels.h"

namespace slide::simd {

enum class KernelSet { scalar, avx2, avx512, avx512_bf16, amx };

// "scalar", "avx2", "avx512", "avx512-bf16", "amx".
const char* kernel_set_name(KernelSet set);
// Throws UsageError naming the valid names.
KernelSet parse_kernel_set(std::string_view name);

// Whether this CPU and operating system can run the set.
bool is_supported(KernelSet set);
// Every supported set, from scalar up.
std::vector<KernelSet> supported_kernel_sets();
// The best supported set.
KernelSet best_kernel_set();

// The table of one set. Throws UsageError if the set is not supported here.
const Kernels& kernels_for(KernelSet set);

// The active table: the first call chooses it (SLIDE_KERNELS, or the best set) and later calls
// return the same table. Thread-safe.
const Kernels& kernels();
KernelSet active_kernel_set();
// Replaces the active set (the apps' --kernels option). Throws UsageError if unsupported.
void set_active_kernel_set(KernelSet set);

}  // namespace slide::simd
