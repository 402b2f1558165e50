#include "slide/xc/predictions_io.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/xc/text_scan.h"

namespace slide::xc {
namespace {

constexpr std::size_t kFlushAt = std::size_t{1} << 16;

struct RankEntry {
  std::uint32_t label;
  float score;
  std::uint32_t position;
  std::uint32_t column;
};

}  // namespace

void rank_predictions(std::span<Prediction> row) {
  std::sort(row.begin(), row.end(), [](const Prediction& a, const Prediction& b) {
    return a.score != b.score ? a.score > b.score : a.label < b.label;
  });
}

void format_prediction_row(std::span<const Prediction> row, std::string& out) {
  // 10 digits of label, ':', at most 13 characters of %.6g ("-1.23457e-38"), a space.
  char text[32];
  for (std::size_t i = 0; i < row.size(); ++i) {
    char* p = text;
    if (i > 0) *p++ = ' ';
    p = std::to_chars(p, text + sizeof text, row[i].label).ptr;
    *p++ = ':';
    p = std::to_chars(p, text + sizeof text, row[i].score, std::chars_format::general, 6).ptr;
    out.append(text, p);
  }
}

PredictionWriter::PredictionWriter(std::ostream& out, std::string name)
    : stream_(&out), name_(std::move(name)) {
  buffer_.reserve(kFlushAt + 4096);
}

PredictionWriter::PredictionWriter(io::OutputStream& out) : output_(&out), name_(out.name()) {
  buffer_.reserve(kFlushAt + 4096);
}

PredictionWriter::~PredictionWriter() {
  if (buffer_.empty()) return;
  if (stream_ != nullptr) {
    stream_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  } else {
    try {
      output_->write(buffer_.data(), buffer_.size());
    } catch (...) {  // a destructor cannot report it; finish() does
    }
  }
}

void PredictionWriter::write_header(std::uint64_t rows, std::uint32_t num_labels) {
  if (rows_ > 0 || header_written_)
    throw UsageError("prediction writer: the header must come first, and only once");
  header_written_ = true;
  buffer_ += std::to_string(rows);
  buffer_ += ' ';
  buffer_ += std::to_string(num_labels);
  buffer_ += '\n';
}

void PredictionWriter::write_row(std::span<const Prediction> row) {
  format_prediction_row(row, buffer_);
  buffer_ += '\n';
  ++rows_;
  if (buffer_.size() >= kFlushAt) drain();
}

void PredictionWriter::drain() {
  if (output_ != nullptr) {
    try {
      output_->write(buffer_.data(), buffer_.size());
    } catch (...) {
      buffer_.clear();  // after a failure the destructor must not retry
      throw;
    }
    buffer_.clear();
    return;
  }
  stream_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  if (!*stream_) throw IoError(name_, "write failed");
}

void PredictionWriter::finish() {
  drain();
  if (output_ != nullptr) {
    output_->flush();
    return;
  }
  stream_->flush();
  if (!*stream_) throw IoError(name_, "write failed");
}

PredictionSet read_predictions(io::LineReader& in) {
  PredictionSet set;
  std::string_view line;
  bool pending = in.next(line);
  if (pending) {
    std::uint64_t numbers[2] = {0, 0};
    int count = 0;
    if (detail::header_numbers(line, numbers, 2, count) && count == 2) {
      if (numbers[1] > detail::kMaxId + 1)
        throw DataError(in.name(), 1,
                        "at most " + std::to_string(detail::kMaxId + 1) +
                            " labels in the header, got " + std::to_string(numbers[1]));
      set.had_header = true;
      set.header_rows = numbers[0];
      set.num_labels = static_cast<std::uint32_t>(numbers[1]);
      pending = false;
    }
  }
  const std::uint64_t limit = set.had_header ? set.num_labels : detail::kMaxId + 1;
  std::vector<RankEntry> row;
  std::uint64_t largest_plus_one = 0;
  while (pending || in.next(line)) {
    pending = false;
    if (set.had_header && set.rows() == set.header_rows)
      throw DataError(in.name(), in.line_number(),
                      "no more rows than the header's " + std::to_string(set.header_rows) +
                          ", got another one");
    const detail::LineCursor c(in.name(), in.line_number(), line);
    row.clear();
    const char* p = c.begin();
    for (;;) {
      p = c.skip_blanks(p);
      if (p == c.end()) break;
      const char* token = p;
      std::uint64_t label = 0;
      p = c.parse_id(p, label, "label id");
      if (p == c.end() || *p != ':')
        c.fail(p, "':' after label id " + std::to_string(label) + ", got " + c.describe(p));
      float score = 0;
      p = c.parse_value(p + 1, score, "score");
      c.expect_separator(p, "a score");
      if (label >= limit)
        c.fail(token, "label id " + std::to_string(label) + " out of range (header says " +
                          std::to_string(limit) + " labels)");
      row.push_back({static_cast<std::uint32_t>(label), score,
                     static_cast<std::uint32_t>(row.size()),
                     static_cast<std::uint32_t>(c.column(token))});
      largest_plus_one = std::max(largest_plus_one, label + 1);
    }
    // Repeated labels: sort by label (then file order) and report the later occurrence.
    std::sort(row.begin(), row.end(), [](const RankEntry& a, const RankEntry& b) {
      return a.label != b.label ? a.label < b.label : a.position < b.position;
    });
    for (std::size_t i = 1; i < row.size(); ++i)
      if (row[i].label == row[i - 1].label)
        c.fail(c.begin() + (row[i].column - 1),
               "each label at most once in a row, got " + std::to_string(row[i].label) + " twice");
    std::sort(row.begin(), row.end(), [](const RankEntry& a, const RankEntry& b) {
      return a.score != b.score ? a.score > b.score : a.position < b.position;
    });
    for (const RankEntry& e : row) {
      set.labels.push_back(e.label);
      set.scores.push_back(e.score);
    }
    set.offsets.push_back(set.labels.size());
  }
  if (set.had_header && set.rows() < set.header_rows)
    throw DataError(in.name(), in.line_number(),
                    std::to_string(set.header_rows) +
                        " rows as the header says, but the file ends after " +
                        std::to_string(set.rows()));
  if (!set.had_header) set.num_labels = static_cast<std::uint32_t>(largest_plus_one);
  return set;
}

PredictionSet read_predictions_file(const std::string& path) {
  io::LineReader in(io::open_source(path));
  return read_predictions(in);
}

}  // namespace slide::xc
