// xc::Predictor: rows predicted in batches of any size give what one batch gives, exact and
// through LSH tables, and the LSH inference settings follow the model unless overridden.

#include "slide/xc/predictor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "slide/core/error.h"
#include "slide/xc/batch_reader.h"

namespace slide::xc {
namespace {

const std::string kBibtexTest =
    (std::filesystem::path(SLIDE_SOURCE_DIR) / "corpora" / "bibtex" / "bibtex_test.txt.zst")
        .string();

// An untrained network of Bibtex's shape: its scores are as good as any to compare batchings.
Model bibtex_shaped_model(OutputMode mode) {
  nn::NetworkConfig config;
  config.input_dim = 1836;
  config.hidden_dims = {32};
  config.output_dim = 159;
  config.seed = 11;
  config.hidden_init = {nn::Init::Kind::uniform, 0.05f};
  config.output_init = {nn::Init::Kind::uniform, 0.2f};
  ModelSettings settings;
  settings.output_mode = mode;
  settings.lsh.tables.k = 3;
  settings.lsh.tables.l = 16;
  settings.lsh.active.beta = 40;
  std::vector<std::uint64_t> counts(159);
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] = (i * 37) % 101;
  return Model(nn::Network(config), settings, counts);
}

struct AllRows {
  std::vector<std::uint32_t> ids;
  std::vector<float> scores;
  std::size_t batches = 0;
};

AllRows predict_file(const Model& model, const PredictOptions& options, std::size_t batch_rows) {
  BatchReader reader(kBibtexTest, InputFormat::xc, model.network().input_dim());
  const Predictor predictor(model, options);
  AllRows all;
  predictor.predict_all(reader, batch_rows, [&](const Dataset& batch, const nn::TopK& top) {
    EXPECT_EQ(top.rows, batch.rows());
    all.ids.insert(all.ids.end(), top.ids.begin(), top.ids.end());
    all.scores.insert(all.scores.end(), top.scores.begin(), top.scores.end());
    ++all.batches;
  });
  return all;
}

void expect_batching_does_not_matter(const Model& model, const PredictOptions& options) {
  const AllRows whole = predict_file(model, options, 100000);
  const AllRows batched = predict_file(model, options, 7);
  EXPECT_EQ(whole.batches, 1u);
  EXPECT_EQ(batched.batches, (2515u + 6) / 7);
  EXPECT_EQ(whole.ids.size(), 2515u * options.top_k);
  EXPECT_EQ(whole.ids, batched.ids);
  EXPECT_EQ(whole.scores, batched.scores);
}

TEST(XcPredictor, ExactBatchesEqualOneBatch) {
  PredictOptions options;
  options.threads = 2;
  expect_batching_does_not_matter(bibtex_shaped_model(OutputMode::exact), options);
}

TEST(XcPredictor, LshBatchesEqualOneBatch) {
  PredictOptions options;
  options.inference = Inference::lsh;
  options.top_k = 3;
  options.threads = 2;
  options.seed = 5;
  expect_batching_does_not_matter(bibtex_shaped_model(OutputMode::lsh), options);
  expect_batching_does_not_matter(bibtex_shaped_model(OutputMode::exact), options);
}

TEST(XcPredictor, LshInferenceFollowsTheModel) {
  PredictOptions options;
  options.inference = Inference::lsh;
  const Model lsh_model = bibtex_shaped_model(OutputMode::lsh);
  InferenceLsh lsh = inference_lsh(lsh_model, options);
  EXPECT_EQ(lsh.config.tables.k, 3u);
  EXPECT_EQ(lsh.config.active.beta, 40u);
  EXPECT_EQ(lsh.head_labels, 159u);  // at least 1024 labels, at most all of them
  // A model trained in exact mode has no tables of its own: K 2, L 200, a share of the labels.
  lsh = inference_lsh(bibtex_shaped_model(OutputMode::exact), options);
  EXPECT_EQ(lsh.config.tables.k, 2u);
  EXPECT_EQ(lsh.config.tables.l, 200u);
  EXPECT_EQ(lsh.config.active.policy, lsh::ActivePolicy::top_hits);
  EXPECT_EQ(lsh.config.active.beta, 24u);  // 15% of 159, rounded up
  EXPECT_EQ(lsh.head_labels, 16u);         // 10%
  options.lsh_k = 5;
  options.active_size = 10;
  options.head_labels = 0;
  lsh = inference_lsh(lsh_model, options);
  EXPECT_EQ(lsh.config.tables.k, 5u);
  EXPECT_EQ(lsh.config.active.min_active, 10u);
  EXPECT_EQ(lsh.head_labels, 0u);
  // The most frequent labels by the model's counts.
  const std::vector<std::uint32_t> head = head_label_ids(lsh_model, 2);
  EXPECT_EQ(head, (std::vector<std::uint32_t>{30, 131}));  // both counted 100: ties by id
}

}  // namespace
}  // namespace slide::xc
