// xc::resolve: every automatic value is settled once, from the options and the shape of the
// data, before the memory is estimated.

#include "slide/xc/train_config.h"

#include <gtest/gtest.h>

#include "slide/core/error.h"
#include "slide/xc/memory_estimate.h"

namespace slide::xc {
namespace {

TrainOptions files() {
  TrainOptions o;
  o.input = "train.txt";
  o.output = "model.bin";
  o.threads = 2;
  return o;
}

DataShape shape(std::uint32_t labels) {
  DataShape s;
  s.rows = 1000;
  s.features = 5000;
  s.labels = labels;
  s.feature_nnz = 40000;
  s.label_nnz = 3000;
  return s;
}

TEST(XcResolve, FewLabelsTrainExactWithTheSmallLabelDefaults) {
  const TrainConfig c = resolve(files(), shape(159));
  EXPECT_EQ(c.output_mode, OutputMode::exact);
  EXPECT_EQ(c.network.last_hidden_dim(), kExactModeHidden);
  EXPECT_EQ(c.input_dropout, kExactModeInputDropout);
  EXPECT_EQ(c.average_epochs, 5u);  // half of the 10 epochs
  EXPECT_EQ(c.trainer.threads, 2);
  EXPECT_EQ(c.checkpoint, "model.bin.ckpt");
}

TEST(XcResolve, ManyLabelsTrainLsh) {
  const TrainConfig c = resolve(files(), shape(30000));
  EXPECT_EQ(c.output_mode, OutputMode::lsh);
  EXPECT_EQ(c.network.last_hidden_dim(), 128u);
  EXPECT_EQ(c.input_dropout, 0.0);
  EXPECT_EQ(c.average_epochs, 0u);
  EXPECT_EQ(c.selector.active.fill_pool, kLshFillPoolPerActive * 4096);
  // The pool never exceeds the labels.
  TrainOptions lsh = files();
  lsh.output_mode = OutputMode::lsh;
  lsh.given = {"output-mode"};
  EXPECT_EQ(resolve(lsh, shape(5000)).selector.active.fill_pool, 5000u);
}

TEST(XcResolve, NoLinearPathUnlessAsked) {
  // The path helps on the Amazon-670K shape and hurts on Delicious (docs/PERFORMANCE.md): it
  // is not a default in any mode.
  for (std::uint32_t labels : {159u, 30000u}) {
    const TrainConfig c = resolve(files(), shape(labels));
    EXPECT_EQ(c.network.linear_support, 0u);
    EXPECT_EQ(c.trainer.linear_shortlist, 0u);
  }
  TrainOptions o = files();
  o.linear_support = 16;
  o.linear_shortlist = 64;
  o.given = {"linear-support", "linear-shortlist"};
  const TrainConfig c = resolve(o, shape(30000));
  EXPECT_EQ(c.network.linear_support, 16u);
  EXPECT_EQ(c.trainer.linear_shortlist, 64u);
}

TEST(XcResolve, GivenOptionsAndPresets) {
  TrainOptions o = files();
  o.hidden = 64;
  o.input_dropout = 0.1;
  o.given = {"hidden", "input-dropout"};
  TrainConfig c = resolve(o, shape(159));
  EXPECT_EQ(c.network.last_hidden_dim(), 64u);
  EXPECT_EQ(c.input_dropout, 0.1);

  o = files();
  o.preset = Preset::delicious200k;
  o.k = 4;
  o.given = {"k"};
  c = resolve(o, shape(159));
  EXPECT_EQ(c.output_mode, OutputMode::lsh);
  EXPECT_EQ(c.selector.tables.family, lsh::HashFamily::simhash);
  EXPECT_EQ(c.selector.tables.k, 4u);
  EXPECT_EQ(c.trainer.learning_rate, 1e-4f);
  EXPECT_EQ(c.network.last_hidden_dim(), 128u);
  EXPECT_EQ(c.input_dropout, 0.0);
}

TEST(XcResolve, RefusesBadOptions) {
  TrainOptions o = files();
  o.average_epochs = 11;
  EXPECT_THROW(resolve(o, shape(159)), UsageError);
  o = files();
  o.output.clear();
  EXPECT_THROW(resolve(o, shape(159)), UsageError);
  o = files();
  o.input_dropout = 1;
  EXPECT_THROW(resolve(o, shape(159)), UsageError);
}

TEST(XcResolve, TheEstimateSeesTheResolvedHiddenWidth) {
  TrainOptions narrow = files();
  narrow.hidden = 128;
  narrow.given = {"hidden"};
  const MemoryEstimate wide = estimate_memory(resolve(files(), shape(159)), shape(159));
  const MemoryEstimate given = estimate_memory(resolve(narrow, shape(159)), shape(159));
  EXPECT_GT(wide.network, 1.9 * given.network);
  EXPECT_GT(wide.total(), given.total());
  EXPECT_THROW(check_memory(wide, std::uint64_t{1000}), ResourceError);
}

}  // namespace
}  // namespace slide::xc
