#pragma once
// Transitional: the byte sources moved to slide/io/byte_source.h.
#include "slide/io/byte_source.h"
namespace slide::text {
using io::ByteSink;
using io::ByteSource;
using io::istream_source;
using io::ostream_sink;
}  // namespace slide::text
