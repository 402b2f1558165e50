#include "slide/text/io_adapters.h"

namespace slide::text {

ByteSource input_source(io::InputStream& in) {
  return {[&in](char* buf, std::size_t n) { return in.read(buf, n); }, in.name()};
}

ByteSink output_sink(io::OutputStream& out) {
  return {[&out](const char* data, std::size_t n) { out.write(data, n); }, out.name()};
}

}  // namespace slide::text
