#pragma once

// Bridges the io area's streams (open_input: "-" is stdin, compression detected from the magic
// bytes, DataError on truncation; open_output: temporary file renamed on commit, "-" is stdout)
// to the ByteSource and ByteSink that the text and vector code reads and writes.

#include "slide/io/input.h"
#include "slide/io/output.h"
#include "slide/text/byte_source.h"

namespace slide::text {

// The stream must outlive the returned source or sink.
ByteSource input_source(io::InputStream& in);
ByteSink output_sink(io::OutputStream& out);

}  // namespace slide::text
