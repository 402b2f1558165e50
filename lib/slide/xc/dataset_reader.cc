#include "slide/xc/dataset_reader.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/xc/text_scan.h"

namespace slide::xc {
namespace {

using detail::is_blank;
using detail::LineCursor;

// How ids of one kind (features or labels) are read and checked in one file.
struct IdSpec {
  const char* what = "feature id";           // for messages
  std::uint64_t base = 0;                    // the id the file writes for id 0
  std::uint64_t limit = detail::kMaxId + 1;  // stored ids must be below this
  bool known = false;                        // limit given by a header or the options
  std::string range_note;                    // why the limit, e.g. "header says 1836 features"
  std::string base_note;                     // why the base, e.g. "LIBSVM feature ids start at 1"
};

// Reused scratch for rows that are not sorted by id.
struct SortEntry {
  std::uint32_t id;
  std::uint32_t position;  // index in the row, in file order
  float value;
};

// Collects one row's ids (and values) in the CSR arrays, then sorts and checks duplicates.
class RowIds {
 public:
  // `first` is where the row's tokens start; `list` says they are a comma-separated label list
  // rather than blank-separated pairs (used only to find a token again for a message).
  RowIds(std::vector<std::uint32_t>& ids, std::vector<float>* values,
         std::vector<SortEntry>& scratch, const char* first, bool list)
      : ids_(ids),
        values_(values),
        scratch_(scratch),
        start_(ids.size()),
        first_(first),
        list_(list) {}

  void add(const LineCursor& c, const char* token, std::uint64_t raw, float value,
           const IdSpec& spec, DuplicatePolicy duplicates) {
    if (raw < spec.base) fail_below_base(c, token, raw, spec);
    const std::uint64_t id = raw - spec.base;
    if (id >= spec.limit) fail_out_of_range(c, token, raw, spec);
    if (ids_.size() > start_) {
      const std::uint32_t last = ids_.back();
      if (id == last) {
        if (duplicates == DuplicatePolicy::kError) fail_duplicate(c, token, raw, spec);
        if (values_ != nullptr) values_->back() += value;
        return;
      }
      if (id < last) sorted_ = false;
    }
    ids_.push_back(static_cast<std::uint32_t>(id));
    if (values_ != nullptr) values_->push_back(value);
  }

  [[gnu::noinline, gnu::cold, noreturn]] static void fail_below_base(const LineCursor& c,
                                                                     const char* token,
                                                                     std::uint64_t raw,
                                                                     const IdSpec& spec) {
    c.fail(token, std::string(spec.what) + " " + std::to_string(raw) + " below " +
                      std::to_string(spec.base) + " (" + spec.base_note + ")");
  }
  [[gnu::noinline, gnu::cold, noreturn]] static void fail_out_of_range(const LineCursor& c,
                                                                       const char* token,
                                                                       std::uint64_t raw,
                                                                       const IdSpec& spec) {
    c.fail(token, std::string(spec.what) + " " + std::to_string(raw) + " out of range (" +
                      spec.range_note + ")");
  }
  [[gnu::noinline, gnu::cold, noreturn]] static void fail_duplicate(const LineCursor& c,
                                                                    const char* token,
                                                                    std::uint64_t raw,
                                                                    const IdSpec& spec) {
    c.fail(token, "each " + std::string(spec.what) + " at most once in a row, got " +
                      std::to_string(raw) + " twice");
  }

