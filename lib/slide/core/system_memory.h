#pragma once

// What the machine (or the control group) lets a process allocate, for the refusals of
// configurations that cannot fit, and the byte counts those refusals print.

#include <cstdint>
#include <optional>
#include <string>

namespace slide {

// /proc/meminfo MemAvailable in bytes, capped by the control group's memory limit where one is
// set (cgroup v2 memory.max or v1 memory.limit_in_bytes); nullopt where unknown.
std::optional<std::uint64_t> available_memory();
// "1.23 GiB".
std::string format_bytes(double bytes);

}  // namespace slide
