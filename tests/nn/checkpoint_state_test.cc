// Checkpoints taken within an epoch and with an LSH selector between refreshes: resuming gives
// bit-for-bit the weights of the uninterrupted run (one thread), because the epoch position, the
// rebuild schedule's position, the rebuild count and the tables of the last refresh are saved.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "planted_problem.h"
#include "slide/core/error.h"
#include "slide/nn/network_io.h"

namespace slide::nn {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/ckstate_" + std::to_string(::getpid()) + "_" + name;
}

NetworkConfig net_config() {
  NetworkConfig c;
  c.input_dim = 300;
  c.hidden_dims = {24};
  c.output_dim = 400;
  c.hidden_init = {Init::Kind::uniform, 0.1f};
  c.output_init = {Init::Kind::uniform, 0.2f};
  c.seed = 3;
  return c;
}

LshSelectorConfig lsh_config(lsh::ScheduleKind kind, lsh::Replacement replacement) {
  LshSelectorConfig c;
  c.tables.family = lsh::HashFamily::dwta;
  c.tables.k = 3;
  c.tables.l = 6;
  c.tables.bin_size = 4;
  c.tables.capacity = 8;  // small: buckets overflow, so the replacement policy matters
  c.tables.replacement = replacement;
  c.tables.seed = 77;
  c.active.beta = 40;
  c.schedule.kind = kind;
  c.schedule.period = 3;
  c.schedule.growth = 1.3;
  c.schedule.check_period = 2;
  c.schedule.change_threshold = 0.01;
  c.schedule.rebuild_every = 2;
  c.change_sample = 64;
  return c;
}

TrainerConfig trainer_config() {
  TrainerConfig tc;
  tc.learning_rate = 3e-3f;
  tc.batch_size = 16;
  tc.threads = 1;
  tc.seed = 5;
  tc.epochs = 3;
  return tc;
}

bool same_weights(const Network& x, const Network& y) {
  const auto& a = x.parameters();
  const auto& b = y.parameters();
  auto eq = [](const DenseMatrix<float>& p, const DenseMatrix<float>& q) {
    return p.storage_size() == q.storage_size() &&
           std::memcmp(p.data(), q.data(), p.storage_size() * sizeof(float)) == 0;
  };
  return eq(a.input_weights, b.input_weights) && eq(a.input_bias, b.input_bias) &&
         eq(a.output_weights, b.output_weights) &&
         std::memcmp(a.output_bias.data(), b.output_bias.data(), a.output_bias.size() * 4) == 0;
}

void save_checkpoint(const std::string& path, const Network& net, Trainer& trainer,
                     const LshSelector& selector) {
  model::ModelWriter writer(path, model::kKindCheckpoint);
  model::ModelConfig cfg;
  store_network_config(net.config(), cfg);
  store_trainer_state(trainer, cfg);
  store_lsh_config(selector, cfg);
  store_lsh_state(selector, cfg);
  writer.add_config(cfg);
  add_network_sections(writer, net);
  add_trainer_sections(writer, trainer);
  add_lsh_state_sections(writer, selector);
  writer.commit();
}

struct Case {
  lsh::ScheduleKind kind;
  lsh::Replacement replacement;
  const char* name;
};

class CheckpointState : public ::testing::TestWithParam<Case> {};

