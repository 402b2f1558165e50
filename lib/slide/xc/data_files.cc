#include "slide/xc/data_files.h"

#include <filesystem>
#include <sstream>
#include <system_error>

#include "slide/core/error.h"
#include "slide/core/name_table.h"
#include "slide/io/input.h"
#include "slide/io/line_reader.h"

namespace slide::xc {

namespace {

constexpr NameTable<InputFormat, 3> kInputFormats{
    "data format",
    {{{InputFormat::xc, "xc"}, {InputFormat::libsvm, "libsvm"}, {InputFormat::split, "split"}}}};

}  // namespace

InputFormat parse_input_format(const std::string& name) {
  return kInputFormats.parse(name);
}
const char* input_format_name(InputFormat format) {
  return kInputFormats.name(format);
}

ReadResult load_data(const DataFiles& files, InputFormat format, bool skip_bad_rows,
                     std::uint32_t num_features, std::uint32_t num_labels) {
  ReadOptions options;
  options.skip_bad_rows = skip_bad_rows;
  switch (format) {
    case InputFormat::xc:
      return read_xc_file(files.path, options);
    case InputFormat::libsvm:
      options.num_features = num_features;
      options.num_labels = num_labels;
      return read_libsvm_file(files.path, options);
    case InputFormat::split:
      if (files.labels_path.empty()) {
        throw UsageError("--format split needs the labels file too (" + files.path + ")");
      }
      return read_xc_split_files(files.path, files.labels_path, options);
  }
  throw UsageError("unknown data format");
}

std::optional<DataShape> peek_header_shape(const std::string& path, InputFormat format) {
  // Only a regular file can be read twice: from stdin or a FIFO the peek would take the data.
  std::error_code error;
  if (format != InputFormat::xc || path == "-" || !std::filesystem::is_regular_file(path, error)) {
    return std::nullopt;
  }
  try {
    io::LineReader lines(io::open_source(path));
    std::string line;
    if (!lines.line(line)) return std::nullopt;
    std::istringstream fields(line);
    double rows = 0, features = 0, labels = 0;
    if (!(fields >> rows >> features >> labels) || rows < 0 || features < 1 || labels < 1 ||
        features > 4294967295.0 || labels > 4294967295.0) {
      return std::nullopt;
    }
    DataShape shape;
    shape.rows = static_cast<std::uint64_t>(rows);
    shape.features = static_cast<std::uint32_t>(features);
    shape.labels = static_cast<std::uint32_t>(labels);
    return shape;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace slide::xc
