#pragma once
// Transitional: the line reader moved to slide/io/line_reader.h.
#include "slide/io/line_reader.h"
#include "slide/text/byte_source.h"
namespace slide::text {
using io::LineReader;
}  // namespace slide::text
