#include "slide/w2v/vectors_io.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "slide/core/error.h"
#include "slide/core/name_table.h"
#include "slide/io/input.h"
#include "slide/io/line_reader.h"
#include "slide/io/output.h"

namespace slide::w2v {

static_assert(std::endian::native == std::endian::little,
              "the binary vector format is little-endian float32; add byte swapping here");

namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxBinaryWordBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxDimension = std::size_t{1} << 20;

void flush(std::string& buffer, const io::ByteSink& out) {
  out.write(buffer.data(), buffer.size());
  buffer.clear();
}

using Reader = io::LineReader;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Parses "V D" with optional blanks around.
void parse_header(const std::string& line, const std::string& name, std::size_t& count,
                  std::size_t& dim) {
  const char* p = line.data();
  const char* const end = p + line.size();
  auto number = [&](std::size_t& value) {
    while (p < end && is_blank(*p)) ++p;
    const auto r = std::from_chars(p, end, value);
    if (r.ec != std::errc() || r.ptr == p) return false;
    p = r.ptr;
    return true;
  };
  const bool ok = number(count) && number(dim);
  while (p < end && is_blank(*p)) ++p;
  if (!ok || p != end) {
    throw DataError(name, 1, "a header 'V D' (vector count and dimension), got '" + line + "'");
  }
  if (dim == 0) throw DataError(name, 1, "a positive dimension in the header");
  // A corrupt header must not make the first vector allocate terabytes.
  if (dim > kMaxDimension) {
    throw DataError(name, 1,
                    "a dimension of at most " + std::to_string(kMaxDimension) +
                        " in the header, got " + std::to_string(dim));
  }
}

bool looks_like_text(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' ||
        c == ' ' || c == '\t' || c == '\r' || c == '\n')
      continue;
    if (std::strchr("nNaAiIfFtTyY", c) != nullptr && c != '\0') continue;  // nan, inf, infinity
    return false;
  }
  return true;
}

VectorFormat detect_format(Reader& reader, std::size_t dim) {
  const std::size_t avail = reader.ensure(4 * dim + 4096);
  const char* p = reader.data();
  std::size_t i = 0;
  while (i < avail && p[i] == '\n') ++i;
  while (i < avail && p[i] != ' ' && p[i] != '\n') ++i;
  if (i >= avail || p[i] != ' ') return VectorFormat::word2vec_text;  // no values: let it fail
  ++i;
  return looks_like_text(p + i, std::min(avail - i, 4 * dim)) ? VectorFormat::word2vec_text
                                                              : VectorFormat::word2vec_binary;
}

void reserve_rows(WordVectors& v, std::size_t rows, std::size_t dim, const std::string& name) {
  if (dim > std::numeric_limits<std::size_t>::max() / 8 ||
      rows > std::numeric_limits<std::size_t>::max() / 8 / dim) {
    throw DataError(name, 1, "a header with a vector count and dimension that fit in memory");
  }
  // Reserve up to 256 MiB from the header's word: a corrupt header must not allocate terabytes
  // (under ASan that aborts), and bigger files grow geometrically from there. The cap counts the
  // words too (a header "10000000000 1" must not reserve 2 GB of strings), and a header with a
  // huge dimension reserves no row at all: rows grow as their data arrives
  // (tests/fuzz/regressions/vectors).
  const std::size_t cap_rows = (std::size_t{256} << 20) / (4 * dim + sizeof(std::string));
  v.words.reserve(std::min(rows, cap_rows));
  v.values.reserve(std::min(rows, cap_rows) * dim);
}

