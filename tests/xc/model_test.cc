// xc::Model: a model saved and loaded again is the same model, its settings stored once, and
// files of the older format (selector settings under xc.lsh.* and xc.active.*) still load.

#include "slide/xc/model.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "slide/core/error.h"
#include "slide/model/model_file.h"
#include "slide/nn/network_io.h"

namespace slide::xc {
namespace {

namespace fs = std::filesystem;

class XcModel : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("slide-xc-model-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
  }
  void TearDown() override { fs::remove(path_); }

  std::string path_;
};

nn::NetworkConfig small_network() {
  nn::NetworkConfig config;
  config.input_dim = 40;
  config.hidden_dims = {16};
  config.output_dim = 30;
  config.seed = 3;
  config.hidden_init = {nn::Init::Kind::uniform, 0.3f};
  config.output_init = {nn::Init::Kind::uniform, 0.25f};
  return config;
}

bool same_weights(const nn::Network& a, const nn::Network& b) {
  const auto& x = a.output_weights();
  const auto& y = b.output_weights();
  if (x.rows() != y.rows() || x.stride() != y.stride()) return false;
  const auto bias_a = a.output_bias();
  const auto bias_b = b.output_bias();
  return std::equal(x.data(), x.data() + x.rows() * x.stride(), y.data()) &&
         std::equal(bias_a.begin(), bias_a.end(), bias_b.begin(), bias_b.end());
}

TEST_F(XcModel, SavedAndLoadedIsTheSameModel) {
  ModelSettings settings;
  settings.output_mode = OutputMode::lsh;
  settings.precision = nn::Precision::bf16_activations;
  settings.train_points = 1234;
  settings.lsh.tables.family = lsh::HashFamily::simhash;
  settings.lsh.tables.k = 9;
  settings.lsh.tables.seed = 0xFEDCBA9876543210ull;
  settings.lsh.active.beta = 300;
  settings.lsh.active.fill_pool = 120;
  settings.lsh.schedule.kind = lsh::ScheduleKind::on_change;
  std::vector<std::uint64_t> counts(30);
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] = i * 7;
  const Model model(nn::Network(small_network()), settings, counts);
  model.save(path_);

  const Model loaded = Model::load(path_);
  const ModelSettings& s = loaded.settings();
  EXPECT_EQ(s.output_mode, OutputMode::lsh);
  EXPECT_EQ(s.precision, nn::Precision::bf16_activations);
  EXPECT_EQ(s.train_points, 1234u);
  EXPECT_EQ(s.lsh.tables.family, lsh::HashFamily::simhash);
  EXPECT_EQ(s.lsh.tables.k, 9u);
  EXPECT_EQ(s.lsh.tables.seed, 0xFEDCBA9876543210ull);
  EXPECT_EQ(s.lsh.active.beta, 300u);
  EXPECT_EQ(s.lsh.active.fill_pool, 120u);
  EXPECT_EQ(s.lsh.schedule.kind, lsh::ScheduleKind::on_change);
  EXPECT_TRUE(s.lsh_complete);
  EXPECT_TRUE(s.fill_pool_stored);
  EXPECT_EQ(loaded.label_counts(), counts);
  EXPECT_TRUE(same_weights(loaded.network(), model.network()));

  // Each setting once: the active-set size only as lsh.beta.
  const model::ModelConfig config = model::ModelReader(path_).config();
  EXPECT_EQ(config.get_int("lsh.beta"), 300);
  for (const std::string& key : config.keys()) {
    EXPECT_TRUE(key.rfind("xc.lsh.", 0) != 0 && key != "xc.active.beta") << key;
  }
}

// A model file as written before the selector configuration was stored whole.
void write_older_model(const std::string& path, bool lsh_mode) {
  const nn::Network network(small_network());
  model::ModelConfig config;
  nn::store_network_config(network.config(), config);
  config.set_string("xc.output_mode", lsh_mode ? "lsh" : "exact");
  config.set_string("xc.precision", "fp32");
  config.set_int("xc.train_points", 99);
  config.set_string("xc.lsh.family", "wta");
  config.set_int("xc.lsh.k", 4);
  config.set_int("xc.lsh.l", 20);
  config.set_int("xc.lsh.bin_size", 4);
  config.set_int("xc.lsh.capacity", 64);
  config.set_string("xc.lsh.replacement", "reservoir");
  config.set_string("xc.lsh.seed", "12345");
  config.set_string("xc.active.policy", "top-hits");
  config.set_int("xc.active.beta", 77);
  if (lsh_mode) {
    nn::LshSelectorConfig lsh;
    lsh.tables.family = lsh::HashFamily::wta;
    lsh.tables.seed = 12345;
    lsh.active.beta = 77;
    lsh.active.min_active = 77;
    lsh.schedule.period = 31;
    nn::store_lsh_config(lsh, config);
  }
  model::ModelWriter writer(path, model::kKindXc);
  writer.add_config(config);
  nn::add_network_sections(writer, network);
  writer.commit();
}

TEST_F(XcModel, OlderExactModelLoads) {
  write_older_model(path_, false);
  const Model model = Model::load(path_);
  const ModelSettings& s = model.settings();
  EXPECT_EQ(s.output_mode, OutputMode::exact);
  EXPECT_EQ(s.train_points, 99u);
  EXPECT_EQ(s.lsh.tables.family, lsh::HashFamily::wta);
  EXPECT_EQ(s.lsh.tables.k, 4u);
  EXPECT_EQ(s.lsh.tables.l, 20u);
  EXPECT_EQ(s.lsh.tables.bin_size, 4u);
  EXPECT_EQ(s.lsh.tables.capacity, 64u);
  EXPECT_EQ(s.lsh.tables.replacement, lsh::Replacement::reservoir);
  EXPECT_EQ(s.lsh.tables.seed, 12345u);
  EXPECT_EQ(s.lsh.active.policy, lsh::ActivePolicy::top_hits);
  EXPECT_EQ(s.lsh.active.beta, 77u);
  EXPECT_FALSE(s.lsh_complete);
  EXPECT_FALSE(s.fill_pool_stored);
  EXPECT_TRUE(model.label_counts().empty());
}

TEST_F(XcModel, OlderLshModelLoadsTheEngineKeys) {
  write_older_model(path_, true);
  const ModelSettings s = Model::load(path_).settings();
  EXPECT_EQ(s.output_mode, OutputMode::lsh);
  EXPECT_EQ(s.lsh.tables.k, 6u);  // lsh.k (the engine's default), not xc.lsh.k
  EXPECT_EQ(s.lsh.schedule.period, 31u);
  EXPECT_EQ(s.lsh.active.min_active, 77u);
  EXPECT_TRUE(s.lsh_complete);
  EXPECT_FALSE(s.fill_pool_stored);
  EXPECT_EQ(s.lsh.active.fill_pool, 0u);
}

TEST_F(XcModel, OtherFilesAreRefused) {
  {
    model::ModelWriter writer(path_, model::kKindXc);
    model::ModelConfig config;
    nn::store_network_config(small_network(), config);
    writer.add_config(config);
    writer.commit();
  }
  EXPECT_THROW(Model::load(path_), FormatError);
  EXPECT_THROW(parse_output_mode("dense"), UsageError);
  EXPECT_THROW(parse_precision("fp16"), UsageError);
}

}  // namespace
}  // namespace slide::xc