  // Sorts an unsorted row by id; repeated ids are an error or merged (values summed in file order).
  void finish(const LineCursor& c, const IdSpec& spec, DuplicatePolicy duplicates) {
    if (sorted_) return;
    const std::size_t n = ids_.size() - start_;
    scratch_.clear();
    for (std::size_t i = 0; i < n; ++i)
      scratch_.push_back({ids_[start_ + i], static_cast<std::uint32_t>(i),
                          values_ != nullptr ? (*values_)[start_ + i] : 0.0f});
    std::sort(scratch_.begin(), scratch_.end(), [](const SortEntry& a, const SortEntry& b) {
      return a.id != b.id ? a.id < b.id : a.position < b.position;
    });
    std::size_t out = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (out > 0 && scratch_[i].id == ids_[start_ + out - 1]) {
        if (duplicates == DuplicatePolicy::kError)
          fail_duplicate(c, token_start(c, scratch_[i].position), scratch_[i].id + spec.base, spec);
        if (values_ != nullptr) (*values_)[start_ + out - 1] += scratch_[i].value;
        continue;
      }
      ids_[start_ + out] = scratch_[i].id;
      if (values_ != nullptr) (*values_)[start_ + out] = scratch_[i].value;
      ++out;
    }
    ids_.resize(start_ + out);
    if (values_ != nullptr) values_->resize(start_ + out);
  }

 private:
  // Start of the index-th token of the row. Under kError every token became one entry, so the
  // entry's position is its token's index.
  const char* token_start(const LineCursor& c, std::uint32_t index) const {
    const char* p = first_;
    if (list_) {
      for (std::uint32_t i = 0; i < index; ++i) {
        while (*p != ',') ++p;
        ++p;
      }
      return p;
    }
    p = c.skip_blanks(p);
    for (std::uint32_t i = 0; i < index; ++i) {
      while (p < c.end() && !is_blank(*p)) ++p;
      p = c.skip_blanks(p);
    }
    return p;
  }

  std::vector<std::uint32_t>& ids_;
  std::vector<float>* values_;
  std::vector<SortEntry>& scratch_;
  std::size_t start_;
  const char* first_;
  bool list_;
  bool sorted_ = true;
};

// The CSR arrays under construction plus per-row scratch.
struct Builder {
  std::vector<std::uint64_t> feature_offsets{0};
  std::vector<std::uint32_t> feature_ids;
  std::vector<float> feature_values;
  std::vector<std::uint64_t> label_offsets{0};
  std::vector<std::uint32_t> label_ids;
  std::vector<SortEntry> scratch;

  void commit_row() {
    feature_offsets.push_back(feature_ids.size());
    label_offsets.push_back(label_ids.size());
  }
  void rollback_row() {
    feature_ids.resize(feature_offsets.back());
    feature_values.resize(feature_offsets.back());
    label_ids.resize(label_offsets.back());
  }
  std::uint64_t rows() const { return feature_offsets.size() - 1; }
};

// `id:value` pairs separated by blanks, from p to the end of the line. values == nullptr: the
// values are checked and dropped (label pairs of the split format).
void parse_pairs(const LineCursor& c, const char* p, const IdSpec& spec, DuplicatePolicy duplicates,
                 Builder& b, bool labels) {
  RowIds row(labels ? b.label_ids : b.feature_ids, labels ? nullptr : &b.feature_values, b.scratch,
             p, false);
  for (;;) {
    p = c.skip_blanks(p);
    if (p == c.end()) break;
    const char* token = p;
    std::uint64_t raw = 0;
    p = c.parse_id(p, raw, spec.what);
    if (p == c.end() || *p != ':')
      c.fail(p, std::string("':' after ") + spec.what + " " + std::to_string(raw) + ", got " +
                    c.describe(p));
    float value = 0;
    p = c.parse_value(p + 1, value, "value");
    c.expect_separator(p, "a value");
    row.add(c, token, raw, value, spec, duplicates);
  }
  row.finish(c, spec, duplicates);
}

// `l1,l2,...` at p (no blanks inside); returns the position after it.
const char* parse_label_list(const LineCursor& c, const char* p, const IdSpec& spec,
                             DuplicatePolicy duplicates, Builder& b) {
  RowIds row(b.label_ids, nullptr, b.scratch, p, true);
  for (;;) {
    const char* token = p;
    std::uint64_t raw = 0;
    p = c.parse_id(p, raw, spec.what);
    row.add(c, token, raw, 0.0f, spec, duplicates);
    if (p == c.end() || is_blank(*p)) break;
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p == ':')
      c.fail(p, "',' or a space after label id " + std::to_string(raw) +
                    ", got ':' (a row without labels starts with a space)");
    c.fail(p, "',' or a space after label id " + std::to_string(raw) + ", got " + c.describe(p));
  }
  row.finish(c, spec, duplicates);
  return p;
}

