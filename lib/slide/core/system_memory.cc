#include "slide/core/system_memory.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace slide {

std::optional<std::uint64_t> available_memory() {
  std::optional<std::uint64_t> available;
  {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib) {
      std::getline(in, unit);
      if (key == "MemAvailable:") {
        available = kib * 1024;
        break;
      }
    }
  }
  // A memory limit of the control group (v2 memory.max, v1 memory.limit_in_bytes) kills the
  // process above it whatever the machine has free. (The limit itself, not the limit minus the
  // group's usage, which counts reclaimable page cache.)
  auto read_number = [](const char* path) -> std::optional<std::uint64_t> {
    std::ifstream in(path);
    std::uint64_t value = 0;
    if (in >> value) return value;
    return std::nullopt;  // absent, or "max"
  };
  std::optional<std::uint64_t> limit = read_number("/sys/fs/cgroup/memory.max");
  if (!limit) limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  // v1 reports "no limit" as a huge number.
  if (limit && *limit < (std::uint64_t{1} << 60)) {
    available = available ? std::min(*available, *limit) : *limit;
  }
  return available;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
  return text;
}

}  // namespace slide
