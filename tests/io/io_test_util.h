#pragma once

// Fixtures for the io tests, made at test time: deterministic text, compressed in process with
// Boost.Iostreams' compressors and libzstd, written into a fresh temporary directory.

#include <zstd.h>

#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "slide/io/compression.h"
#include "slide/io/input.h"

namespace slide::io::testing {

// Lines of pseudo-random words of varying length (xorshift, fixed seed): compressible, but not so
// repetitive that compressed streams are tiny.
inline std::string make_text(std::size_t bytes, std::uint64_t seed = 42) {
  std::string text;
  text.reserve(bytes + 64);
  std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  while (text.size() < bytes) {
    std::size_t words = 1 + next() % 20;
    for (std::size_t w = 0; w < words; ++w) {
      std::size_t length = 1 + next() % 9;
      for (std::size_t i = 0; i < length; ++i) text.push_back(static_cast<char>('a' + next() % 12));
      text.push_back(w + 1 == words ? '\n' : ' ');
    }
  }
  return text;
}

template <typename Compressor>
std::string boost_compress(const std::string& data, Compressor compressor) {
  std::string out;
  {
    boost::iostreams::filtering_ostream stream;
    stream.push(compressor);
    stream.push(boost::iostreams::back_inserter(out));
    stream.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  return out;
}

// One zstd frame, with the content checksum on, as the zstd command line writes it.
inline std::string zstd_compress(const std::string& data, int level = 3) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  std::size_t size = ZSTD_compress2(context, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(context);
  if (ZSTD_isError(size)) throw std::runtime_error(ZSTD_getErrorName(size));
  out.resize(size);
  return out;
}

// A zstd skippable frame holding payload (magic 0x184D2A5n, then the 32-bit payload size).
inline std::string zstd_skippable_frame(const std::string& payload, unsigned char n = 3) {
  std::string frame = {static_cast<char>(0x50 | n), 0x2A, 0x4D, 0x18};
  std::uint32_t size = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>((size >> (8 * i)) & 0xFF));
  return frame + payload;
}

// data compressed as one stream (member, frame) of compression.
inline std::string compress(Compression compression, const std::string& data) {
  namespace bio = boost::iostreams;
  switch (compression) {
    case Compression::kNone:
      return data;
    case Compression::kGzip:
      return boost_compress(data, bio::gzip_compressor());
    case Compression::kZstd:
      return zstd_compress(data);
    case Compression::kBzip2:
      return boost_compress(data, bio::bzip2_compressor());
    case Compression::kXz:
      return boost_compress(data, bio::lzma_compressor(bio::lzma_params(1)));
  }
  return {};
}

inline const std::vector<Compression>& compressed_formats() {
  static const std::vector<Compression> formats = {Compression::kGzip, Compression::kZstd,
                                                   Compression::kBzip2, Compression::kXz};
  return formats;
}

inline const std::vector<Compression>& all_formats() {
  static const std::vector<Compression> formats = {Compression::kNone, Compression::kGzip,
                                                   Compression::kZstd, Compression::kBzip2,
                                                   Compression::kXz};
  return formats;
}

// A fresh directory under TMPDIR, removed with its contents by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "slide-io-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  std::string write(const std::string& name, const std::string& bytes) const {
    std::string path = file(name);
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
    return path;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Everything the stream yields, read in chunks of chunk bytes.
inline std::string read_all(InputStream& in, std::size_t chunk = 1 << 16) {
  std::string out;
  std::vector<char> buffer(chunk);
  while (std::size_t n = in.read(buffer.data(), buffer.size())) out.append(buffer.data(), n);
  return out;
}

}  // namespace slide::io::testing
