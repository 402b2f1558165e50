#include "slide-xc/xc_model.h"

#include <algorithm>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "slide/core/error.h"
#include "slide/nn/network_io.h"

namespace slide::xc_app {

const char* output_mode_name(OutputMode mode) {
  switch (mode) {
    case OutputMode::automatic: return "auto";
    case OutputMode::exact: return "exact";
    case OutputMode::lsh: return "lsh";
    case OutputMode::uniform: return "uniform";
  }
  return "?";
}

OutputMode parse_output_mode(const std::string& name) {
  if (name == "auto") return OutputMode::automatic;
  if (name == "exact") return OutputMode::exact;
  if (name == "lsh") return OutputMode::lsh;
  if (name == "uniform") return OutputMode::uniform;
  throw UsageError("unknown output mode '" + name + "' (expected auto, exact, lsh or uniform)");
}

const char* precision_name(nn::Precision precision) {
  switch (precision) {
    case nn::Precision::f32: return "fp32";
    case nn::Precision::bf16_activations: return "bf16-act";
    case nn::Precision::bf16_weights: return "bf16";
  }
  return "?";
}

nn::Precision parse_precision(const std::string& name) {
  if (name == "fp32") return nn::Precision::f32;
  if (name == "bf16-act") return nn::Precision::bf16_activations;
  if (name == "bf16") return nn::Precision::bf16_weights;
  throw UsageError("unknown precision '" + name + "' (expected fp32, bf16-act or bf16)");
}

void store_settings(const ModelSettings& s, model::ModelConfig& out) {
  out.set_string("xc.output_mode", output_mode_name(s.output_mode));
  out.set_string("xc.precision", precision_name(s.precision));
  out.set_int("xc.train_points", static_cast<std::int64_t>(s.train_points));
  out.set_string("xc.lsh.family", lsh::family_name(s.lsh.tables.family));
  out.set_int("xc.lsh.k", s.lsh.tables.k);
  out.set_int("xc.lsh.l", s.lsh.tables.l);
  out.set_int("xc.lsh.bin_size", s.lsh.tables.bin_size);
  out.set_int("xc.lsh.capacity", s.lsh.tables.capacity);
  out.set_string("xc.lsh.replacement", lsh::replacement_name(s.lsh.tables.replacement));
  // Stored as text: a seed may use all 64 bits.
  out.set_string("xc.lsh.seed", std::to_string(s.lsh.tables.seed));
  out.set_string("xc.active.policy", lsh::active_policy_name(s.lsh.active.policy));
  out.set_int("xc.active.beta", s.lsh.active.beta);
}

namespace {

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

}  // namespace

ModelSettings load_settings(const model::ModelConfig& c) {
  ModelSettings s;
  s.output_mode = parse_or_format_error(
      c, "xc.output_mode", [&] { return parse_output_mode(c.get_string("xc.output_mode", "exact")); });
  s.precision = parse_or_format_error(
      c, "xc.precision", [&] { return parse_precision(c.get_string("xc.precision", "fp32")); });
  const std::int64_t points = c.get_int("xc.train_points", 0);
  if (points < 0) throw FormatError(c.source(), "xc.train_points is negative");
  s.train_points = static_cast<std::uint64_t>(points);
  s.lsh.tables.family = parse_or_format_error(c, "xc.lsh.family", [&] {
    return lsh::parse_family(c.get_string("xc.lsh.family", lsh::family_name(s.lsh.tables.family)));
  });
  s.lsh.tables.k = get_u32(c, "xc.lsh.k", s.lsh.tables.k);
  s.lsh.tables.l = get_u32(c, "xc.lsh.l", s.lsh.tables.l);
  s.lsh.tables.bin_size = get_u32(c, "xc.lsh.bin_size", s.lsh.tables.bin_size);
  s.lsh.tables.capacity = get_u32(c, "xc.lsh.capacity", s.lsh.tables.capacity);
  s.lsh.tables.replacement = parse_or_format_error(c, "xc.lsh.replacement", [&] {
    return lsh::parse_replacement(c.get_string("xc.lsh.replacement", "fifo"));
  });
  const std::string seed = c.get_string("xc.lsh.seed", "0");
  try {
    std::size_t used = 0;
    s.lsh.tables.seed = std::stoull(seed, &used);
    if (used != seed.size()) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw FormatError(c.source(), "xc.lsh.seed is not an unsigned integer: '" + seed + "'");
  }
  s.lsh.active.policy = parse_or_format_error(c, "xc.active.policy", [&] {
    return lsh::parse_active_policy(c.get_string("xc.active.policy", "budget"));
  });
  s.lsh.active.beta = get_u32(c, "xc.active.beta", s.lsh.active.beta);
  // A model trained in lsh mode also has the engine's complete lsh.* keys: they win.
  if (c.has("lsh.family")) s.lsh = nn::load_lsh_config(c);
  return s;
}

LoadedModel load_model(const std::string& path) {
  LoadedModel m;
  m.reader = std::make_unique<model::ModelReader>(path);
  if (m.reader->kind() != model::kKindXc && m.reader->kind() != model::kKindCheckpoint) {
    m.reader->require_kind(model::kKindXc);  // throws with the usual message
  }
  const model::ModelConfig config = m.reader->config();
  if (!config.has("xc.output_mode")) {
    throw FormatError(m.reader->path(), "not a slide-xc model (no xc.* settings)");
  }
  m.settings = load_settings(config);
  m.network = std::make_unique<nn::Network>(nn::load_network(*m.reader));
  m.label_counts = nn::load_label_counts(*m.reader);
  return m;
}

}  // namespace slide::xc_app
