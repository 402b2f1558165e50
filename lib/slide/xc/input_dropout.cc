#include "slide/xc/input_dropout.h"

#include <vector>

#include "slide/core/random.h"

namespace slide::xc {

void drop_features(const SparseDataset& data, double p, std::uint64_t seed, std::uint64_t epoch,
                   SparseDataset& out) {
  constexpr std::uint64_t kDropStream = 0xD709;
  out.features = CsrMatrix(data.features.cols(), false);
  out.features.reserve(data.size(), data.features.nnz());
  out.labels = data.labels;
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  const float keep = static_cast<float>(1.0 - p);
  std::vector<std::uint32_t> ids;
  std::vector<float> values;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const SparseRow row = data.features.row(i);
    Rng rng(seed, kDropStream, epoch, i);
    ids.clear();
    values.clear();
    for (std::size_t j = 0; j < row.ids.size(); ++j) {
      if (rng.uniform_float() >= keep) continue;
      ids.push_back(row.ids[j]);
      values.push_back((row.values.empty() ? 1.0f : row.values[j]) * scale);
    }
    out.features.append_row(ids, values);
  }
}

}  // namespace slide::xc
