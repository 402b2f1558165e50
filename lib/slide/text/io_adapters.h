#pragma once
// Transitional: input_source() and output_sink() moved to slide/io/input.h and slide/io/output.h.
#include "slide/io/input.h"
#include "slide/io/output.h"
#include "slide/text/byte_source.h"
namespace slide::text {
using io::input_source;
using io::output_sink;
}  // namespace slide::text
