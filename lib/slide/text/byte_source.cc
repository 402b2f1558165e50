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

}  // namespace slide::text
