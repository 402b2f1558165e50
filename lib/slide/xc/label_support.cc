#include "slide/xc/label_support.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

// Rows of each label: a label-major copy of the label matrix.
struct RowsOfLabel {
  std::vector<std::uint64_t> start;
  std::vector<std::uint32_t> rows;
};

RowsOfLabel rows_of_label(const Dataset& train, std::uint32_t labels) {
  RowsOfLabel out;
  out.start.assign(std::size_t{labels} + 1, 0);
  for (std::uint32_t l : train.all_label_ids()) ++out.start[l + 1];
  for (std::uint32_t l = 0; l < labels; ++l) out.start[l + 1] += out.start[l];
  out.rows.resize(out.start[labels]);
  std::vector<std::uint64_t> next(out.start.begin(), out.start.end() - 1);
  for (std::uint64_t r = 0; r < train.rows(); ++r) {
    for (std::uint32_t l : train.labels(r)) out.rows[next[l]++] = static_cast<std::uint32_t>(r);
  }
  return out;
}

}  // namespace

void choose_label_support(const Dataset& train, nn::LinearPath& path,
                          const LabelSupportOptions& options) {
  if (path.input_dim() < train.num_features() || path.output_dim() < train.num_labels()) {
    throw UsageError("the linear path is smaller than the training data");
  }
  const std::uint32_t features = path.input_dim();
  const std::uint32_t support = path.support();
  // Mean of each feature over all rows: the background a label's mean is compared with; and
  // its inverse document frequency, so that a feature most rows carry (which would join the
  // support of every rare label and tell none of them apart) ranks low.
  std::vector<double> background(features, 0.0), idf(features, 0.0);
  {
    const auto ids = train.all_feature_ids();
    const auto values = train.all_feature_values();
    std::vector<std::uint64_t> rows_with(features, 0);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      background[ids[i]] += values.empty() ? 1.0 : values[i];
      ++rows_with[ids[i]];
    }
    const double rows = static_cast<double>(std::max<std::uint64_t>(train.rows(), 1));
    for (std::uint32_t f = 0; f < features; ++f) {
      background[f] /= rows;
      idf[f] = rows_with[f] ? std::log(rows / static_cast<double>(rows_with[f])) : 0.0;
    }
  }
  const RowsOfLabel by_label = rows_of_label(train, train.num_labels());
  struct Scratch {
    std::vector<double> sum;
    std::vector<std::uint32_t> touched;
    std::vector<std::pair<float, std::uint32_t>> ranked;
  };
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    return Scratch{std::vector<double>(features, 0.0), {}, {}};
  });
  auto feature_ids = path.features();
  auto weights = path.weights();
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::uint32_t>(0, train.num_labels(), 256),
        [&](const tbb::blocked_range<std::uint32_t>& range) {
          Scratch& s = scratch.local();
          for (std::uint32_t label = range.begin(); label < range.end(); ++label) {
            const std::uint64_t begin = by_label.start[label], end = by_label.start[label + 1];
            if (begin == end) continue;
            s.touched.clear();
            for (std::uint64_t k = begin; k < end; ++k) {
              const std::uint32_t row = by_label.rows[k];
              const auto ids = train.feature_ids(row);
              const auto values = train.feature_values(row);
              for (std::size_t i = 0; i < ids.size(); ++i) {
                if (s.sum[ids[i]] == 0.0) s.touched.push_back(ids[i]);
                s.sum[ids[i]] += values.empty() ? 1.0 : values[i];
              }
            }
            const double count = static_cast<double>(end - begin);
            s.ranked.clear();
            for (std::uint32_t f : s.touched) {
              const double excess = (s.sum[f] / count - background[f]) * idf[f];
              s.sum[f] = 0.0;
              if (excess > 0.0) s.ranked.emplace_back(static_cast<float>(excess), f);
            }
            const std::size_t keep = std::min<std::size_t>(support, s.ranked.size());
            std::partial_sort(
                s.ranked.begin(), s.ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                s.ranked.end(), [](const auto& a, const auto& b) {
                  return a.first > b.first || (a.first == b.first && a.second < b.second);
                });
            double norm = 0.0;
            for (std::size_t i = 0; i < keep; ++i)
              norm += double(s.ranked[i].first) * s.ranked[i].first;
            const double scale = norm > 0.0 ? options.initial_norm / std::sqrt(norm) : 0.0;
            const std::size_t base = std::size_t{label} * support;
            for (std::size_t i = 0; i < keep; ++i) {
              feature_ids[base + i] = s.ranked[i].second;
              weights[base + i] = static_cast<float>(s.ranked[i].first * scale);
            }
          }
        });
  });
  path.build_index();
}

}  // namespace slide::xc
