#pragma once

// Memory sizes for the apps' --max-memory options and their refusals: parsing, what the machine
// (or the control group) has available, and printing.

#include <cstdint>
#include <optional>
#include <string>

#include "slide/core/system_memory.h"

namespace slide::cli {

// Parses "800M", "16G", "1.5T", "123456" (bytes). UsageError otherwise.
std::uint64_t parse_memory_size(const std::string& text);
// The library's (slide/core/system_memory.h), under the names the apps use.
using slide::available_memory;
using slide::format_bytes;

}  // namespace slide::cli
