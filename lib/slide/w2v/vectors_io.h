#pragma once

// Word vector files:
//   word2vec text    "V D\n", then per word: word, and each value as printf("%lf ") (six decimals
//                    and a space), then "\n" -- so every line ends with " \n".
//   word2vec binary  "V D\n", then per word: word bytes, 0x20, D float32 little-endian, 0x0A.
//   fastText .vec    as word2vec text, values as ostream << setprecision(5) (printf "%.5g"), each
//                    followed by a space.
// Writers are byte-identical to word2vec.c and fastText (the float formatting uses std::to_chars,
// which is specified to produce what printf produces in the C locale; the tests check it against
// snprintf on random floats).
// Readers accept all three, "\r\n" line ends, trailing spaces or tabs, a missing final newline, and
// binary files without the 0x0A after each vector (gensim). They raise DataError(file, line, ...)
// for a bad header, a wrong number of values, a value that is not a number, fewer or more records
// than the header announces, and a truncated binary record (line 0, the record number and byte
// offset in the message).

#include <cstddef>
#include <ostream>
#include <span>
#include <string>

#include "slide/io/byte_source.h"
#include "slide/w2v/word_vectors.h"

namespace slide::w2v {

enum class VectorFormat { word2vec_text, word2vec_binary, fasttext_vec, automatic };

// "w2v-text", "w2v-bin", "vec", "auto". parse_vector_format throws UsageError on other names.
const char* vector_format_name(VectorFormat format);
VectorFormat parse_vector_format(std::string_view name);

// Writes rows(i) = values + i * stride (stride >= dim, e.g. padded training rows). The sink
// throws when the output fails. Writes in blocks of about 1 MiB.
void write_vectors(std::span<const std::string> words, const float* values, std::size_t dim,
                   std::size_t stride, VectorFormat format, const io::ByteSink& out);
void write_vectors(const WordVectors& vectors, VectorFormat format, const io::ByteSink& out);
// The same into an ostream, flushed; IoError naming `name` if it fails.
void write_vectors(const WordVectors& vectors, VectorFormat format, std::ostream& out,
                   const std::string& name);

struct ReadVectorsOptions {
  VectorFormat format = VectorFormat::automatic;
  // Read only the first max_words vectors (0: all), like compute-accuracy's threshold; the rest of
  // the file is not read.
  std::size_t max_words = 0;
};

// To a path ("-": stdout) through a temporary file renamed into place when complete. Binary
// output to a terminal is refused (UsageError).
void write_vectors_file(const std::string& path, std::span<const std::string> words,
                        const float* values, std::size_t dim, std::size_t stride,
                        VectorFormat format);
void write_vectors_file(const std::string& path, const WordVectors& vectors, VectorFormat format);

// automatic: binary unless the bytes after the first word look like decimal numbers (digits,
// signs, '.', 'e', nan/inf letters, blanks). Text and .vec are read the same way.
WordVectors read_vectors(io::ByteSource source, const ReadVectorsOptions& options = {});
// From a path ("-": stdin; compressed files are detected and decompressed).
WordVectors read_vectors_file(const std::string& path, const ReadVectorsOptions& options = {});

// Formatting helpers, exposed for tests and other writers. Each writes the text of one value
// (without the trailing space) at out and returns the end; out needs 64 bytes.
char* format_fixed6(char* out, float value);  // printf("%lf", (double)value)
char* format_g5(char* out, float value);      // printf("%.5g", (double)value)

}  // namespace slide::w2v
