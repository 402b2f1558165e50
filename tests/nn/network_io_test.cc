#include "slide/nn/network_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "planted_problem.h"
#include "slide/core/error.h"
#include "slide/nn/predictor.h"

namespace slide::nn {
namespace {

std::string network_file_path(const std::string& name) {
  return ::testing::TempDir() + "/engine_" + std::to_string(::getpid()) + "_" + name;
}

NetworkConfig small_config() {
  NetworkConfig c;
  c.input_dim = 300;
  c.hidden_dims = {20, 12};  // not multiples of 16: rows are padded in memory, not in the file
  c.output_dim = 150;
  c.hidden_init = {Init::Kind::normal, 0.2f};
  c.output_init = {Init::Kind::uniform, 0.3f};
  c.seed = 0xFEEDFACECAFEBEEFull;  // above 2^63
  return c;
}

bool same(const DenseMatrix<float>& a, const DenseMatrix<float>& b) {
  return a.storage_size() == b.storage_size() &&
         std::memcmp(a.data(), b.data(), a.storage_size() * sizeof(float)) == 0;
}

bool same(const Network& x, const Network& y) {
  const auto& a = x.parameters();
  const auto& b = y.parameters();
  bool ok = same(a.input_weights, b.input_weights) && same(a.input_bias, b.input_bias) &&
            same(a.output_weights, b.output_weights) &&
            std::memcmp(a.output_bias.data(), b.output_bias.data(), a.output_bias.size() * 4) == 0;
  for (std::size_t l = 0; l < a.hidden_weights.size(); ++l) {
    ok = ok && same(a.hidden_weights[l], b.hidden_weights[l]) &&
         same(a.hidden_bias[l], b.hidden_bias[l]);
  }
  return ok;
}

void save(const std::string& path, const Network& net, Trainer* trainer,
          std::span<const std::uint64_t> counts = {}) {
  model::ModelWriter writer(path, trainer ? model::kKindCheckpoint : model::kKindXc);
  model::ModelConfig cfg;
  store_network_config(net.config(), cfg);
  if (trainer) store_trainer_state(*trainer, cfg);
  writer.add_config(cfg);
  add_network_sections(writer, net);
  if (trainer) add_trainer_sections(writer, *trainer);
  if (!counts.empty()) add_label_counts(writer, counts);
  writer.commit();
}

TEST(NetworkIo, RoundTripsConfigWeightsAndLabelCounts) {
  Network net(small_config());
  Rng rng(1);
  for (float& b : net.parameters().output_bias) b = rng.uniform_float();
  const std::string path = network_file_path("roundtrip.slide");
  const std::vector<std::uint64_t> counts{5, 0, 7};
  save(path, net, nullptr, counts);
  const model::ModelReader reader(path);
  const Network loaded = load_network(reader);
  EXPECT_EQ(loaded.config().hidden_dims, net.config().hidden_dims);
  EXPECT_EQ(loaded.config().seed, net.config().seed);
  EXPECT_EQ(loaded.config().output_init.kind, Init::Kind::uniform);
  EXPECT_FLOAT_EQ(loaded.config().output_init.scale, 0.3f);
  EXPECT_TRUE(same(net, loaded));
  EXPECT_EQ(load_label_counts(reader), counts);
  EXPECT_FALSE(same(net, Network([] {
                      auto c = small_config();
                      c.seed = 1;
                      return c;
                    }())));
  std::remove(path.c_str());
}

TEST(NetworkIo, RefusesAnotherShape) {
  Network net(small_config());
  const std::string path = network_file_path("shape.slide");
  save(path, net, nullptr);
  const model::ModelReader reader(path);
  auto c = small_config();
  c.output_dim = 151;
  Network wrong(c);
  EXPECT_THROW(load_network_weights(reader, wrong), FormatError);
  EXPECT_TRUE(load_label_counts(reader).empty());
  std::remove(path.c_str());
}

TEST(NetworkIo, ResumedTrainingEqualsUninterruptedTraining) {
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 150;
  const SparseDataset data = problem.generate(0, 200);
  for (OptimizerKind opt : {OptimizerKind::lazy_adam, OptimizerKind::sgd}) {
    TrainerConfig tc;
    tc.optimizer = opt;
    tc.learning_rate = opt == OptimizerKind::sgd ? 0.05f : 1e-3f;
    tc.batch_size = 32;
    tc.threads = 1;
    tc.seed = 9;
    tc.epochs = 3;
    UniformSelector selector(150, 12);

    Network straight(small_config());
    Trainer t1(straight, selector, tc);
    for (int e = 0; e < 3; ++e) t1.train_epoch(data);

    const std::string path = network_file_path("checkpoint.slide");
    {
      Network first(small_config());
      Trainer t2(first, selector, tc);
      t2.train_epoch(data);
      save(path, first, &t2);
    }
    const model::ModelReader reader(path);
    Network resumed = load_network(reader);
    Trainer t3(resumed, selector, tc);
    load_trainer_state(reader, t3);
    EXPECT_EQ(t3.epoch(), 1u);
    t3.train_epoch(data);
    t3.train_epoch(data);
    EXPECT_TRUE(same(straight, resumed)) << (opt == OptimizerKind::sgd ? "sgd" : "adam");

    TrainerConfig other = tc;
    other.optimizer = opt == OptimizerKind::sgd ? OptimizerKind::lazy_adam : OptimizerKind::sgd;
    Trainer t4(resumed, selector, other);
    EXPECT_THROW(load_trainer_state(reader, t4), FormatError);
    std::remove(path.c_str());
  }
}

TEST(NetworkIo, LshSelectorComesBackWithTheSameTables) {
  Network net(small_config());
  LshSelectorConfig lc;
  lc.tables.family = lsh::HashFamily::dwta;
  lc.tables.k = 2;
  lc.tables.l = 6;
  lc.tables.seed = 21;
  lc.active.policy = lsh::ActivePolicy::top_hits;
  lc.active.beta = 20;
  lc.schedule.kind = lsh::ScheduleKind::fixed;
  lc.schedule.period = 1;
  lc.schedule.rebuild_every = 1;
  LshSelector selector(150, 12, lc);
  selector.prepare(net);
  selector.after_step(net, {}, true, 1);  // a rebuild: the functions now come from a new seed
  ASSERT_EQ(selector.rebuilds(), 1u);
  const std::string path = network_file_path("lsh.slide");
  {
    model::ModelWriter writer(path, model::kKindXc);
    model::ModelConfig cfg;
    store_network_config(net.config(), cfg);
    store_lsh_config(selector, cfg);
    writer.add_config(cfg);
    add_network_sections(writer, net);
    writer.commit();
  }
  const model::ModelReader reader(path);
  const Network loaded = load_network(reader);
  const LshSelectorConfig back = load_lsh_config(reader.config());
  EXPECT_EQ(back.tables.seed, selector.current_seed());
  EXPECT_EQ(back.active.policy, lsh::ActivePolicy::top_hits);
  EXPECT_EQ(back.schedule.rebuild_every, 1u);
  LshSelector restored(150, 12, back);
  restored.prepare(loaded);
  auto s1 = selector.make_scratch();
  auto s2 = restored.make_scratch();
  std::vector<float> h(12);
  Rng values(4);
  for (int trial = 0; trial < 10; ++trial) {
    for (float& x : h) x = std::max(0.0f, static_cast<float>(values.normal()));
    std::vector<std::uint32_t> a, b;
    Rng r1(8, trial), r2(8, trial);
    selector.select(h, {}, r1, *s1, a);
    restored.select(h, {}, r2, *s2, b);
    EXPECT_EQ(a, b);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace slide::nn
