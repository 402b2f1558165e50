#include "slide/xc/predictor.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "slide/core/error.h"
#include "slide/core/name_table.h"

namespace slide::xc {

namespace {

constexpr NameTable<Inference, 2> kInferences{
    "inference mode", {{{Inference::exact, "exact"}, {Inference::lsh, "lsh"}}}};
constexpr NameTable<ProductPrecision, 3> kProductPrecisions{"--precision",
                                                            {{{ProductPrecision::automatic, "auto"},
                                                              {ProductPrecision::fp32, "fp32"},
                                                              {ProductPrecision::bf16, "bf16"}}}};

}  // namespace

Inference parse_inference(const std::string& name) {
  return kInferences.parse(name);
}
ProductPrecision parse_product_precision(const std::string& name) {
  return kProductPrecisions.parse(name);
}

namespace {

constexpr double kExactModelTableShare = 0.15;
constexpr double kExactModelHeadShare = 0.10;
// A model trained in lsh mode: its tables plus the labels most frequent in training, as many as
// its training active budget. A model far from converged (an Amazon-670K-shaped one after one
// epoch) puts its correct top predictions almost all among the frequent labels, which its weight
// rows alone hash poorly: its tables alone lost 8.5 points of P@1 against exact inference, the
// tables plus these labels none (docs/PERFORMANCE.md).
constexpr std::size_t kLshModelHeadLabelsMin = 1024;

bool use_bf16_products(const Model& model, ProductPrecision precision) {
  if (precision == ProductPrecision::automatic) {
    return model.settings().precision == nn::Precision::bf16_weights;
  }
  return precision == ProductPrecision::bf16;
}

nn::PredictorConfig predictor_config(const Model& model, const PredictOptions& options) {
  nn::PredictorConfig config{.top_k = options.top_k,
                             .threads = options.threads,
                             .bf16 = use_bf16_products(model, options.precision),
                             .seed = options.seed};
  if (options.inference == Inference::lsh) {
    config.always_scored = head_label_ids(model, inference_lsh(model, options).head_labels);
    config.linear_shortlist = options.linear_shortlist;
  }
  return config;
}

}  // namespace

InferenceLsh inference_lsh(const Model& model, const PredictOptions& options) {
  const nn::Network& network = model.network();
  InferenceLsh out{model.settings().lsh, options.head_labels.value_or(0)};
  nn::LshSelectorConfig& c = out.config;
  // The training fill pool shares a batch's random negatives; a predicted row draws its own.
  c.active.fill_pool = 0;
  if (model.settings().output_mode == OutputMode::lsh) {
    if (!options.head_labels) {
      out.head_labels = std::min<std::size_t>(
          network.output_dim(), std::max<std::size_t>(kLshModelHeadLabelsMin, c.active.min_active));
    }
  } else {
    const double labels = network.output_dim();
    c.tables.k = 2;
    c.tables.l = 200;
    c.active.policy = lsh::ActivePolicy::top_hits;
    const auto from_tables =
        static_cast<std::uint32_t>(std::max(1.0, std::ceil(labels * kExactModelTableShare)));
    c.active.beta = from_tables;
    c.active.min_active = from_tables;
    if (!options.head_labels) {
      out.head_labels = static_cast<std::size_t>(std::ceil(labels * kExactModelHeadShare));
    }
  }
  if (options.active_policy) c.active.policy = *options.active_policy;
  if (options.lsh_k) c.tables.k = *options.lsh_k;
  if (options.lsh_l) c.tables.l = *options.lsh_l;
  if (options.active_size) {
    c.active.beta = *options.active_size;
    c.active.min_active = *options.active_size;
  }
  return out;
}

std::vector<std::uint32_t> head_label_ids(const Model& model, std::size_t n) {
  const std::uint32_t labels = model.network().output_dim();
  n = std::min<std::size_t>(n, labels);
  if (n == 0) return {};
  std::vector<std::uint32_t> ids(labels);
  std::iota(ids.begin(), ids.end(), 0u);
  const auto bias = model.network().output_bias();
  const std::vector<std::uint64_t>& label_counts = model.label_counts();
  const bool counts = label_counts.size() == labels;
  auto key = [&](std::uint32_t id) {
    return counts ? static_cast<double>(label_counts[id]) : (bias.empty() ? 0.0 : bias[id]);
  };
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n), ids.end(),
                    [&](std::uint32_t x, std::uint32_t y) {
                      const double kx = key(x), ky = key(y);
                      return kx > ky || (kx == ky && x < y);
                    });
  ids.resize(n);
  return ids;
}

Predictor::Predictor(const Model& model, const PredictOptions& options)
    : predictor_(model.network(), predictor_config(model, options)) {
  if (options.inference == Inference::lsh) {
    const nn::Network& network = model.network();
    lsh_ = std::make_unique<nn::LshSelector>(network.output_dim(), network.hidden_dim(),
                                             inference_lsh(model, options).config);
    lsh_->prepare(network);
  }
}

Predictor::~Predictor() = default;

nn::TopK Predictor::predict(const CsrMatrix& rows, std::uint64_t first_row) const {
  return lsh_ ? predictor_.predict_selected(rows, *lsh_, first_row)
              : predictor_.predict_exact(rows);
}

void Predictor::predict_all(BatchReader& reader, std::size_t batch_rows,
                            const BatchResult& result) const {
  if (batch_rows == 0) throw UsageError("--batch-rows must be positive");
  Dataset batch;
  while (reader.next(batch_rows, batch)) {
    result(batch, predict(batch.features(), reader.rows_read() - batch.rows()));
  }
}

void write_predictions(const nn::TopK& top, PredictionWriter& writer) {
  std::vector<Prediction> row;
  for (std::size_t i = 0; i < top.rows; ++i) {
    row.clear();
    const auto ids = top.row_ids(i);
    const auto scores = top.row_scores(i);
    for (std::size_t j = 0; j < ids.size(); ++j) {
      if (ids[j] != nn::kNoLabel) row.push_back({ids[j], scores[j]});
    }
    rank_predictions(row);
    writer.write_row(row);
  }
}

}  // namespace slide::xc
