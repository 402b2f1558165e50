#pragma once

// The configuration of one set of LSH tables: hash family, K codes per table, L tables, bucket
// capacity and replacement policy, seed. Keys are the K codes of a table packed in mixed radix
// (radix = 2 for SimHash, bin_size for the others), so a table has exactly radix^K keys and every
// key is reachable: ceil(log2(bin_size)) bits per code when bin_size is a power of two.

#include <cstdint>
#include <string_view>

namespace slide::lsh {

enum class HashFamily {
  simhash,  // signed random projections: 1 bit per code
  wta,      // winner-take-all: argmax position in a bin of a random permutation
  dwta,     // densified WTA: zero entries are missing, empty bins borrow from other bins
  minhash,  // densified one-permutation MinHash over the set of non-zero entries
};

enum class SimHashProjection {
  sparse_sign,  // +-1 entries over a random `density` fraction of the dimensions (SLIDE: 1/3)
  gaussian,     // dense N(0,1) entries (exact 1 - theta/pi collision probability)
};

enum class Replacement {
  fifo,       // over capacity, a bucket keeps the last `capacity` ids inserted
  reservoir,  // over capacity, a bucket keeps a uniform sample of all ids inserted
};

struct LshConfig {
  HashFamily family = HashFamily::dwta;
  std::uint32_t k = 6;         // codes per table
  std::uint32_t l = 50;        // tables
  std::uint32_t bin_size = 8;  // WTA/DWTA: dimensions per bin; MinHash: values per code
  SimHashProjection projection = SimHashProjection::sparse_sign;
  double density = 1.0 / 3.0;    // sparse_sign: fraction of dimensions per projection
  std::uint32_t capacity = 128;  // ids per bucket
  Replacement replacement = Replacement::fifo;
  std::uint64_t seed = 0;

  // Values per code: 2 for SimHash, bin_size otherwise.
  std::uint32_t radix() const;
  // Keys per table: radix^k.
  std::uint64_t num_keys() const;
  // Bits needed to hold a key: ceil(log2(num_keys())).
  std::uint32_t key_bits() const;

  // Throws UsageError naming the offending field (k, l, bin_size, density, capacity, or a key
  // space over 2^32 keys). dim is the input dimension the functions will hash (0: not checked).
  void validate(std::size_t dim = 0) const;
};

// "simhash", "wta", "dwta", "minhash".
const char* family_name(HashFamily family);
// Throws UsageError listing the valid names.
HashFamily parse_family(std::string_view name);
// "fifo", "reservoir".
const char* replacement_name(Replacement replacement);
Replacement parse_replacement(std::string_view name);

}  // namespace slide::lsh
