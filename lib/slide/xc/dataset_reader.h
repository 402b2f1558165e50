#pragma once

// Readers of multi-label sparse data sets:
//
//  * read_xc — the Extreme Classification Repository format: a header `N F L` (points, features,
//    labels), then one row per line `l1,l2,... f1:v1 f2:v2 ...`. Ids are 0-based. A row with no
//    labels starts with a space (or tab).
//  * read_xc_split — the two-file variant of convert_format.pl: `*_X_Xf.txt` (header `N F`, rows of
//    `f:v` pairs) and `*_X_Y.txt` (header `N L`, rows of `l:v` pairs; an empty line is a row with
//    no labels; the label values are checked to be finite numbers and otherwise ignored).
//  * read_libsvm — LIBSVM multi-label: no header, rows `l1,l2 f:v f:v ...`. Feature ids are 1-based
//    as on the LIBSVM site (which renumbers the XC originals "to start from 1"); labels are taken
//    as written (0-based). Both bases are options. A row with no labels starts with a space or
//    directly with a feature pair. The counts of features and labels are given or inferred
//    (largest id + 1).
//
// Common rules. Pairs and the label list are separated by runs of spaces or tabs; trailing blanks
// and a trailing '\r' are ignored; an empty line is a row with no labels and no features. Ids are
// decimal, non-negative and below 2^32 - 1. Values are decimal floats (std::from_chars, an
// optional leading '+'), finite. Rows need not be sorted: the features of a row are stored sorted
// by id, labels sorted too. A feature or label id that occurs twice in a row is an error unless
// duplicates = kMerge (feature values are then summed, labels kept once).
//
// Every problem is a DataError "file:line:column: what was expected" (1-based line and byte
// column), e.g. `train.txt:17:42: feature id 1836 out of range (header says 1836 features)`.
// With skip_bad_rows a bad row is dropped and counted instead; problems with the file as a whole
// (header, row count) are never skipped. Nothing is printed: skipped rows are reported in the
// ReadReport for the caller to show.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slide/io/line_reader.h"
#include "slide/xc/dataset.h"

namespace slide::xc {

enum class HeaderPolicy {
  kRequired,  // XC: exactly `N F L`; split files: exactly `N F` / `N L`
  kOptional,  // a first line of 2 or 3 integers (XC) / 2 integers (split) is a header, else a row
};

enum class DuplicatePolicy {
  kError,  // a repeated feature or label id in a row is a DataError
  kMerge,  // feature values are summed, a repeated label is kept once
};

struct ReadOptions {
  HeaderPolicy header = HeaderPolicy::kRequired;
  DuplicatePolicy duplicates = DuplicatePolicy::kError;
  bool skip_bad_rows = false;
  // Used when the input has no header saying them (LIBSVM, or a headerless file under kOptional);
  // 0 infers largest id + 1. When a header says them too, the two must agree.
  std::uint32_t num_features = 0;
  std::uint32_t num_labels = 0;
  // LIBSVM only: the id that the file writes for feature 0 and for label 0.
  std::uint32_t libsvm_feature_base = 1;
  std::uint32_t libsvm_label_base = 0;
  // How many messages of skipped rows the report keeps (all are counted).
  std::size_t max_reported_errors = 10;
  // Rows to read at most (0: all), for callers that read a file in batches: the reader stops
  // there, without looking at the next line.
  std::uint64_t max_rows = 0;
};

struct ReadReport {
  std::uint64_t skipped_rows = 0;
  std::vector<std::string> skipped_messages;  // the first max_reported_errors DataError messages
};

struct ReadResult {
  Dataset data;
  ReadReport report;
  bool input_ended = true;  // false when max_rows rows were read (more may follow)
};

ReadResult read_xc(io::LineReader& in, const ReadOptions& options = {});
ReadResult read_xc_split(io::LineReader& features, io::LineReader& labels,
                         const ReadOptions& options = {});
ReadResult read_libsvm(io::LineReader& in, const ReadOptions& options = {});

// The same from a path: "-" is stdin; gzip, zstd, bzip2 and xz are decompressed (slide/io/input.h).
// InputOpenError if a file cannot be opened.
ReadResult read_xc_file(const std::string& path, const ReadOptions& options = {});
ReadResult read_xc_split_files(const std::string& features_path, const std::string& labels_path,
                               const ReadOptions& options = {});
ReadResult read_libsvm_file(const std::string& path, const ReadOptions& options = {});

// Data file formats by name, for command lines.
enum class DataFormat { kXc, kLibsvm };
// "xc" or "libsvm" (case-insensitive); UsageError otherwise.
DataFormat parse_data_format(std::string_view name);
ReadResult read_dataset_file(const std::string& path, DataFormat format,
                             const ReadOptions& options = {});

}  // namespace slide::xc