void read_text(Reader& reader, WordVectors& v, std::size_t count, std::size_t limit) {
  const std::string& name = reader.name();
  std::string line;
  std::uint64_t line_number = 1;
  std::size_t records = 0;
  while (records < limit && reader.line(line)) {
    ++line_number;
    const char* p = line.data();
    const char* const end = p + line.size();
    while (p < end && is_blank(*p)) ++p;
    const char* word_begin = p;
    while (p < end && *p != ' ' && *p != '\t') ++p;
    if (p == word_begin) {
      throw DataError(name, line_number,
                      "a word and " + std::to_string(v.dim) + " values, got an empty line");
    }
    v.words.emplace_back(word_begin, p);
    // The row grows value by value: the header's dimension is not trusted with memory.
    std::size_t got = 0;
    for (;;) {
      while (p < end && is_blank(*p)) ++p;
      if (p == end) break;
      if (got == v.dim) {
        throw DataError(name, line_number, static_cast<std::uint64_t>(p - line.data()) + 1,
                        std::to_string(v.dim) + " values after the word, got more");
      }
      const char* start = p;
      if (*p == '+') ++p;
      float& value = v.values.emplace_back();
      auto r = std::from_chars(p, end, value);
      bool in_range = true;
      if (r.ec == std::errc::result_out_of_range) {
        // Below float's smallest subnormal reads as 0 (1e-50); beyond its range (1e50) is an
        // error below, like NaN and infinity: such a vector poisons every cosine it enters.
        // (Beyond double's range too, as 1e999, is the same error; the cast happens only in
        // range, where it is defined.)
        double wide = 0;
        r = std::from_chars(p, end, wide);
        in_range = r.ec == std::errc() && std::fabs(wide) < 1.0;
        if (r.ec == std::errc::result_out_of_range) r.ec = std::errc();
        value = in_range ? static_cast<float>(wide) : 0.0f;
      }
      if (r.ptr == p || (r.ptr < end && !is_blank(*r.ptr)) || r.ec != std::errc()) {
        const char* stop = std::find_if(start, end, is_blank);
        throw DataError(name, line_number, static_cast<std::uint64_t>(start - line.data()) + 1,
                        "a number, got '" + std::string(start, stop) + "'");
      }
      if (!in_range || !std::isfinite(value)) {
        const char* stop = std::find_if(start, end, is_blank);
        throw DataError(
            name, line_number, static_cast<std::uint64_t>(start - line.data()) + 1,
            "a finite number within float range, got '" + std::string(start, stop) + "'");
      }
      p = r.ptr;
      ++got;
    }
    if (got != v.dim) {
      throw DataError(name, line_number,
                      std::to_string(v.dim) + " values after the word, got " + std::to_string(got));
    }
    ++records;
  }
  if (records < limit) {
    throw DataError(name, line_number,
                    std::to_string(count) + " vectors as the header says, got " +
                        std::to_string(records) + " (truncated file?)");
  }
  if (limit == count) {
    while (reader.line(line)) {
      ++line_number;
      if (std::all_of(line.begin(), line.end(), is_blank)) continue;
      throw DataError(name, line_number,
                      "the end of the file after the " + std::to_string(count) +
                          " vectors the header announces");
    }
  }
}

void read_binary(Reader& reader, WordVectors& v, std::size_t count, std::size_t limit) {
  const std::string& name = reader.name();
  const std::size_t row_bytes = 4 * v.dim;
  for (std::size_t record = 0; record < limit; ++record) {
    auto truncated = [&](const char* what) {
      return DataError(name, 0,
                       std::string(what) + " of vector " + std::to_string(record + 1) + " of " +
                           std::to_string(count) + " at byte " + std::to_string(reader.offset()) +
                           " (truncated file?)");
    };
    // gensim writes no '\n' after the floats; word2vec's readers skip it when present.
    while (reader.ensure(1) > 0 && *reader.data() == '\n') reader.skip(1);
    std::string word;
    for (;;) {
      const std::size_t avail = reader.ensure(1);
      if (avail == 0) throw truncated(word.empty() ? "the word" : "the space after the word");
      const char* p = reader.data();
      const char* space = static_cast<const char*>(std::memchr(p, ' ', avail));
      const std::size_t take = space == nullptr ? avail : static_cast<std::size_t>(space - p);
      word.append(p, take);
      reader.skip(take);
      if (word.size() > kMaxBinaryWordBytes) {
        throw DataError(name, 0,
                        "a word of at most 1 MiB before vector " + std::to_string(record + 1) +
                            " at byte " + std::to_string(reader.offset()) +
                            " (not a vector file?)");
      }
      if (space != nullptr) {
        reader.skip(1);
        break;
      }
    }
    if (word.empty()) throw truncated("a non-empty word");
    v.words.push_back(std::move(word));
    // In pieces of at most 1 MiB, so that a truncated file with a huge dimension in its header
    // fails on the missing bytes instead of allocating the row first.
    const std::size_t row_base = v.values.size();
    for (std::size_t done = 0; done < row_bytes;) {
      const std::size_t piece = std::min(row_bytes - done, std::size_t{1} << 20);
      const std::size_t base = v.values.size();
      v.values.resize(base + piece / 4);
      if (reader.read(reinterpret_cast<char*>(v.values.data() + base), piece) != piece) {
        throw truncated("the values");
      }
      done += piece;
    }
    for (std::size_t j = 0; j < v.dim; ++j) {
      const float value = v.values[row_base + j];
      if (!std::isfinite(value)) {
        throw DataError(name, 0,
                        "a finite value in vector " + std::to_string(record + 1) + " of " +
                            std::to_string(count) + " ('" + v.words.back() + "', value " +
                            std::to_string(j + 1) + "), got " +
                            (std::isnan(value) ? "nan"
                             : value > 0       ? "inf"
                                               : "-inf"));
      }
    }
  }
  if (limit == count) {
    while (reader.ensure(1) > 0) {
      const char c = *reader.data();
      if (c != '\n' && c != '\r' && c != ' ') {
        throw DataError(name, 0,
                        "the end of the file after the " + std::to_string(count) +
                            " vectors the header announces, at byte " +
                            std::to_string(reader.offset()));
      }
      reader.skip(1);
    }
  }
}

