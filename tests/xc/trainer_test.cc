// xc::Trainer on Bibtex (corpora/): training writes a model that scores, a run stopped and
// resumed writes the same model as an uninterrupted one, a flag that contradicts the checkpoint
// is refused, and a NaN injected after a batch names the last good checkpoint.

#include "slide/xc/trainer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "slide/core/error.h"
#include "slide/model/model_file.h"
#include "slide/xc/model.h"

namespace slide::xc {
namespace {

namespace fs = std::filesystem;

const fs::path kBibtex = fs::path(SLIDE_SOURCE_DIR) / "corpora" / "bibtex";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::uint64_t checkpoint_step(const fs::path& path) {
  return std::stoull(model::ModelReader(path.string()).config().get_string("train.step"));
}

class XcTrainer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("slide-xc-trainer-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Two epochs of Bibtex on one thread, without evaluation.
  TrainOptions options(const std::string& model) const {
    TrainOptions o;
    o.input = (kBibtex / "bibtex_train.txt.zst").string();
    o.output = (dir_ / model).string();
    o.epochs = 2;
    o.threads = 1;
    o.seed = 7;
    o.eval_rows = 0;
    return o;
  }

  // The same in lsh output mode with small tables and a short rehash period.
  TrainOptions lsh_options(const std::string& model) const {
    TrainOptions o = options(model);
    o.output_mode = OutputMode::lsh;
    o.active_size = 32;
    o.k = 3;
    o.l = 8;
    o.rehash_period = 5;
    o.given = {"output-mode", "active-size", "k", "l", "rehash-period"};
    return o;
  }

  // Trains with `o`, stopping after batch `stop_step`: the checkpoint holds the run.
  void train_stopped(TrainOptions o, std::uint64_t stop_step) {
    std::uint64_t step = 0;
    TrainCallbacks callbacks;
    callbacks.batch = [&](const BatchReport& r) { step = r.step; };
    callbacks.stop_requested = [&] { return step == stop_step; };
    const TrainResult result = Trainer(std::move(o)).run(callbacks);
    ASSERT_TRUE(result.stopped);
    EXPECT_TRUE(result.stopped_in_epoch);
    EXPECT_EQ(checkpoint_step(result.checkpoint), stop_step);
  }

  fs::path dir_;
};

TEST_F(XcTrainer, TrainsAndReportsPrecisionEachEpoch) {
  TrainOptions o = options("model");
  o.test = (kBibtex / "bibtex_test.txt.zst").string();
  o.eval_rows = 1000;
  std::vector<EpochReport> epochs;
  std::uint64_t batches = 0;
  std::optional<AverageReport> average;
  TrainCallbacks callbacks;
  callbacks.batch = [&](const BatchReport&) { ++batches; };
  callbacks.epoch = [&](const EpochReport& e) { epochs.push_back(e); };
  callbacks.averaged = [&](const AverageReport& a) { average = a; };
  const TrainResult result = Trainer(o).run(callbacks);
  EXPECT_FALSE(result.stopped);
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(batches, 2u * 39);  // 4,880 rows in batches of 128
  ASSERT_TRUE(epochs[1].precision);
  EXPECT_GT(epochs[1].precision->p1, 0.3);
  EXPECT_LT(epochs[1].mean_loss, epochs[0].mean_loss);
  // Exact output mode by default below 20,000 labels: 256 hidden units and the mean of the
  // last epoch's weights.
  ASSERT_TRUE(average);
  EXPECT_EQ(average->epochs, 1u);
  const Model model = Model::load(o.output);
  EXPECT_EQ(model.settings().output_mode, OutputMode::exact);
  EXPECT_EQ(model.network().hidden_dim(), 256u);
  EXPECT_EQ(model.label_counts().size(), 159u);
  EXPECT_EQ(model.settings().train_points, 4880u);
  EXPECT_FALSE(fs::exists(o.checkpoint_path()));
}

TEST_F(XcTrainer, ResumedRunWritesTheUninterruptedModel) {
  Trainer(options("reference")).run();
  train_stopped(options("model"), 50);  // within the second epoch, inside the averaging
  TrainOptions resumed = options("model");
  resumed.resume = true;
  Trainer(resumed).run();
  EXPECT_EQ(slurp(dir_ / "reference"), slurp(dir_ / "model"));
}

TEST_F(XcTrainer, ResumedLshRunTakesItsSettingsFromTheCheckpoint) {
  Trainer(lsh_options("reference")).run();
  train_stopped(lsh_options("model"), 23);
  // Nothing structural given again: the output mode, the tables and the schedule (and the
  // tables' contents) come from the checkpoint.
  TrainOptions resumed = options("model");
  resumed.resume = true;
  Trainer(resumed).run();
  EXPECT_EQ(slurp(dir_ / "reference"), slurp(dir_ / "model"));
  EXPECT_EQ(Model::load((dir_ / "model").string()).settings().lsh.active.beta, 32u);
}

TEST_F(XcTrainer, LinearPathTrainsSavesAndResumesAsTheUninterruptedRun) {
  auto with_path = [&](const std::string& model) {
    TrainOptions o = lsh_options(model);
    o.linear_support = 8;
    o.linear_shortlist = 16;
    o.linear_rate = 0.02f;
    o.given.insert({"linear-support", "linear-shortlist", "linear-rate"});
    return o;
  };
  Trainer(with_path("reference")).run();
  train_stopped(with_path("model"), 23);
  // The support, the shortlist, the path's rate and its AdaGrad sums come from the checkpoint.
  TrainOptions resumed = options("model");
  resumed.resume = true;
  Trainer(resumed).run();
  EXPECT_EQ(slurp(dir_ / "reference"), slurp(dir_ / "model"));
  const Model model = Model::load((dir_ / "model").string());
  ASSERT_TRUE(model.network().has_linear_path());
  EXPECT_EQ(model.network().linear_path().support(), 8u);
  // Label 0's support was chosen from the data: it reads features, not only unused slots.
  std::size_t used = 0;
  for (std::uint32_t f : model.network().linear_path().features()) {
    used += f != model.network().linear_path().unused_feature();
  }
  EXPECT_GT(used, 159u * 4);
}

TEST_F(XcTrainer, ResumeRefusesAFlagThatContradictsTheCheckpoint) {
  train_stopped(options("model"), 10);
  TrainOptions resumed = options("model");
  resumed.resume = true;
  resumed.hidden = 128;
  resumed.given = {"hidden"};
  try {
    Trainer(resumed).run();
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "--hidden 128 contradicts the checkpoint " +
                                         resumed.checkpoint_path() + " (trained with 256)");
  }
  // The same flags agreeing with the checkpoint are welcome; a learning rate may change.
  resumed.hidden = 256;
  resumed.output_mode = OutputMode::exact;
  resumed.learning_rate = 5e-4f;
  resumed.given = {"hidden", "output-mode", "seed", "learning-rate"};
  EXPECT_FALSE(Trainer(resumed).run().stopped);
  resumed.seed = 8;
  resumed.resume = false;
  train_stopped(resumed, 3);
  resumed.resume = true;
  resumed.seed = 9;
  EXPECT_THROW(Trainer(resumed).run(), UsageError);
}

// A NaN in the output weights after a batch, as a diverging update would leave it.
std::function<void(nn::Network&, std::uint64_t)> nan_after(std::uint64_t batch) {
  return [batch](nn::Network& network, std::uint64_t step) {
    if (step == batch) network.output_weights().data()[0] = std::numeric_limits<float>::quiet_NaN();
  };
}

std::string divergence_of(TrainOptions o, std::uint64_t nan_batch) {
  TrainCallbacks callbacks;
  callbacks.after_batch = nan_after(nan_batch);
  try {
    Trainer(std::move(o)).run(callbacks);
  } catch (const DivergenceError& e) {
    return e.what();
  }
  return "no divergence";
}

TEST_F(XcTrainer, InjectedNanNamesTheLastGoodCheckpoint) {
  TrainOptions o = options("model");
  o.checkpoint_batches = 2;
  // Found within one batch (the loss of batch 6), the checkpoint after batch 4 named.
  const std::string message = divergence_of(o, 5);
  EXPECT_NE(message.find("batch 6"), std::string::npos) << message;
  EXPECT_NE(message.find("the last good checkpoint is " + o.checkpoint_path()), std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(o.output));
  EXPECT_EQ(checkpoint_step(o.checkpoint_path()), 4u);
  TrainOptions resumed = options("model");
  resumed.resume = true;
  Trainer(resumed).run();
  EXPECT_TRUE(fs::exists(o.output));
  EXPECT_FALSE(fs::exists(o.checkpoint_path()));
  EXPECT_FALSE(fs::exists(o.checkpoint_path() + ".prev"));
}

TEST_F(XcTrainer, CheckpointDueAfterTheNanIsRefused) {
  TrainOptions o = options("model");
  o.checkpoint_batches = 2;
  const std::string message = divergence_of(o, 6);
  EXPECT_NE(message.find("the weights are not finite after batch 6; the last good checkpoint is " +
                         o.checkpoint_path()),
            std::string::npos)
      << message;
  EXPECT_EQ(checkpoint_step(o.checkpoint_path()), 4u);
  EXPECT_FALSE(fs::exists(o.output));
}

TEST_F(XcTrainer, NanWithoutCheckpointWritesNothing) {
  const TrainOptions o = options("model");
  const std::string message = divergence_of(o, 3);
  EXPECT_NE(message.find("no good checkpoint was written"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(o.output));
  EXPECT_FALSE(fs::exists(o.checkpoint_path()));
}

}  // namespace
}  // namespace slide::xc
