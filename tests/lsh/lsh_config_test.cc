#include "slide/lsh/lsh_config.h"

#include <gtest/gtest.h>

#include "slide/core/error.h"

namespace slide::lsh {
namespace {

TEST(LshConfig, KeySpaceAndValidation) {
  LshConfig c;
  c.family = HashFamily::dwta;
  c.k = 6;
  c.bin_size = 8;
  EXPECT_EQ(c.num_keys(), 262144U);
  EXPECT_EQ(c.key_bits(), 18U);  // 3 bits per code, no overlap
  c.bin_size = 6;
  EXPECT_EQ(c.num_keys(), 46656U);  // exactly the reachable keys, not 2^18
  c.family = HashFamily::simhash;
  c.k = 9;
  EXPECT_EQ(c.num_keys(), 512U);
  EXPECT_NO_THROW(c.validate(128));
  c.k = 0;
  EXPECT_THROW(c.validate(), UsageError);
  c.k = 6;
  c.capacity = 0;
  EXPECT_THROW(c.validate(), UsageError);
  c.capacity = 1;
  c.family = HashFamily::wta;
  c.bin_size = 16;
  c.k = 9;  // 16^9 = 2^36 keys
  EXPECT_THROW(c.validate(), UsageError);
  EXPECT_EQ(parse_family("dwta"), HashFamily::dwta);
  EXPECT_THROW(parse_family("lsh"), UsageError);
  EXPECT_EQ(parse_replacement("reservoir"), Replacement::reservoir);
  EXPECT_THROW(parse_replacement("lru"), UsageError);
}

}  // namespace
}  // namespace slide::lsh
