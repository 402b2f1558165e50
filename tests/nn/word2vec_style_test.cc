// word2vec expressed with the engine: one hidden layer with the identity activation and no
// biases (the input rows are syn0, the output rows syn1neg), binary logistic loss over the
// context word plus sampled negatives, SGD with linear decay. Skip-gram feeds one id with value
// 1; CBOW feeds the context ids with value 1/n. On a corpus where words co-occur only within
// their group, words of the same group must end up closer than words of different groups.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "slide/core/random.h"
#include "slide/nn/trainer.h"

namespace slide::nn {
namespace {

constexpr std::uint32_t kGroups = 10;
constexpr std::uint32_t kGroupSize = 8;
constexpr std::uint32_t kWords = kGroups * kGroupSize;

NetworkConfig w2v_config() {
  NetworkConfig c;
  c.input_dim = kWords;
  c.hidden_dims = {16};
  c.output_dim = kWords;
  c.hidden_activation = Activation::identity;
  c.hidden_bias = false;
  c.output_bias = false;
  c.hidden_init = {Init::Kind::uniform, 0.5f / 16};  // word2vec: (rand - 0.5) / dim
  c.output_init = {Init::Kind::zeros, 0.0f};         // word2vec: syn1neg starts at zero
  c.seed = 2;
  return c;
}

double cosine(const float* a, const float* b, std::size_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb + 1e-30);
}

// Mean cosine within groups minus mean cosine across groups, on the input embeddings.
double separation(const Network& net) {
  const auto& w = net.parameters().input_weights;
  double within = 0, across = 0;
  std::size_t nw = 0, na = 0;
  for (std::uint32_t a = 0; a < kWords; ++a) {
    for (std::uint32_t b = a + 1; b < kWords; ++b) {
      const double c = cosine(w.row(a), w.row(b), 16);
      if (a / kGroupSize == b / kGroupSize) {
        within += c;
        ++nw;
      } else {
        across += c;
        ++na;
      }
    }
  }
  return within / nw - across / na;
}

SparseDataset corpus(bool cbow) {
  SparseDataset d{CsrMatrix(kWords), CsrMatrix(kWords, true)};
  Rng rng(4);
  for (int e = 0; e < 20000; ++e) {
    const std::uint32_t group = rng.uniform(kGroups);
    const std::uint32_t center = group * kGroupSize + rng.uniform(kGroupSize);
    if (cbow) {
      std::vector<std::uint32_t> context;
      while (context.size() < 4) {
        const std::uint32_t w = group * kGroupSize + rng.uniform(kGroupSize);
        if (w != center && std::find(context.begin(), context.end(), w) == context.end())
          context.push_back(w);
      }
      std::sort(context.begin(), context.end());
      const std::vector<float> values(context.size(), 1.0f / static_cast<float>(context.size()));
      d.features.append_row(context, values);
      const std::vector<std::uint32_t> y{center};
      d.labels.append_row(y);
    } else {
      std::uint32_t context = center;
      while (context == center) context = group * kGroupSize + rng.uniform(kGroupSize);
      const std::vector<std::uint32_t> x{center}, y{context};
      d.features.append_row(x);
      d.labels.append_row(y);
    }
  }
  return d;
}

TEST(Word2VecStyle, SkipGramAndCbowLearnGroups) {
  for (bool cbow : {false, true}) {
    Network net(w2v_config());
    const double before = separation(net);
    UniformSelector negatives(kWords, 6);  // the context word + 5 negatives
    TrainerConfig tc;
    tc.optimizer = OptimizerKind::sgd;
    tc.loss = LossKind::binary_logistic;
    tc.learning_rate = 0.05f;
    tc.batch_size = 64;
    tc.epochs = 2;
    tc.threads = 2;
    Trainer trainer(net, negatives, tc);
    const SparseDataset data = corpus(cbow);
    const TrainStats first = trainer.train_epoch(data);
    const TrainStats second = trainer.train_epoch(data);
    EXPECT_LT(second.mean_loss(), first.mean_loss());
    const double after = separation(net);
    EXPECT_LT(std::fabs(before), 0.1) << (cbow ? "cbow" : "skip-gram");
    std::printf("%s separation %.3f -> %.3f\n", cbow ? "cbow" : "skip-gram", before, after);
    EXPECT_GT(after, 0.5) << (cbow ? "cbow" : "skip-gram");
  }
}

}  // namespace
}  // namespace slide::nn