constexpr NameTable<VectorFormat, 4> kVectorFormats{"vector format",
                                                    {{{VectorFormat::word2vec_text, "w2v-text"},
                                                      {VectorFormat::word2vec_binary, "w2v-bin"},
                                                      {VectorFormat::fasttext_vec, "vec"},
                                                      {VectorFormat::automatic, "auto"}}}};

}  // namespace

const char* vector_format_name(VectorFormat format) {
  return kVectorFormats.name(format);
}

VectorFormat parse_vector_format(std::string_view name) {
  return kVectorFormats.parse(name);
}

char* format_fixed6(char* out, float value) {
  return std::to_chars(out, out + 64, static_cast<double>(value), std::chars_format::fixed, 6).ptr;
}

char* format_g5(char* out, float value) {
  return std::to_chars(out, out + 64, static_cast<double>(value), std::chars_format::general, 5)
      .ptr;
}

void write_vectors(std::span<const std::string> words, const float* values, std::size_t dim,
                   std::size_t stride, VectorFormat format, const io::ByteSink& out) {
  if (format == VectorFormat::automatic) throw UsageError("write_vectors: name a format");
  if (stride < dim) throw UsageError("write_vectors: stride below dimension");
  std::string buffer;
  buffer.reserve(kFlushBytes + 4096);
  buffer += std::to_string(words.size());
  buffer += ' ';
  buffer += std::to_string(dim);
  buffer += '\n';
  char number[64];
  for (std::size_t i = 0; i < words.size(); ++i) {
    const float* row = values + i * stride;
    buffer += words[i];
    buffer += ' ';
    switch (format) {
      case VectorFormat::word2vec_binary:
        buffer.append(reinterpret_cast<const char*>(row), 4 * dim);
        break;
      case VectorFormat::word2vec_text:
        for (std::size_t j = 0; j < dim; ++j) {
          char* e = format_fixed6(number, row[j]);
          *e++ = ' ';
          buffer.append(number, e);
        }
        break;
      default:
        for (std::size_t j = 0; j < dim; ++j) {
          char* e = format_g5(number, row[j]);
          *e++ = ' ';
          buffer.append(number, e);
        }
        break;
    }
    buffer += '\n';
    if (buffer.size() >= kFlushBytes) flush(buffer, out);
  }
  flush(buffer, out);
}

void write_vectors(const WordVectors& vectors, VectorFormat format, const io::ByteSink& out) {
  write_vectors(vectors.words, vectors.values.data(), vectors.dim, vectors.dim, format, out);
}

void write_vectors(const WordVectors& vectors, VectorFormat format, std::ostream& out,
                   const std::string& name) {
  write_vectors(vectors, format, io::ostream_sink(out, name));
  out.flush();
  if (!out) throw IoError(name, "write error");
}

void write_vectors_file(const std::string& path, std::span<const std::string> words,
                        const float* values, std::size_t dim, std::size_t stride,
                        VectorFormat format) {
  const auto out = io::open_output(path);
  if (format == VectorFormat::word2vec_binary && out->is_terminal()) {
    throw UsageError("refusing to write binary vectors to a terminal (" + out->name() + ")");
  }
  write_vectors(words, values, dim, stride, format, io::output_sink(*out));
  out->commit();
}

void write_vectors_file(const std::string& path, const WordVectors& vectors, VectorFormat format) {
  write_vectors_file(path, vectors.words, vectors.values.data(), vectors.dim, vectors.dim, format);
}

WordVectors read_vectors_file(const std::string& path, const ReadVectorsOptions& options) {
  const auto in = io::open_input(path);
  return read_vectors(io::input_source(*in), options);
}

WordVectors read_vectors(io::ByteSource source, const ReadVectorsOptions& options) {
  Reader reader(std::move(source));
  std::string header;
  if (!reader.line(header)) throw DataError(reader.name(), 1, "a header 'V D', got an empty file");
  WordVectors v;
  std::size_t count = 0;
  parse_header(header, reader.name(), count, v.dim);
  const std::size_t limit = options.max_words == 0 ? count : std::min(count, options.max_words);
  reserve_rows(v, limit, v.dim, reader.name());
  VectorFormat format = options.format;
  if (format == VectorFormat::automatic) format = detect_format(reader, v.dim);
  if (format == VectorFormat::word2vec_binary) {
    read_binary(reader, v, count, limit);
  } else {
    read_text(reader, v, count, limit);
  }
  return v;
}

}  // namespace slide::w2v
