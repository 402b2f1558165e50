#pragma once

// Rows of one data file in batches, for predicting and testing with bounded memory whatever the
// input size.

#include <cstdint>
#include <memory>
#include <string>

#include "slide/io/line_reader.h"
#include "slide/xc/data_files.h"
#include "slide/xc/dataset.h"
#include "slide/xc/dataset_reader.h"

namespace slide::xc {

// What test needs besides predict's defaults.
struct BatchReaderOptions {
  std::string labels_path;       // split: read the labels file alongside (empty: features only)
  bool skip_bad_rows = false;    // skip (and count) malformed rows
  std::uint32_t num_labels = 0;  // LIBSVM: label ids must be below this (0: any)
};

// Rows of one file in batches, for predict and test (bounded memory): each batch is parsed with
// the library's reader, with the file's own line numbers in errors. The labels of the rows are
// read and checked. For split, only the features file is read unless options.labels_path is set.
class BatchReader {
 public:
  // num_features: the model's input dimension (an id at or above it is a DataError).
  BatchReader(const std::string& path, InputFormat format, std::uint32_t num_features,
              const BatchReaderOptions& options = {});
  // The next batch of at most max_rows rows into `out`; false at the end of the input. At the
  // end, checks the row count against the header (DataError).
  bool next(std::size_t max_rows, Dataset& out);
  // Rows the header announces (0 for LIBSVM, which has none).
  std::uint64_t header_rows() const { return header_rows_; }
  bool has_header() const { return has_header_; }
  // Rows returned so far (skipped rows not included).
  std::uint64_t rows_read() const { return rows_read_; }
  std::uint64_t skipped_rows() const { return report_.skipped_rows; }
  // The messages of the first skipped rows.
  const ReadReport& report() const { return report_; }
  const std::string& name() const { return source_.name(); }

 private:
  bool next_batch(std::size_t max_rows, Dataset& out);

  io::LineReader source_;
  std::unique_ptr<io::LineReader> labels_;  // split with labels
  ReadOptions options_;
  ReadReport report_;
  bool has_header_ = false;
  std::uint64_t header_rows_ = 0;
  std::uint64_t rows_read_ = 0;
  bool done_ = false;
};

}  // namespace slide::xc
