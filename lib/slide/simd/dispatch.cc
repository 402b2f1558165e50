#include "slide/simd/dispatch.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "slide/core/error.h"
#include "slide/simd/cpu_features.h"
#include "slide/simd/kernel_tables.h"

namespace slide::simd {
namespace {

constexpr KernelSet kAllSets[] = {KernelSet::scalar, KernelSet::avx2, KernelSet::avx512,
                                  KernelSet::avx512_bf16, KernelSet::amx};

std::atomic<const Kernels*> active_table{nullptr};
std::atomic<KernelSet> active_set{KernelSet::scalar};
std::mutex choose_mutex;

void activate(KernelSet set) {
  const Kernels& table = kernels_for(set);
  active_set.store(set, std::memory_order_relaxed);
  active_table.store(&table, std::memory_order_release);
}

}  // namespace

const char* kernel_set_name(KernelSet set) {
  switch (set) {
    case KernelSet::scalar:
      return "scalar";
    case KernelSet::avx2:
      return "avx2";
    case KernelSet::avx512:
      return "avx512";
    case KernelSet::avx512_bf16:
      return "avx512-bf16";
    case KernelSet::amx:
      return "amx";
  }
  return "unknown";
}

KernelSet parse_kernel_set(std::string_view name) {
  for (KernelSet set : kAllSets) {
    if (name == kernel_set_name(set)) return set;
  }
  throw UsageError("unknown kernel set '" + std::string(name) +
                   "'; expected scalar, avx2, avx512, avx512-bf16 or amx");
}

bool is_supported(KernelSet set) {
  const CpuFeatures& cpu = cpu_features();
  switch (set) {
    case KernelSet::scalar:
      return true;
    case KernelSet::avx2:
      return cpu.avx2;
    case KernelSet::avx512:
      return cpu.avx512;
    case KernelSet::avx512_bf16:
      return cpu.avx512_bf16;
    case KernelSet::amx:
      return cpu.amx_bf16 && request_amx_permission();
  }
  return false;
}

std::vector<KernelSet> supported_kernel_sets() {
  std::vector<KernelSet> sets;
  for (KernelSet set : kAllSets) {
    if (is_supported(set)) sets.push_back(set);
  }
  return sets;
}

KernelSet best_kernel_set() {
  return supported_kernel_sets().back();
}

const Kernels& kernels_for(KernelSet set) {
  if (!is_supported(set)) {
    throw UsageError(std::string("kernel set '") + kernel_set_name(set) +
                     "' is not supported by this CPU or operating system; best available is '" +
                     kernel_set_name(best_kernel_set()) + "'");
  }
  switch (set) {
    case KernelSet::scalar:
      return scalar_kernels();
    case KernelSet::avx2:
      return avx2_kernels();
    case KernelSet::avx512:
      return avx512_kernels();
    case KernelSet::avx512_bf16:
      return avx512_bf16_kernels();
    case KernelSet::amx:
      return amx_kernels();
  }
  return scalar_kernels();
}

const Kernels& kernels() {
  if (const Kernels* table = active_table.load(std::memory_order_acquire)) return *table;
  std::lock_guard lock(choose_mutex);
  if (const Kernels* table = active_table.load(std::memory_order_acquire)) return *table;
  const char* forced = std::getenv("SLIDE_KERNELS");
  activate(forced && *forced ? parse_kernel_set(forced) : best_kernel_set());
  return *active_table.load(std::memory_order_acquire);
}

KernelSet active_kernel_set() {
  kernels();
  return active_set.load(std::memory_order_relaxed);
}

void set_active_kernel_set(KernelSet set) {
  std::lock_guard lock(choose_mutex);
  activate(set);
}

}  // namespace slide::simd
