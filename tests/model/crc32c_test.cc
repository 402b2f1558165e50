#include "slide/model/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "slide/core/error.h"

namespace slide::model {
namespace {

// Bit-at-a-time CRC32C straight from the definition: the oracle for both fast versions.
std::uint32_t reference_crc32c(const unsigned char* p, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= p[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

struct Vector {
  std::vector<unsigned char> bytes;
  std::uint32_t crc;
};

// Published check values: the CRC catalogue's "123456789", and RFC 3720 (iSCSI) B.4.
std::vector<Vector> known_vectors() {
  std::vector<Vector> vectors;
  const std::string check = "123456789";
  vectors.push_back({{check.begin(), check.end()}, 0xE3069283u});
  vectors.push_back({{}, 0x00000000u});
  vectors.push_back({std::vector<unsigned char>(32, 0x00), 0x8A9136AAu});
  vectors.push_back({std::vector<unsigned char>(32, 0xFF), 0x62A8AB43u});
  std::vector<unsigned char> ascending(32), descending(32);
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<unsigned char>(i);
    descending[i] = static_cast<unsigned char>(31 - i);
  }
  vectors.push_back({ascending, 0x46DD794Eu});
  vectors.push_back({descending, 0x113FDB5Cu});
  const std::string fox = "The quick brown fox jumps over the lazy dog";
  vectors.push_back({{fox.begin(), fox.end()}, 0x22620404u});
  return vectors;
}

TEST(Crc32c, KnownVectorsSoftware) {
  for (const Vector& v : known_vectors()) {
    EXPECT_EQ(crc32c_software(v.bytes.data(), v.bytes.size()), v.crc) << v.bytes.size();
    EXPECT_EQ(reference_crc32c(v.bytes.data(), v.bytes.size()), v.crc);
  }
}

TEST(Crc32c, KnownVectorsHardware) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  for (const Vector& v : known_vectors()) {
    EXPECT_EQ(crc32c_hardware(v.bytes.data(), v.bytes.size()), v.crc) << v.bytes.size();
  }
}

TEST(Crc32c, DispatchedMatchesAndNamesItsImplementation) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  const std::string name = crc32c_implementation_name();
  EXPECT_EQ(name, crc32c_hardware_available() ? "sse4.2" : "software");
}

TEST(Crc32c, HardwareThrowsWhenUnavailable) {
  if (crc32c_hardware_available()) GTEST_SKIP() << "SSE4.2 present";
  EXPECT_THROW(crc32c_hardware("x", 1), UsageError);
}

// Random lengths and misaligned starts exercise the head, 8-byte, 32-byte and tail loops.
TEST(Crc32c, MatchesReferenceOnRandomSlices) {
  std::mt19937_64 rng(20261126);
  std::vector<unsigned char> data(4096 + 64);
  for (auto& b : data) b = static_cast<unsigned char>(rng());
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t start = rng() % 64;
    const std::size_t size = trial < 80 ? static_cast<std::size_t>(trial) : rng() % 4096;
    const unsigned char* p = data.data() + start;
    const std::uint32_t expected = reference_crc32c(p, size);
    ASSERT_EQ(crc32c_software(p, size), expected) << "start " << start << " size " << size;
    if (crc32c_hardware_available()) {
      ASSERT_EQ(crc32c_hardware(p, size), expected) << "start " << start << " size " << size;
    }
    ASSERT_EQ(crc32c(p, size), expected);
  }
}

TEST(Crc32c, ChainsAcrossSplits) {
  std::mt19937_64 rng(7);
  std::vector<unsigned char> data(1000);
  for (auto& b : data) b = static_cast<unsigned char>(rng());
  const std::uint32_t whole = reference_crc32c(data.data(), data.size());
  for (std::size_t split : {0, 1, 7, 8, 9, 31, 32, 33, 500, 999, 1000}) {
    EXPECT_EQ(crc32c_software(data.data() + split, data.size() - split,
                              crc32c_software(data.data(), split)),
              whole);
    EXPECT_EQ(crc32c(data.data() + split, data.size() - split, crc32c(data.data(), split)), whole);
  }
}

TEST(Crc32c, DetectsEverySingleBitFlip) {
  std::vector<unsigned char> data(256);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 37);
  const std::uint32_t good = crc32c(data.data(), data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      data[i] ^= static_cast<unsigned char>(1u << bit);
      ASSERT_NE(crc32c(data.data(), data.size()), good);
      data[i] ^= static_cast<unsigned char>(1u << bit);
    }
  }
}

}  // namespace
}  // namespace slide::model
