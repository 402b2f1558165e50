#pragma once

// The data files of slide-xc, whole: the formats by name, loading a training or test set, and
// the size of a set from its header alone (to refuse a configuration that cannot fit before the
// data is read). Streaming in batches is slide/xc/batch_reader.h.

#include <cstdint>
#include <optional>
#include <string>

#include "slide/xc/dataset_reader.h"

namespace slide::xc {

// xc (one file with header `N F L`), libsvm (multi-label LIBSVM, 1-based features), split (the
// two-file variant: features `N F` + labels `N L`).
enum class InputFormat { xc, libsvm, split };
// UsageError for another name.
InputFormat parse_input_format(const std::string& name);
const char* input_format_name(InputFormat format);

struct DataFiles {
  std::string path;
  std::string labels_path;  // split only
};

// Loads a whole data set; the report counts rows skipped under skip_bad_rows. num_features /
// num_labels: dimensions for LIBSVM (0: infer).
ReadResult load_data(const DataFiles& files, InputFormat format, bool skip_bad_rows,
                     std::uint32_t num_features = 0, std::uint32_t num_labels = 0);

// The size of a training set, as the configuration and the memory estimate need it.
struct DataShape {
  std::uint64_t rows = 0;
  std::uint32_t features = 0;  // the input dimension
  std::uint32_t labels = 0;    // the output dimension
  std::uint64_t feature_nnz = 0;
  std::uint64_t label_nnz = 0;
};

// The shape an XC file's `N F L` header announces (no entries counted); nullopt when there is
// none to read cheaply (stdin, a FIFO, other formats, anything malformed: the reader reports that
// properly later).
std::optional<DataShape> peek_header_shape(const std::string& path, InputFormat format);

}  // namespace slide::xc
