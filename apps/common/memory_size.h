#pragma once

// Memory sizes for the apps' --max-memory options and their refusals: parsing, what the machine
// (or the control group) has available, and printing.

#include <cstdint>
#include <optional>
#include <string>

namespace slide::cli {

// Parses "800M", "16G", "1.5T", "123456" (bytes). UsageError otherwise.
std::uint64_t parse_memory_size(const std::string& text);
// /proc/meminfo MemAvailable in bytes, capped by the control group's memory limit where one is
// set (cgroup v2 memory.max or v1 memory.limit_in_bytes); nullopt where unknown.
std::optional<std::uint64_t> available_memory();
// "1.23 GiB".
std::string format_bytes(double bytes);

}  // namespace slide::cli