void note_skipped(ReadReport& report, const ReadOptions& options, const DataError& error) {
  ++report.skipped_rows;
  if (report.skipped_messages.size() < options.max_reported_errors)
    report.skipped_messages.emplace_back(error.what());
}

// What a header said (0 when it did not say).
struct Header {
  bool present = false;
  std::uint64_t rows = 0;
  bool has_features = false;
  std::uint64_t features = 0;
  bool has_labels = false;
  std::uint64_t labels = 0;
};

// Sets up the id checks of one kind from the header, the options or neither (inferred).
IdSpec make_spec(const char* what, const char* plural, bool in_header, std::uint64_t header_count,
                 std::uint32_t option_count, const std::string& file, std::uint64_t base,
                 const char* base_note) {
  IdSpec spec;
  spec.what = what;
  spec.base = base;
  spec.base_note = base_note;
  if (in_header) {
    if (header_count > detail::kMaxId + 1)
      throw DataError(file, 1,
                      std::string("at most ") + std::to_string(detail::kMaxId + 1) + " " + plural +
                          " in the header, got " + std::to_string(header_count));
    if (option_count != 0 && option_count != header_count)
      throw DataError(file, 1,
                      std::string("a header agreeing with the ") + std::to_string(option_count) +
                          " " + plural + " asked for, got " + std::to_string(header_count));
    spec.limit = header_count;
    spec.known = true;
    spec.range_note = "header says " + std::to_string(header_count) + " " + plural;
  } else if (option_count != 0) {
    spec.limit = option_count;
    spec.known = true;
    spec.range_note = std::to_string(option_count) + " " + plural + " given";
  }
  if (base != 0 && spec.known)
    spec.range_note +=
        ", ids " + std::to_string(base) + ".." + std::to_string(spec.limit + base - 1);
  return spec;
}

std::uint32_t final_count(const IdSpec& spec, const std::vector<std::uint32_t>& ids) {
  if (spec.known) return static_cast<std::uint32_t>(spec.limit);
  std::uint64_t largest_plus_one = 0;
  for (std::uint32_t id : ids)
    largest_plus_one = std::max<std::uint64_t>(largest_plus_one, id + std::uint64_t{1});
  return static_cast<std::uint32_t>(largest_plus_one);
}

Dataset build(Builder& b, const IdSpec& features, const IdSpec& labels) {
  const std::uint32_t num_features = final_count(features, b.feature_ids);
  const std::uint32_t num_labels = final_count(labels, b.label_ids);
  return Dataset::from_csr(num_features, num_labels, std::move(b.feature_offsets),
                           std::move(b.feature_ids), std::move(b.feature_values),
                           std::move(b.label_offsets), std::move(b.label_ids));
}

// Reads the first line as a header per `policy`. `counts` is 3 (XC: N F L) or 2 (split: N F / N L;
// XC under kOptional also accepts N F). Returns whether the first line is still to be parsed as a
// row (no header), with `line` holding it.
bool read_header(io::LineReader& in, HeaderPolicy policy, int counts, const char* layout,
                 bool allow_two_of_three, Header& header, std::string_view& line, bool& have_line) {
  have_line = in.next(line);
  if (!have_line) {
    if (policy == HeaderPolicy::kRequired)
      throw DataError(in.name(), 1, 1, std::string("a header `") + layout + "`, got an empty file");
    return false;
  }
  std::uint64_t numbers[3] = {0, 0, 0};
  int count = 0;
  const bool numeric = detail::header_numbers(line, numbers, 3, count);
  const bool accepted =
      numeric &&
      (count == counts || (allow_two_of_three && count == 2 && policy == HeaderPolicy::kOptional));
  if (!accepted) {
    if (policy == HeaderPolicy::kRequired) {
      std::string got(line.substr(0, 40));
      throw DataError(in.name(), 1, 1,
                      std::string("a header `") + layout + "` (" + std::to_string(counts) +
                          " non-negative integers), got '" + got +
                          (line.size() > 40 ? "...'" : "'"));
    }
    return true;  // the first line is a row
  }
  header.present = true;
  header.rows = numbers[0];
  return false;
}

