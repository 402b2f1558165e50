// libFuzzer target: the XC data readers (slide/xc/dataset_reader.h) in every variant.
//
// Input: byte 0 picks the reader and the source, byte 1 the options, the rest is the file.
//   byte0 % 4:   0 read_xc, 1 read_libsvm, 2 read_xc_split (the file is cut at its first NUL byte:
//                features before it, labels after), 3 read_dataset_file on a memfd, which goes
//                through io::open_input and its decompressors (gzip, zstd, bzip2, xz).
//   byte0 / 4 % 2 (variants 0-2): the text read whole, or 7 bytes a read (lines straddle refills).
// A successful read must satisfy the Dataset invariants (checked again here); a failed one must
// throw slide::Error.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "slide/core/error.h"
#include "slide/io/byte_source.h"
#include "slide/io/line_reader.h"
#include "slide/xc/dataset_reader.h"

namespace slide::fuzz {
namespace {

void check_dataset(const xc::Dataset& d) {
  SLIDE_FUZZ_CHECK(d.feature_offsets().size() == d.rows() + 1 || d.rows() == 0);
  SLIDE_FUZZ_CHECK(d.label_offsets().size() == d.feature_offsets().size());
  for (std::uint64_t r = 0; r < d.rows(); ++r) {
    const auto ids = d.feature_ids(r);
    const auto values = d.feature_values(r);
    SLIDE_FUZZ_CHECK(ids.size() == values.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      SLIDE_FUZZ_CHECK(ids[i] < d.num_features());
      SLIDE_FUZZ_CHECK(i == 0 || ids[i - 1] < ids[i]);
      SLIDE_FUZZ_CHECK(std::isfinite(values[i]));
    }
    const auto labels = d.labels(r);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      SLIDE_FUZZ_CHECK(labels[i] < d.num_labels());
      SLIDE_FUZZ_CHECK(i == 0 || labels[i - 1] < labels[i]);
    }
  }
}

// The whole text at once, or a few bytes per read (lines then straddle the reader's refills).
io::LineReader make_source(std::string_view text, bool stream, std::string name) {
  return io::LineReader(io::memory_source(text, std::move(name), stream ? 7 : text.size() + 1));
}

}  // namespace

int xc_reader_one_input(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const std::uint8_t mode = in.take();
  const std::uint8_t flags = in.take();
  xc::ReadOptions options;
  options.header = (flags & 1) ? xc::HeaderPolicy::kOptional : xc::HeaderPolicy::kRequired;
  options.duplicates = (flags & 2) ? xc::DuplicatePolicy::kMerge : xc::DuplicatePolicy::kError;
  options.skip_bad_rows = (flags & 4) != 0;
  // Small given counts (0: infer) so that range checks against options are exercised too.
  options.num_features = (flags & 8) ? (flags >> 4) * 7u : 0u;
  options.num_labels = (flags & 8) ? (flags >> 4) * 3u : 0u;
  options.libsvm_feature_base = (mode & 8) ? 0 : 1;
  options.libsvm_label_base = (mode & 16) ? 1 : 0;
  options.max_reported_errors = 3;
  const std::string_view text = in.rest();
  const bool stream = (mode & 4) != 0;
  try {
    xc::ReadResult result;
    switch (mode % 4) {
      case 0: {
        io::LineReader src = make_source(text, stream, "fuzz.txt");
        result = xc::read_xc(src, options);
        break;
      }
      case 1: {
        io::LineReader src = make_source(text, stream, "fuzz.svm");
        result = xc::read_libsvm(src, options);
        break;
      }
      case 2: {
        const std::size_t cut = text.find('\0');
        const std::string_view x = text.substr(0, cut);
        const std::string_view y =
            cut == std::string_view::npos ? std::string_view{} : text.substr(cut + 1);
        io::LineReader fx = make_source(x, stream, "fuzz_X_Xf.txt");
        io::LineReader fy = make_source(y, stream, "fuzz_X_Y.txt");
        result = xc::read_xc_split(fx, fy, options);
        break;
      }
      default: {
        const std::string& path = mem_file(0).write(text);
        result = xc::read_dataset_file(
            path, (mode & 4) ? xc::DataFormat::kLibsvm : xc::DataFormat::kXc, options);
        break;
      }
    }
    check_dataset(result.data);
    SLIDE_FUZZ_CHECK(result.report.skipped_messages.size() <= options.max_reported_errors);
    SLIDE_FUZZ_CHECK(result.report.skipped_messages.size() <= result.report.skipped_rows);
    if (!options.skip_bad_rows) SLIDE_FUZZ_CHECK(result.report.skipped_rows == 0);
  } catch (const slide::Error& e) {
    note_error(e);  // the documented outcome for bad data
  }
  return 0;
}

}  // namespace slide::fuzz

#ifndef SLIDE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return slide::fuzz::xc_reader_one_input(data, size);
}
#endif
