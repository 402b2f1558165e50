#include "slide/io/decoder.h"

#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filtering_streambuf.hpp>
#include <ios>
#include <string>

#include "slide/core/error.h"
#include "slide/io/zstd_decoder.h"

namespace slide::io {
namespace {

namespace bio = boost::iostreams;

class PlainDecoder final : public Decoder {
 public:
  explicit PlainDecoder(FileReader& source) : source_(source) {}
  std::size_t read(char* buffer, std::size_t n) override { return source_.read(buffer, n); }

 private:
  FileReader& source_;
};

// A Boost.Iostreams Source over a FileReader (Boost copies devices, hence the pointer).
class FileReaderDevice {
 public:
  using char_type = char;
  using category = bio::source_tag;

  explicit FileReaderDevice(FileReader* source) : source_(source) {}
  std::streamsize read(char* buffer, std::streamsize n) {
    std::size_t got = source_->read(buffer, static_cast<std::size_t>(n));
    return got == 0 ? -1 : static_cast<std::streamsize>(got);
  }

 private:
  FileReader* source_;
};

// Explains a zlib status code raised through Boost.
std::string zlib_reason(int code) {
  if (code == bio::zlib::data_error) return "invalid or truncated deflate data";
  if (code == bio::zlib::buf_error) return "the file ends inside a gzip member";
  if (code == bio::zlib::mem_error) return "out of memory";
  return "zlib error " + std::to_string(code);
}

std::string gzip_reason(const bio::gzip_error& error) {
  switch (error.error()) {
    case bio::gzip::zlib_error:
      return zlib_reason(error.zlib_error_code());
    case bio::gzip::bad_crc:
      return "CRC mismatch";
    case bio::gzip::bad_length:
      return "length mismatch";
    case bio::gzip::bad_header:
      return "bad member header";
    case bio::gzip::bad_footer:
      return "bad or missing member footer";
    case bio::gzip::bad_method:
      return "unknown compression method";
    default:
      return "gzip error " + std::to_string(error.error());
  }
}

std::string bzip2_reason(int code) {
  if (code == bio::bzip2::data_error) return "corrupt data";
  if (code == bio::bzip2::data_error_magic) return "bad stream header";
  if (code == bio::bzip2::unexpected_eof) return "the file ends inside a bzip2 stream";
  if (code == bio::bzip2::mem_error) return "out of memory";
  return "bzip2 error " + std::to_string(code);
}

std::string lzma_reason(int code) {
  if (code == bio::lzma::data_error) return "corrupt data";
  if (code == bio::lzma::buf_error) return "the file ends inside an xz stream";
  if (code == bio::lzma::mem_error) return "out of memory";
  return "xz error " + std::to_string(code);
}

// gzip, bzip2 and xz through Boost.Iostreams. Checked on Boost 1.74 (see tests/io): each throws on
// truncation, on flipped bytes and on trailing garbage, handles concatenated members/streams, and
// the exceptions reach us because we call the streambuf directly (an istream would swallow them
// into badbit).
class BoostDecoder final : public Decoder {
 public:
  BoostDecoder(Compression compression, FileReader& source)
      : compression_(compression), source_(source) {
    switch (compression) {
      case Compression::kGzip:
        chain_.push(bio::gzip_decompressor(bio::gzip::default_window_bits, kBufferSize));
        break;
      case Compression::kBzip2:
        chain_.push(bio::bzip2_decompressor(false, kBufferSize));
        break;
      case Compression::kXz:
        chain_.push(bio::lzma_decompressor(kBufferSize));
        break;
      default:
        throw UsageError("BoostDecoder: unsupported compression");
    }
    chain_.push(FileReaderDevice(&source_), kBufferSize);
  }

  std::size_t read(char* buffer, std::size_t n) override {
    try {
      std::streamsize got = chain_.sgetn(buffer, static_cast<std::streamsize>(n));
      return got > 0 ? static_cast<std::size_t>(got) : 0;
    } catch (const bio::gzip_error& error) {
      throw corrupt(gzip_reason(error));
    } catch (const bio::zlib_error& error) {
      throw corrupt(zlib_reason(error.error()));
    } catch (const bio::bzip2_error& error) {
      throw corrupt(bzip2_reason(error.error()));
    } catch (const bio::lzma_error& error) {
      throw corrupt(lzma_reason(error.error()));
    } catch (const std::ios_base::failure& error) {
      throw corrupt(error.what());
    }
  }

 private:
  static constexpr std::streamsize kBufferSize = 64 * 1024;

  DataError corrupt(const std::string& reason) const {
    return DataError(source_.name(), 0,
                     std::string("corrupt or truncated ") + compression_name(compression_) +
                         " data (" + reason + "): expected a complete " +
                         compression_name(compression_) + " stream");
  }

  Compression compression_;
  FileReader& source_;
  bio::filtering_streambuf<bio::input> chain_;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(Compression compression, FileReader& source) {
  switch (compression) {
    case Compression::kNone:
      return std::make_unique<PlainDecoder>(source);
    case Compression::kZstd:
      return std::make_unique<ZstdDecoder>(source);
    case Compression::kGzip:
    case Compression::kBzip2:
    case Compression::kXz:
      return std::make_unique<BoostDecoder>(compression, source);
  }
  throw UsageError("make_decoder: unknown compression");
}

}  // namespace slide::io
