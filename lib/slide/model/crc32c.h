#pragma once

// CRC32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78), the checksum of model files.
// The value is the standard one (crc32c("123456789") == 0xE3069283) and chains: passing the
// result of one call as `crc` to the next gives the CRC of the concatenation, so sections can be
// checksummed while they stream.

#include <cstddef>
#include <cstdint>

namespace slide::model {

// Picks the SSE4.2 instruction when CPUID reports it, the software table otherwise (chosen once).
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

// Slicing-by-8 table implementation: portable, about 1-2 GB/s; the test oracle for the other.
std::uint32_t crc32c_software(const void* data, std::size_t size, std::uint32_t crc = 0);

// Whether this CPU has the SSE4.2 crc32 instruction.
bool crc32c_hardware_available();

// The SSE4.2 implementation. Throws UsageError where crc32c_hardware_available() is false.
std::uint32_t crc32c_hardware(const void* data, std::size_t size, std::uint32_t crc = 0);

// "sse4.2" or "software": what crc32c() uses on this machine.
const char* crc32c_implementation_name();

}  // namespace slide::model
