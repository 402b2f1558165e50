#pragma once

// Compression formats recognised on input, detected from the first bytes of the stream (never
// from the file name, so that stdin and misnamed files work).

#include <cstddef>
#include <span>

namespace slide::io {

enum class Compression { kNone, kGzip, kZstd, kBzip2, kXz };

// The most bytes detect_compression() looks at.
inline constexpr std::size_t kMagicBytes = 6;

// Detects the format from the first bytes of a stream: kMagicBytes of them, or fewer when the
// stream is that short or could_start_magic() said no more are needed. Anything unrecognised,
// including an empty stream, is kNone. A whole stream of 2 to 5 bytes that begins the gzip, zstd or
// xz magic is that format (it is a truncated file, and its decoder says so); a single byte is
// always plain.
Compression detect_compression(std::span<const unsigned char> head);

// Whether head, the first bytes read so far, is a proper prefix of some format's magic, so that
// more bytes are needed to decide. Lets the reader of a pipe or terminal stop waiting as soon as
// the first bytes rule out every format (a typed "ab\n" must not wait for 6 bytes).
bool could_start_magic(std::span<const unsigned char> head);

// "plain", "gzip", "zstd", "bzip2" or "xz".
const char* compression_name(Compression compression);

}  // namespace slide::io
