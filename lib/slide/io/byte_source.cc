#include "slide/io/byte_source.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "slide/core/error.h"

namespace slide::io {

ByteSource memory_source(std::string_view text, std::string name, std::size_t max_read) {
  auto rest = std::make_shared<std::string_view>(text);
  return {[rest, max_read](char* buf, std::size_t n) {
            const std::size_t take = std::min({n, max_read, rest->size()});
            // An empty view's data() may be null, which memcpy must not get even for 0 bytes.
            if (take == 0) return take;
            std::memcpy(buf, rest->data(), take);
            rest->remove_prefix(take);
            return take;
          },
          std::move(name)};
}

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

}  // namespace slide::io