void check_more_rows_allowed(const io::LineReader& in, const Header& header,
                             std::uint64_t rows_seen) {
  if (header.present && rows_seen == header.rows)
    throw DataError(
        in.name(), in.line_number(),
        "no more rows than the header's " + std::to_string(header.rows) + ", got another one");
}

void check_row_count(const io::LineReader& in, const Header& header, std::uint64_t rows_seen) {
  if (header.present && rows_seen < header.rows)
    throw DataError(in.name(), in.line_number(),
                    std::to_string(header.rows) +
                        " rows as the header says, but the file ends after " +
                        std::to_string(rows_seen));
}

enum class RowLayout { kXc, kLibsvm };

ReadResult read_one_file(io::LineReader& in, const ReadOptions& options, RowLayout layout) {
  Header header;
  std::string_view line;
  bool have_line = false;
  bool first_is_row = false;
  if (layout == RowLayout::kXc) {
    first_is_row =
        read_header(in, options.header, 3, "points features labels", true, header, line, have_line);
    if (header.present) {
      std::uint64_t numbers[3] = {0, 0, 0};
      int count = 0;
      detail::header_numbers(line, numbers, 3, count);
      header.has_features = true;
      header.features = numbers[1];
      header.has_labels = count == 3;
      header.labels = numbers[2];
    }
  } else {
    have_line = in.next(line);
    first_is_row = have_line;
  }

  const bool libsvm = layout == RowLayout::kLibsvm;
  const IdSpec features = make_spec(
      "feature id", "features", header.has_features, header.features, options.num_features,
      in.name(), libsvm ? options.libsvm_feature_base : 0, "LIBSVM feature ids start at 1");
  const IdSpec labels =
      make_spec("label id", "labels", header.has_labels, header.labels, options.num_labels,
                in.name(), libsvm ? options.libsvm_label_base : 0, "the label base given");

  ReadResult result;
  Builder b;
  if (header.present) {  // capped: the header is not trusted with memory
    const std::uint64_t expected = std::min<std::uint64_t>(header.rows, std::uint64_t{1} << 22);
    b.feature_offsets.reserve(expected + 1);
    b.label_offsets.reserve(expected + 1);
  }
  std::uint64_t rows_seen = 0;
  bool pending = first_is_row;
  for (;;) {
    if (options.max_rows != 0 && rows_seen == options.max_rows) {
      result.input_ended = false;
      break;
    }
    if (!pending && !in.next(line)) break;
    pending = false;
    check_more_rows_allowed(in, header, rows_seen);
    ++rows_seen;
    try {
      const LineCursor c(in.name(), in.line_number(), line);
      const char* p = c.begin();
      if (p < c.end() && !is_blank(*p)) {
        bool has_labels = true;
        if (libsvm) {
          const char* q = p;
          while (q < c.end() && !is_blank(*q) && *q != ':') ++q;
          has_labels = q == c.end() || *q != ':';
        }
        if (has_labels) p = parse_label_list(c, p, labels, options.duplicates, b);
      }
      parse_pairs(c, p, features, options.duplicates, b, false);
      b.commit_row();
    } catch (const DataError& error) {
      if (!options.skip_bad_rows) throw;
      b.rollback_row();
      note_skipped(result.report, options, error);
    }
  }
  check_row_count(in, header, rows_seen);
  result.data = build(b, features, labels);
  return result;
}

}  // namespace

ReadResult read_xc(io::LineReader& in, const ReadOptions& options) {
  return read_one_file(in, options, RowLayout::kXc);
}

ReadResult read_libsvm(io::LineReader& in, const ReadOptions& options) {
  return read_one_file(in, options, RowLayout::kLibsvm);
}

