#include "slide/xc/batch_reader.h"

#include <string_view>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/xc/text_scan.h"

namespace slide::xc {

BatchReader::BatchReader(const std::string& path, InputFormat format, std::uint32_t num_features,
                         const BatchReaderOptions& options)
    : source_(io::open_source(path)) {
  // Rows of every format are LIBSVM rows once the header is off: XC's `l1,l2 f:v ...` and the
  // split features file's `f:v ...` (both 0-based); split with labels goes through the split
  // reader, batch by batch, without headers.
  options_.num_features = num_features;
  options_.skip_bad_rows = options.skip_bad_rows;
  if (format == InputFormat::libsvm) {
    options_.num_labels = options.num_labels;
    return;
  }
  options_.libsvm_feature_base = 0;
  options_.libsvm_label_base = 0;
  const int want = format == InputFormat::xc ? 3 : 2;
  const char* layout = format == InputFormat::xc ? "N F L" : "N F";
  std::string_view line;
  if (!source_.next(line)) {
    throw DataError(source_.name(), 1, 1,
                    std::string("a header `") + layout + "`, got an empty file");
  }
  std::uint64_t numbers[3] = {0, 0, 0};
  int count = 0;
  if (!detail::header_numbers(line, numbers, 3, count) || count != want) {
    throw DataError(
        source_.name(), 1, 1,
        std::string("a header `") + layout + "`, got '" + std::string(line.substr(0, 40)) + "'");
  }
  if (numbers[1] > num_features) {
    throw DataError(source_.name(), 1,
                    "the header says " + std::to_string(numbers[1]) +
                        " features but the model takes " + std::to_string(num_features));
  }
  if (format == InputFormat::xc) {
    if (numbers[2] > 0xFFFFFFFEull) throw DataError(source_.name(), 1, "label count too large");
    options_.num_labels = static_cast<std::uint32_t>(numbers[2]);
  }
  options_.num_features = static_cast<std::uint32_t>(numbers[1]);
  has_header_ = true;
  header_rows_ = numbers[0];
  if (format == InputFormat::split && !options.labels_path.empty()) {
    labels_ = std::make_unique<io::LineReader>(io::open_source(options.labels_path));
    std::uint64_t y[3] = {0, 0, 0};
    int y_count = 0;
    if (!labels_->next(line) || !detail::header_numbers(line, y, 3, y_count) || y_count != 2) {
      throw DataError(labels_->name(), 1, 1, "a header `N L`");
    }
    if (y[0] != header_rows_) {
      throw DataError(labels_->name(), 1,
                      "the header says " + std::to_string(y[0]) + " rows but the features file " +
                          std::to_string(header_rows_));
    }
    if (y[1] > 0xFFFFFFFEull) throw DataError(labels_->name(), 1, "label count too large");
    options_.num_labels = static_cast<std::uint32_t>(y[1]);
    // The headers are consumed: the batches are headerless rows (a split row is never a line of
    // two bare integers, so the optional header test cannot mistake one for a header).
    options_.header = HeaderPolicy::kOptional;
  }
}

bool BatchReader::next(std::size_t max_rows, Dataset& out) {
  // A batch whose rows were all skipped is not the end of the input.
  while (!done_) {
    if (next_batch(max_rows, out)) return true;
  }
  return false;
}

bool BatchReader::next_batch(std::size_t max_rows, Dataset& out) {
  ReadOptions batch = options_;
  batch.max_rows = max_rows;
  // The split reader checks that both files end together.
  ReadResult result =
      labels_ ? read_xc_split(source_, *labels_, batch) : read_libsvm(source_, batch);
  if (result.input_ended) done_ = true;
  rows_read_ += result.data.rows();
  report_.skipped_rows += result.report.skipped_rows;
  for (std::string& m : result.report.skipped_messages) {
    if (report_.skipped_messages.size() < options_.max_reported_errors) {
      report_.skipped_messages.push_back(std::move(m));
    }
  }
  if (done_ && has_header_ && rows_read_ + report_.skipped_rows != header_rows_) {
    throw DataError(source_.name(), source_.line_number(),
                    "the header says " + std::to_string(header_rows_) + " rows, found " +
                        std::to_string(rows_read_ + report_.skipped_rows));
  }
  if (result.data.rows() == 0) return false;
  out = std::move(result.data);
  return true;
}

}  // namespace slide::xc
