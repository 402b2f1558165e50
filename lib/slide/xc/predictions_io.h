#pragma once

// Prediction files: one line per input row, `label:score` pairs by decreasing
// score, separated by single spaces, no trailing space, scores as printf "%.6g" (written with
// std::to_chars, which is specified to produce the same text). An optional first line `N L`
// (rows, labels) makes the file readable by pyxclib's read_sparse_file and the Parabel/Bonsai
// score-matrix tools. A row with no predictions is an empty line.

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "slide/io/line_reader.h"
#include "slide/io/output.h"

namespace slide::xc {

struct Prediction {
  std::uint32_t label = 0;
  float score = 0;
  friend bool operator==(const Prediction&, const Prediction&) = default;
};

// Orders a row by decreasing score, equal scores by increasing label id (so the order does not
// depend on how the row was produced).
void rank_predictions(std::span<Prediction> row);

// Appends one row, in the order given, without the newline: "12:0.93 4:0.5".
void format_prediction_row(std::span<const Prediction> row, std::string& out);

// Buffered writer of a prediction file. Rows are written in the order given (rank them first).
// A write failure throws IoError naming the output. Call finish() at the end: the destructor
// writes what is left but cannot report a failure.
class PredictionWriter {
 public:
  PredictionWriter(std::ostream& out, std::string name);
  // Onto slide/io's output (a path or "-"): finish() flushes it; committing it stays the caller's.
  explicit PredictionWriter(io::OutputStream& out);
  ~PredictionWriter();
  PredictionWriter(const PredictionWriter&) = delete;
  PredictionWriter& operator=(const PredictionWriter&) = delete;

  // "N L"; only before the first row (UsageError otherwise).
  void write_header(std::uint64_t rows, std::uint32_t num_labels);
  void write_row(std::span<const Prediction> row);
  // Writes the buffer out and flushes the stream.
  void finish();

  std::uint64_t rows_written() const { return rows_; }

 private:
  void drain();

  std::ostream* stream_ = nullptr;  // one of these two
  io::OutputStream* output_ = nullptr;
  std::string name_;
  std::string buffer_;
  std::uint64_t rows_ = 0;
  bool header_written_ = false;
};

// A prediction file in memory: CSR rows, each ranked by decreasing score (equal scores keep their
// order in the file).
struct PredictionSet {
  bool had_header = false;
  std::uint64_t header_rows = 0;  // as the header says (when had_header)
  std::uint32_t num_labels = 0;   // from the header, else largest label + 1
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint32_t> labels;
  std::vector<float> scores;

  std::uint64_t rows() const { return offsets.size() - 1; }
  std::span<const std::uint32_t> row_labels(std::uint64_t row) const {
    return {labels.data() + offsets[row], labels.data() + offsets[row + 1]};
  }
  std::span<const float> row_scores(std::uint64_t row) const {
    return {scores.data() + offsets[row], scores.data() + offsets[row + 1]};
  }
};

// Reads a prediction file, napkinXC's (no header, a trailing space) as well as ours and pyxclib's
// (`N L` header, any order within a row). A first line of exactly two integers is the header; the
// row count must then match it and labels must be below L. Pairs are separated by blanks. A
// repeated label in a row, a non-finite score or a malformed pair is a DataError with file, line
// and column.
PredictionSet read_predictions(io::LineReader& in);
// The same from a path ("-" is stdin; compressed files are decompressed).
PredictionSet read_predictions_file(const std::string& path);

}  // namespace slide::xc