ReadResult read_xc_split(io::LineReader& features_in, io::LineReader& labels_in,
                         const ReadOptions& options) {
  Header x_header;
  Header y_header;
  std::string_view x_line;
  std::string_view y_line;
  bool x_have = false;
  bool y_have = false;
  bool x_pending = read_header(features_in, options.header, 2, "points features", false, x_header,
                               x_line, x_have);
  if (x_header.present) {
    std::uint64_t numbers[3];
    int count = 0;
    detail::header_numbers(x_line, numbers, 3, count);
    x_header.has_features = true;
    x_header.features = numbers[1];
  }
  bool y_pending =
      read_header(labels_in, options.header, 2, "points labels", false, y_header, y_line, y_have);
  if (y_header.present) {
    std::uint64_t numbers[3];
    int count = 0;
    detail::header_numbers(y_line, numbers, 3, count);
    y_header.has_labels = true;
    y_header.labels = numbers[1];
  }
  if (x_header.present && y_header.present && x_header.rows != y_header.rows)
    throw DataError(labels_in.name(), 1,
                    "the same number of points as " + features_in.name() + " (" +
                        std::to_string(x_header.rows) + "), got " + std::to_string(y_header.rows));

  const IdSpec features =
      make_spec("feature id", "features", x_header.has_features, x_header.features,
                options.num_features, features_in.name(), 0, "");
  const IdSpec labels = make_spec("label id", "labels", y_header.has_labels, y_header.labels,
                                  options.num_labels, labels_in.name(), 0, "");

  ReadResult result;
  Builder b;
  std::uint64_t rows_seen = 0;
  for (;;) {
    if (options.max_rows != 0 && rows_seen == options.max_rows) {
      result.input_ended = false;
      break;
    }
    const bool x_more = x_pending || features_in.next(x_line);
    const bool y_more = y_pending || labels_in.next(y_line);
    x_pending = y_pending = false;
    if (!x_more && !y_more) break;
    if (x_more != y_more) {
      io::LineReader& longer = x_more ? features_in : labels_in;
      io::LineReader& shorter = x_more ? labels_in : features_in;
      throw DataError(longer.name(), longer.line_number(),
                      "no more rows than " + shorter.name() + ", which ends at line " +
                          std::to_string(shorter.line_number()));
    }
    check_more_rows_allowed(features_in, x_header, rows_seen);
    check_more_rows_allowed(labels_in, y_header, rows_seen);
    ++rows_seen;
    try {
      const LineCursor x(features_in.name(), features_in.line_number(), x_line);
      parse_pairs(x, x.begin(), features, options.duplicates, b, false);
      const LineCursor y(labels_in.name(), labels_in.line_number(), y_line);
      parse_pairs(y, y.begin(), labels, options.duplicates, b, true);
      b.commit_row();
    } catch (const DataError& error) {
      if (!options.skip_bad_rows) throw;
      b.rollback_row();
      note_skipped(result.report, options, error);
    }
  }
  check_row_count(features_in, x_header, rows_seen);
  check_row_count(labels_in, y_header, rows_seen);
  result.data = build(b, features, labels);
  return result;
}

ReadResult read_xc_file(const std::string& path, const ReadOptions& options) {
  io::LineReader in(io::open_source(path));
  return read_xc(in, options);
}

ReadResult read_xc_split_files(const std::string& features_path, const std::string& labels_path,
                               const ReadOptions& options) {
  io::LineReader features(io::open_source(features_path));
  io::LineReader labels(io::open_source(labels_path));
  return read_xc_split(features, labels, options);
}

ReadResult read_libsvm_file(const std::string& path, const ReadOptions& options) {
  io::LineReader in(io::open_source(path));
  return read_libsvm(in, options);
}

DataFormat parse_data_format(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "xc") return DataFormat::kXc;
  if (lower == "libsvm") return DataFormat::kLibsvm;
  throw UsageError("unknown data format '" + std::string(name) + "' (expected xc or libsvm)");
}

ReadResult read_dataset_file(const std::string& path, DataFormat format,
                             const ReadOptions& options) {
  return format == DataFormat::kXc ? read_xc_file(path, options) : read_libsvm_file(path, options);
}

}  // namespace slide::xc
