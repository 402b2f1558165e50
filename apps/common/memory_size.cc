#include "common/memory_size.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "slide/core/error.h"

namespace slide::cli {

std::uint64_t parse_memory_size(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  double scale = 1;
  std::string suffix = text.substr(used);
  if (suffix.size() == 1 || (suffix.size() == 3 && suffix.substr(1) == "iB") ||
      (suffix.size() == 2 && suffix[1] == 'B')) {
    switch (std::toupper(static_cast<unsigned char>(suffix[0]))) {
      case 'K': scale = 0x1p10; break;
      case 'M': scale = 0x1p20; break;
      case 'G': scale = 0x1p30; break;
      case 'T': scale = 0x1p40; break;
      default: used = 0;
    }
  } else if (!suffix.empty()) {
    used = 0;
  }
  if (used == 0 || !std::isfinite(value) || value <= 0) {
    throw UsageError("bad memory size '" + text + "' (expected e.g. 800M, 16G)");
  }
  return static_cast<std::uint64_t>(value * scale);
}

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

}  // namespace slide::cli
