#include "common/memory_size.h"

#include <cctype>
#include <cmath>
#include <cstdio>

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
      case 'K':
        scale = 0x1p10;
        break;
      case 'M':
        scale = 0x1p20;
        break;
      case 'G':
        scale = 0x1p30;
        break;
      case 'T':
        scale = 0x1p40;
        break;
      default:
        used = 0;
    }
  } else if (!suffix.empty()) {
    used = 0;
  }
  if (used == 0 || !std::isfinite(value) || value <= 0) {
    throw UsageError("bad memory size '" + text + "' (expected e.g. 800M, 16G)");
  }
  return static_cast<std::uint64_t>(value * scale);
}

}  // namespace slide::cli
