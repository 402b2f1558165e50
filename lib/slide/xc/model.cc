#include "slide/xc/model.h"

#include <exception>
#include <stdexcept>
#include <utility>

#include "slide/core/error.h"
#include "slide/core/name_table.h"
#include "slide/nn/network_io.h"

namespace slide::xc {

namespace {

constexpr NameTable<OutputMode, 4> kOutputModes{"output mode",
                                                {{{OutputMode::automatic, "auto"},
                                                  {OutputMode::exact, "exact"},
                                                  {OutputMode::lsh, "lsh"},
                                                  {OutputMode::uniform, "uniform"}}}};
constexpr NameTable<nn::Precision, 3> kPrecisions{"precision",
                                                  {{{nn::Precision::f32, "fp32"},
                                                    {nn::Precision::bf16_activations, "bf16-act"},
                                                    {nn::Precision::bf16_weights, "bf16"}}}};

}  // namespace

const char* output_mode_name(OutputMode mode) {
  return kOutputModes.name(mode);
}
OutputMode parse_output_mode(const std::string& name) {
  return kOutputModes.parse(name);
}
const char* precision_name(nn::Precision precision) {
  return kPrecisions.name(precision);
}
nn::Precision parse_precision(const std::string& name) {
  return kPrecisions.parse(name);
}

namespace {

constexpr const char* kFillPoolKey = "xc.active.fill_pool";

std::uint32_t get_u32(const model::ModelConfig& c, const std::string& key, std::uint32_t fallback) {
  const std::int64_t v = c.get_int(key, fallback);
  if (v < 0 || v > 0xFFFFFFFFll) throw FormatError(c.source(), key + " out of range");
  return static_cast<std::uint32_t>(v);
}

template <class F>
auto parse_or_format_error(const model::ModelConfig& c, const std::string& key, F parse) {
  try {
    return parse();
  } catch (const UsageError& e) {
    throw FormatError(c.source(), key + ": " + e.what());
  }
}

// The selector settings of files written before lsh.* was stored for every output mode.
void load_legacy_selector(const model::ModelConfig& c, nn::LshSelectorConfig& lsh) {
  lsh.tables.family = parse_or_format_error(c, "xc.lsh.family", [&] {
    return lsh::parse_family(c.get_string("xc.lsh.family", lsh::family_name(lsh.tables.family)));
  });
  lsh.tables.k = get_u32(c, "xc.lsh.k", lsh.tables.k);
  lsh.tables.l = get_u32(c, "xc.lsh.l", lsh.tables.l);
  lsh.tables.bin_size = get_u32(c, "xc.lsh.bin_size", lsh.tables.bin_size);
  lsh.tables.capacity = get_u32(c, "xc.lsh.capacity", lsh.tables.capacity);
  lsh.tables.replacement = parse_or_format_error(c, "xc.lsh.replacement", [&] {
    return lsh::parse_replacement(c.get_string("xc.lsh.replacement", "fifo"));
  });
  const std::string seed = c.get_string("xc.lsh.seed", "0");
  try {
    std::size_t used = 0;
    lsh.tables.seed = std::stoull(seed, &used);
    if (used != seed.size()) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw FormatError(c.source(), "xc.lsh.seed is not an unsigned integer: '" + seed + "'");
  }
  lsh.active.policy = parse_or_format_error(c, "xc.active.policy", [&] {
    return lsh::parse_active_policy(c.get_string("xc.active.policy", "budget"));
  });
  lsh.active.beta = get_u32(c, "xc.active.beta", lsh.active.beta);
}

}  // namespace

void store_settings(const ModelSettings& s, model::ModelConfig& out) {
  out.set_string("xc.output_mode", output_mode_name(s.output_mode));
  out.set_string("xc.precision", precision_name(s.precision));
  out.set_int("xc.train_points", static_cast<std::int64_t>(s.train_points));
  nn::store_lsh_config(s.lsh, out);
  out.set_int(kFillPoolKey, s.lsh.active.fill_pool);
}

ModelSettings load_settings(const model::ModelConfig& c) {
  ModelSettings s;
  s.output_mode = parse_or_format_error(c, "xc.output_mode", [&] {
    return parse_output_mode(c.get_string("xc.output_mode", "exact"));
  });
  s.precision = parse_or_format_error(
      c, "xc.precision", [&] { return parse_precision(c.get_string("xc.precision", "fp32")); });
  const std::int64_t points = c.get_int("xc.train_points", 0);
  if (points < 0) throw FormatError(c.source(), "xc.train_points is negative");
  s.train_points = static_cast<std::uint64_t>(points);
  s.lsh_complete = c.has("lsh.family");
  if (s.lsh_complete) {
    s.lsh = nn::load_lsh_config(c);
  } else {
    load_legacy_selector(c, s.lsh);
  }
  s.fill_pool_stored = c.has(kFillPoolKey);
  s.lsh.active.fill_pool = get_u32(c, kFillPoolKey, 0);
  return s;
}

Model::Model(nn::Network network, ModelSettings settings, std::vector<std::uint64_t> label_counts)
    : network_(std::move(network)),
      settings_(std::move(settings)),
      label_counts_(std::move(label_counts)) {}

Model Model::load(const std::string& path) {
  const model::ModelReader reader(path);
  if (reader.kind() != model::kKindXc && reader.kind() != model::kKindCheckpoint) {
    reader.require_kind(model::kKindXc);  // throws with the usual message
  }
  const model::ModelConfig config = reader.config();
  if (!config.has("xc.output_mode")) {
    throw FormatError(reader.path(), "not a slide-xc model (no xc.* settings)");
  }
  ModelSettings settings = load_settings(config);
  nn::Network network = nn::load_network(reader);
  return Model(std::move(network), std::move(settings), nn::load_label_counts(reader));
}

void Model::save(const std::string& path) const {
  model::ModelWriter writer(path, model::kKindXc);
  write_model(writer, network_, settings_, label_counts_);
}

model::ModelConfig model_config(const nn::NetworkConfig& network, const ModelSettings& settings) {
  model::ModelConfig config;
  nn::store_network_config(network, config);
  store_settings(settings, config);
  return config;
}

void add_model_sections(model::ModelWriter& writer, const nn::Network& network,
                        std::span<const std::uint64_t> label_counts) {
  nn::add_network_sections(writer, network);
  nn::add_label_counts(writer, label_counts);
}

void write_model(model::ModelWriter& writer, const nn::Network& network,
                 const ModelSettings& settings, std::span<const std::uint64_t> label_counts) {
  writer.add_config(model_config(network.config(), settings));
  add_model_sections(writer, network, label_counts);
  writer.commit();
}

}  // namespace slide::xc
