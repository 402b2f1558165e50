#include "slide/lsh/lsh_config.h"

#include <string>

#include "slide/core/error.h"
#include "slide/core/name_table.h"

namespace slide::lsh {

std::uint32_t LshConfig::radix() const {
  return family == HashFamily::simhash ? 2U : bin_size;
}

std::uint64_t LshConfig::num_keys() const {
  std::uint64_t n = 1;
  for (std::uint32_t i = 0; i < k; ++i) {
    n *= radix();
    if (n > (std::uint64_t{1} << 40)) return n;  // validate() rejects it; avoid overflow
  }
  return n;
}

std::uint32_t LshConfig::key_bits() const {
  std::uint32_t bits = 0;
  while ((std::uint64_t{1} << bits) < num_keys()) ++bits;
  return bits;
}

void LshConfig::validate(std::size_t dim) const {
  if (k == 0) throw UsageError("LSH: k (codes per table) must be at least 1");
  if (l == 0 || l > 65535) throw UsageError("LSH: l (tables) must be in 1..65535");
  if (family != HashFamily::simhash && bin_size < 2)
    throw UsageError("LSH: bin_size must be at least 2");
  if (family == HashFamily::simhash && projection == SimHashProjection::sparse_sign &&
      !(density > 0.0 && density <= 1.0))
    throw UsageError("LSH: density must be in (0, 1]");
  if (capacity == 0) throw UsageError("LSH: bucket capacity must be at least 1");
  if (num_keys() > (std::uint64_t{1} << 32))
    throw UsageError("LSH: radix^k = " + std::to_string(num_keys()) +
                     " keys per table do not fit in 32 bits; lower k or bin_size");
  if (dim != 0 && (family == HashFamily::wta || family == HashFamily::dwta) && bin_size > dim)
    throw UsageError("LSH: bin_size " + std::to_string(bin_size) + " exceeds the input dimension " +
                     std::to_string(dim));
}

namespace {

constexpr NameTable<HashFamily, 4> kFamilies{"hash family",
                                             {{{HashFamily::simhash, "simhash"},
                                               {HashFamily::wta, "wta"},
                                               {HashFamily::dwta, "dwta"},
                                               {HashFamily::minhash, "minhash"}}}};
constexpr NameTable<Replacement, 2> kReplacements{
    "bucket replacement", {{{Replacement::fifo, "fifo"}, {Replacement::reservoir, "reservoir"}}}};

}  // namespace

const char* family_name(HashFamily family) {
  return kFamilies.name(family);
}

HashFamily parse_family(std::string_view name) {
  return kFamilies.parse(name);
}

const char* replacement_name(Replacement replacement) {
  return kReplacements.name(replacement);
}

Replacement parse_replacement(std::string_view name) {
  return kReplacements.parse(name);
}

}  // namespace slide::lsh
