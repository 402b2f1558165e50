#pragma once

// Top-k labels of rows under a slide-xc model: exact (every label scored) or through LSH tables
// built from the model's weights, and streamed in batches so that the memory stays bounded
// whatever the input size. The result of a row never depends on the batch size or the threads.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slide/core/csr_matrix.h"
#include "slide/lsh/active_set.h"
#include "slide/nn/lsh_selector.h"
#include "slide/nn/predictor.h"
#include "slide/xc/batch_reader.h"
#include "slide/xc/dataset.h"
#include "slide/xc/model.h"
#include "slide/xc/predictions_io.h"

namespace slide::xc {

enum class Inference { exact, lsh };

inline constexpr std::uint32_t kPredictLinearShortlist = 1024;
// "exact" or "lsh"; UsageError otherwise.
Inference parse_inference(const std::string& name);

// The precision of the output products: automatic follows the precision the model was trained
// with (bf16 for --precision bf16, else fp32).
enum class ProductPrecision { automatic, fp32, bf16 };
// "auto", "fp32" or "bf16"; UsageError otherwise.
ProductPrecision parse_product_precision(const std::string& name);

// Unset fields follow the model (see inference_lsh).
struct PredictOptions {
  std::size_t top_k = 5;
  Inference inference = Inference::exact;
  ProductPrecision precision = ProductPrecision::automatic;
  std::optional<lsh::ActivePolicy> active_policy;
  std::optional<std::uint32_t> active_size;  // candidates per row from the tables
  std::optional<std::uint32_t> lsh_k, lsh_l;
  std::optional<std::size_t> head_labels;  // also scored for every row (LSH inference)
  // LSH inference of a model with a sparse linear path: the labels it scores highest that join
  // each row's candidates.
  std::uint32_t linear_shortlist = kPredictLinearShortlist;
  int threads = 0;  // 0: every hardware thread
  std::uint64_t seed = 0;
};

// The LSH inference settings: the model's (a model trained in lsh mode: the tables it trained
// with), else, for a model trained in exact mode (no training tables to follow), settings that
// stayed within a point of exact inference on Bibtex and Delicious while scoring a quarter of
// the labels (docs/PERFORMANCE.md): DWTA with K 2 and L 200, the 15% of the labels with the most
// table hits plus the 10% most frequent labels (their logits owe much to the bias, which the
// hashed weight rows do not carry). The options override either.
struct InferenceLsh {
  nn::LshSelectorConfig config;
  std::size_t head_labels = 0;
};
InferenceLsh inference_lsh(const Model& model, const PredictOptions& options);

// The n most frequent training labels (the model's label counts; without them, the largest
// output biases, which softmax training makes track the log frequencies), ties by id.
std::vector<std::uint32_t> head_label_ids(const Model& model, std::size_t n);

class Predictor {
 public:
  // The model must outlive the predictor. UsageError for top_k == 0.
  Predictor(const Model& model, const PredictOptions& options);
  ~Predictor();

  // first_row: the index of rows' first row in the whole input (LSH inference seeds by it).
  nn::TopK predict(const CsrMatrix& rows, std::uint64_t first_row = 0) const;

  // Every batch of at most batch_rows rows of `reader`, predicted, in input order.
  using BatchResult = std::function<void(const Dataset& batch, const nn::TopK& top)>;
  void predict_all(BatchReader& reader, std::size_t batch_rows, const BatchResult& result) const;

 private:
  nn::Predictor predictor_;
  std::unique_ptr<nn::LshSelector> lsh_;
};

// Each row of `top` as a line of a prediction file: its labels by decreasing score, without the
// padding of rows with fewer than k candidates.
void write_predictions(const nn::TopK& top, PredictionWriter& writer);

}  // namespace slide::xc
