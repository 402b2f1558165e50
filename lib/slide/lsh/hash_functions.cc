#include "slide/lsh/hash_functions.h"

#include <vector>

#include "slide/core/error.h"
#include "slide/lsh/dwta.h"
#include "slide/lsh/minhash.h"
#include "slide/lsh/simhash.h"
#include "slide/lsh/wta.h"

namespace slide::lsh {
namespace {

// Per-thread code buffer, grown once and reused: no heap allocation per hashed vector.
std::uint32_t* code_buffer(std::size_t n) {
  thread_local std::vector<std::uint32_t> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

}  // namespace

HashFunctions::HashFunctions(const LshConfig& config, std::size_t dim)
    : config_(config), dim_(dim) {
  if (dim == 0) throw UsageError("LSH: input dimension must be at least 1");
  config_.validate(dim);
}

void HashFunctions::pack(const std::uint32_t* codes, std::uint32_t* keys_out) const {
  const std::uint32_t k = config_.k;
  const std::uint32_t radix = config_.radix();
  for (std::uint32_t t = 0; t < config_.l; ++t) {
    const std::uint32_t* c = codes + std::size_t{t} * k;
    std::uint32_t key = 0;
    for (std::uint32_t j = 0; j < k; ++j) key = key * radix + c[j];
    keys_out[t] = key;
  }
}

void HashFunctions::hash_dense(const float* x, std::uint32_t* keys_out) const {
  std::uint32_t* codes = code_buffer(num_codes());
  codes_dense(x, codes);
  pack(codes, keys_out);
}

void HashFunctions::hash_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                                std::uint32_t* keys_out) const {
  std::uint32_t* codes = code_buffer(num_codes());
  codes_sparse(index, value, nnz, codes);
  pack(codes, keys_out);
}

void HashFunctions::hash_rows(const float* rows, std::size_t row_stride, std::size_t n,
                              std::uint32_t* keys_out, std::size_t key_stride) const {
  const std::uint32_t l = num_tables();
  std::uint32_t* codes = code_buffer(std::size_t{num_codes()} + l);
  std::uint32_t* keys = codes + num_codes();
  for (std::size_t i = 0; i < n; ++i) {
    codes_dense(rows + i * row_stride, codes);
    pack(codes, keys);
    for (std::uint32_t t = 0; t < l; ++t) keys_out[t * key_stride + i] = keys[t];
  }
}

std::unique_ptr<HashFunctions> make_hash_functions(const LshConfig& config, std::size_t dim) {
  switch (config.family) {
    case HashFamily::simhash:
      return std::make_unique<SimHash>(config, dim);
    case HashFamily::wta:
      return std::make_unique<WtaHash>(config, dim);
    case HashFamily::dwta:
      return std::make_unique<DwtaHash>(config, dim);
    case HashFamily::minhash:
      return std::make_unique<MinHash>(config, dim);
  }
  throw UsageError("LSH: unknown hash family");
}

}  // namespace slide::lsh