TEST_P(CheckpointState, ResumeWithinAnEpochBetweenRefreshesIsExact) {
  const Case c = GetParam();
  testing::PlantedProblem problem;
  problem.features = 300;
  problem.labels = 400;
  const SparseDataset data = problem.generate(0, 250);  // 16 batches per epoch, the last short
  const LshSelectorConfig lc = lsh_config(c.kind, c.replacement);

  Network straight(net_config());
  LshSelector s1(400, 24, lc);
  Trainer t1(straight, s1, trainer_config());
  for (int e = 0; e < 3; ++e) t1.train_epoch(data);
  ASSERT_GE(s1.rebuilds(), 1u) << "the schedule should rebuild within the run";

  // Stop in the middle of epoch 2 (after 6 batches), between two refreshes.
  const std::string path = temp_path(std::string(c.name) + ".ckpt");
  std::uint64_t rebuilds_before = 0;
  {
    Network first(net_config());
    LshSelector s2(400, 24, lc);
    Trainer t2(first, s2, trainer_config());
    t2.train_epoch(data);
    t2.train_epoch(data, [](const TrainProgress& p) { return p.examples_done < 96; });
    ASSERT_EQ(t2.epoch(), 1u);
    ASSERT_EQ(t2.epoch_position(), 96u);
    rebuilds_before = s2.rebuilds();
    save_checkpoint(path, first, t2, s2);
  }
  const model::ModelReader reader(path);
  const model::ModelConfig cfg = reader.config();
  ASSERT_TRUE(has_lsh_state(cfg));
  LshSelectorConfig resumed_config = load_lsh_config(cfg);
  resumed_config.tables.seed = lsh_state_base_seed(cfg);
  EXPECT_EQ(resumed_config.tables.seed, 77u);
  Network resumed = load_network(reader);
  LshSelector s3(400, 24, resumed_config);
  Trainer t3(resumed, s3, trainer_config());
  load_trainer_state(reader, t3);
  load_lsh_state(reader, s3);
  EXPECT_EQ(s3.rebuilds(), rebuilds_before);
  EXPECT_EQ(t3.epoch_position(), 96u);
  t3.train_epoch(data);  // the rest of epoch 2
  t3.train_epoch(data);
  EXPECT_EQ(t3.step(), t1.step());
  EXPECT_EQ(s3.rebuilds(), s1.rebuilds());
  EXPECT_EQ(s3.rehashes(), s1.rehashes());
  EXPECT_EQ(s3.current_seed(), s1.current_seed());
  EXPECT_TRUE(same_weights(straight, resumed));

  // Without the selector's state (the schedule restarted, tables rehashed from the current
  // weights: what checkpoints did before), the weights differ, so the check above has teeth.
  Network naive = load_network(reader);
  LshSelector s4(400, 24, resumed_config);
  Trainer t4(naive, s4, trainer_config());
  load_trainer_state(reader, t4);
  t4.train_epoch(data);
  t4.train_epoch(data);
  EXPECT_FALSE(same_weights(straight, naive));
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(
    Schedules, CheckpointState,
    ::testing::Values(Case{lsh::ScheduleKind::exponential, lsh::Replacement::fifo, "exp_fifo"},
                      Case{lsh::ScheduleKind::fixed, lsh::Replacement::reservoir, "fixed_res"},
                      Case{lsh::ScheduleKind::on_change, lsh::Replacement::fifo, "change"}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(CheckpointState, InconsistentTablesAreRefused) {
  Network net(net_config());
  const LshSelectorConfig lc = lsh_config(lsh::ScheduleKind::fixed, lsh::Replacement::fifo);
  LshSelector selector(400, 24, lc);
  selector.prepare(net);
  const lsh::LshTables::Contents good = selector.tables().contents();
  ASSERT_FALSE(good.entries.empty());

  LshSelector target(400, 24, lc);
  const LshSelectorState state = selector.state();
  EXPECT_NO_THROW(target.restore(state, good, {}, 0));

  std::vector<std::uint32_t> entries(good.entries.begin(), good.entries.end());
  entries[0] = 400;  // an id beyond the items
  lsh::LshTables::Contents bad = good;
  bad.entries = entries;
  EXPECT_THROW(target.restore(state, bad, {}, 0), UsageError);

  bad = good;
  bad.entries = good.entries.first(good.entries.size() - 1);  // table starts no longer match
  EXPECT_THROW(target.restore(state, bad, {}, 0), UsageError);

  std::vector<std::uint32_t> offsets(good.offsets.begin(), good.offsets.end());
  offsets[1] = offsets[2] + 1;  // decreasing bucket offsets
  bad = good;
  bad.offsets = offsets;
  EXPECT_THROW(target.restore(state, bad, {}, 0), UsageError);

  bad = good;
  bad.n_items = 399;  // another output layer
  EXPECT_THROW(target.restore(state, bad, {}, 0), UsageError);
}

TEST(CheckpointState, NonFiniteWeightsAreDetected) {
  Network net(net_config());
  EXPECT_TRUE(network_is_finite(net));
  net.output_weights().data()[5] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(network_is_finite(net));
  net.output_weights().data()[5] = 0;
  net.parameters().input_weights.data()[7] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(network_is_finite(net));
  net.parameters().input_weights.data()[7] = 1e30f;  // large but finite is not divergence
  EXPECT_TRUE(network_is_finite(net));
}

}  // namespace
}  // namespace slide::nn
