#include "slide/xc/input_line_source.h"

#include <utility>

namespace slide::xc {

InputLineSource::InputLineSource(const std::string& path) : InputLineSource(io::open_input(path)) {}

InputLineSource::InputLineSource(std::unique_ptr<io::InputStream> in)
    : BlockLineSource(in->name()), in_(std::move(in)) {}

}  // namespace slide::xc
