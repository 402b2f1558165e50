#include "slide/text/byte_source.h"

#include "slide/core/error.h"

namespace slide::text {

ByteSource istream_source(std::istream& in, std::string name) {
  ByteSource source;
  source.name = name;
  source.read = [&in, name = std::move(name)](char* buf, std::size_t n) -> std::size_t {
    in.read(buf, static_cast<std::streamsize>(n));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (in.bad()) throw IoError(name, "read error");
    return got;
  };
  return source;
}

ByteSink ostream_sink(std::ostream& out, std::string name) {
  ByteSink sink;
  sink.name = name;
  sink.write = [&out, name = std::move(name)](const char* data, std::size_t n) {
    out.write(data, static_cast<std::streamsize>(n));
    if (!out) throw IoError(name, "write error");
  };
  return sink;
}

}  // namespace slide::text
