#include "slide/nn/network_io.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>

#include "slide/core/error.h"

namespace slide::nn {
namespace {

// The tensors of a ParameterBuffers in file order, with their tags.
struct TensorRef {
  std::string tag;
  float* data;
  std::size_t rows, cols, stride;
};

std::vector<TensorRef> tensors(ParameterBuffers& p) {
  std::vector<TensorRef> t;
  auto add_matrix = [&](std::string tag, DenseMatrix<float>& m) {
    t.push_back({std::move(tag), m.data(), m.rows(), m.cols(), m.stride()});
  };
  add_matrix("WIN ", p.input_weights);
  add_matrix("BIN ", p.input_bias);
  add_matrix("WOUT", p.output_weights);
  t.push_back(
      {"BOUT", p.output_bias.data(), p.output_bias.empty() ? 0 : p.output_bias.size(), 1, 1});
  for (std::size_t l = 0; l < p.hidden_weights.size(); ++l) {
    const std::string digit = std::to_string(l + 1);
    add_matrix("WH" + digit + " ", p.hidden_weights[l]);
    add_matrix("BH" + digit + " ", p.hidden_bias[l]);
  }
  return t;
}

void add_tensor(model::ModelWriter& writer, model::Tag tag, const TensorRef& t) {
  if (t.rows == 0) return;  // absent bias
  if (t.cols == t.stride) {
    writer.add_array(tag, std::span<const float>(t.data, t.rows * t.cols));
    return;
  }
  writer.add_stream(tag, [t](model::SectionSink& sink) {
    for (std::size_t r = 0; r < t.rows; ++r)
      sink.write(t.data + r * t.stride, t.cols * sizeof(float));
  });
}

void read_tensor(const model::ModelReader& reader, model::Tag tag, const TensorRef& t) {
  if (t.rows == 0) return;
  const std::span<const float> values = reader.section_as<float>(tag);
  if (values.size() != t.rows * t.cols) {
    throw FormatError(reader.path(), "section '" + tag.to_string() + "' holds " +
                                         std::to_string(values.size()) + " floats, expected " +
                                         std::to_string(t.rows * t.cols));
  }
  for (std::size_t r = 0; r < t.rows; ++r) {
    std::memcpy(t.data + r * t.stride, values.data() + r * t.cols, t.cols * sizeof(float));
  }
}

// "AMnn" / "AVnn"; index < 100 (at most 4 + 2 * kMaxHiddenLayers tensors).
std::string moment_tag(char kind, std::size_t index) {
  return std::string{'A', kind, static_cast<char>('0' + index / 10 % 10),
                     static_cast<char>('0' + index % 10)};
}

std::string init_text(const Init& init) {
  const char* kind = init.kind == Init::Kind::normal    ? "normal"
                     : init.kind == Init::Kind::uniform ? "uniform"
                                                        : "zeros";
  std::ostringstream out;
  out.precision(9);
  out << kind << ':' << init.scale;
  return out.str();
}

Init parse_init(const model::ModelConfig& config, const std::string& key) {
  const std::string text = config.get_string(key);
  const auto colon = text.find(':');
  Init init;
  const std::string kind = text.substr(0, colon);
  if (kind == "normal") {
    init.kind = Init::Kind::normal;
  } else if (kind == "uniform") {
    init.kind = Init::Kind::uniform;
  } else if (kind == "zeros") {
    init.kind = Init::Kind::zeros;
  } else {
    throw FormatError(config.source(), "key " + key + ": unknown initialisation '" + text + "'");
  }
  try {
    init.scale = colon == std::string::npos ? 0.0f : std::stof(text.substr(colon + 1));
  } catch (const std::exception&) {
    throw FormatError(config.source(), "key " + key + ": bad scale in '" + text + "'");
  }
  return init;
}

std::uint32_t get_u32(const model::ModelConfig& config, const std::string& key) {
  const std::int64_t v = config.get_int(key);
  if (v < 0 || v > 0xFFFFFFFFll) {
    throw FormatError(config.source(), "key " + key + " is out of range: " + std::to_string(v));
  }
  return static_cast<std::uint32_t>(v);
}

const char* optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd:
      return "sgd";
    case OptimizerKind::lazy_adam:
      return "lazy_adam";
    case OptimizerKind::dense_adam:
      return "dense_adam";
  }
  return "unknown";
}

}  // namespace

void store_network_config(const NetworkConfig& c, model::ModelConfig& out) {
  out.set_int("net.input_dim", c.input_dim);
  std::string dims;
  for (std::size_t l = 0; l < c.hidden_dims.size(); ++l) {
    dims += (l ? "," : "") + std::to_string(c.hidden_dims[l]);
  }
  out.set_string("net.hidden_dims", dims);
  out.set_int("net.output_dim", c.output_dim);
  out.set_string("net.activation", c.hidden_activation == Activation::relu ? "relu" : "identity");
  out.set_bool("net.hidden_bias", c.hidden_bias);
  out.set_bool("net.output_bias", c.output_bias);
  // As a decimal string: a 64-bit seed does not fit a signed int64 in general.
  out.set_string("net.seed", std::to_string(c.seed));
  if (c.linear_support > 0) out.set_int("net.linear_support", c.linear_support);
  out.set_string("net.hidden_init", init_text(c.hidden_init));
  out.set_string("net.output_init", init_text(c.output_init));
}

NetworkConfig load_network_config(const model::ModelConfig& config) {
  NetworkConfig c;
  c.input_dim = get_u32(config, "net.input_dim");
  c.output_dim = get_u32(config, "net.output_dim");
  c.hidden_dims.clear();
  const std::string dims = config.get_string("net.hidden_dims");
  std::size_t start = 0;
  while (start <= dims.size()) {
    const std::size_t comma = std::min(dims.find(',', start), dims.size());
    try {
      std::size_t used = 0;
      const std::string part = dims.substr(start, comma - start);
      const unsigned long v = std::stoul(part, &used);
      if (used != part.size() || v > 0xFFFFFFFFul) throw std::invalid_argument(part);
      c.hidden_dims.push_back(static_cast<std::uint32_t>(v));
    } catch (const std::exception&) {
      throw FormatError(config.source(),
                        "key net.hidden_dims: expected widths separated by "
                        "commas, got '" +
                            dims + "'");
    }
    start = comma + 1;
  }
  const std::string act = config.get_string("net.activation");
  if (act == "relu") {
    c.hidden_activation = Activation::relu;
  } else if (act == "identity") {
    c.hidden_activation = Activation::identity;
  } else {
    throw FormatError(config.source(), "key net.activation: unknown activation '" + act + "'");
  }
  c.hidden_bias = config.get_bool("net.hidden_bias");
  c.output_bias = config.get_bool("net.output_bias");
  try {
    c.seed = std::stoull(config.get_string("net.seed"));
  } catch (const std::exception&) {
    throw FormatError(config.source(), "key net.seed: expected an unsigned integer");
  }
  c.hidden_init = parse_init(config, "net.hidden_init");
  c.output_init = parse_init(config, "net.output_init");
  if (config.has("net.linear_support")) c.linear_support = get_u32(config, "net.linear_support");
  try {
    c.check();
  } catch (const UsageError& e) {
    throw FormatError(config.source(), e.what());
  }
  return c;
}

void add_network_sections(model::ModelWriter& writer, const Network& network) {
  // The writer only reads; tensors() takes non-const buffers for the loaders' sake.
  auto& params = const_cast<ParameterBuffers&>(network.parameters());
  for (const TensorRef& t : tensors(params)) add_tensor(writer, model::Tag::from_string(t.tag), t);
  if (network.has_linear_path()) {
    const LinearPath& path = network.linear_path();
    writer.add_array(kLinearFeaturesTag, path.features());
    writer.add_array(kLinearWeightsTag, path.weights());
  }
}

void load_network_weights(const model::ModelReader& reader, Network& network) {
  const NetworkConfig file = load_network_config(reader.config());
  const NetworkConfig& have = network.config();
  if (file.input_dim != have.input_dim || file.output_dim != have.output_dim ||
      file.hidden_dims != have.hidden_dims || file.hidden_bias != have.hidden_bias ||
      file.output_bias != have.output_bias) {
    throw FormatError(reader.path(), "the network in the file has another shape");
  }
  for (const TensorRef& t : tensors(network.parameters())) {
    read_tensor(reader, model::Tag::from_string(t.tag), t);
  }
  if (network.has_linear_path()) {
    LinearPath& path = network.linear_path();
    auto copy = [&](model::Tag tag, auto destination) {
      const auto values = reader.section_as<typename decltype(destination)::value_type>(tag);
      if (values.size() != destination.size()) {
        throw FormatError(reader.path(), "section '" + tag.to_string() + "' holds " +
                                             std::to_string(values.size()) + " values, not " +
                                             std::to_string(destination.size()));
      }
      std::copy(values.begin(), values.end(), destination.begin());
    };
    copy(kLinearFeaturesTag, path.features());
    copy(kLinearWeightsTag, path.weights());
    try {
      path.build_index();
    } catch (const UsageError& e) {
      throw FormatError(reader.path(), e.what());
    }
  }
  network.refresh_bf16_all();
}

namespace {

// Every weight section of `config` must be in the file with exactly its size, checked before the
// network is allocated: a corrupt or hostile CONFIG (a 1 KB file claiming 4e9 x 1e5 weights) must
// fail as a FormatError naming the file, not as an allocation of what it claims (found by
// tests/fuzz/model_fuzz.cc).
void check_section_sizes(const model::ModelReader& reader, const NetworkConfig& c) {
  auto expect = [&](const std::string& code, std::uint64_t rows, std::uint64_t cols) {
    if (rows == 0) return;
    const model::Tag tag = model::Tag::from_string(code);
    const model::SectionInfo* info = reader.find(tag);
    if (info == nullptr) (void)reader.section(tag);  // throws, naming the sections present
    const std::uint64_t row_bytes = cols * sizeof(float);
    if (info->size % row_bytes != 0 || info->size / row_bytes != rows) {
      throw FormatError(reader.path(),
                        "section '" + code + "' holds " + std::to_string(info->size) +
                            " bytes, but the CONFIG "
                            "says " +
                            std::to_string(rows) + " x " + std::to_string(cols) + " floats");
    }
  };
  const std::uint64_t h0 = c.hidden_dims[0];
  expect("WIN ", c.input_dim, h0);
  expect("BIN ", c.hidden_bias ? 1 : 0, h0);
  expect("WOUT", c.output_dim, c.last_hidden_dim());
  expect("BOUT", c.output_bias ? 1 : 0, c.output_dim);
  for (std::size_t l = 1; l < c.hidden_dims.size(); ++l) {
    const std::string digit = std::to_string(l);
    expect("WH" + digit + " ", c.hidden_dims[l], c.hidden_dims[l - 1]);
    expect("BH" + digit + " ", c.hidden_bias ? 1 : 0, c.hidden_dims[l]);
  }
  // Features are uint32, weights float: both four bytes per slot.
  expect("LPF ", c.linear_support > 0 ? c.output_dim : 0, c.linear_support);
  expect("LPW ", c.linear_support > 0 ? c.output_dim : 0, c.linear_support);
}

}  // namespace

Network load_network(const model::ModelReader& reader) {
  const NetworkConfig config = load_network_config(reader.config());
  check_section_sizes(reader, config);
  Network network(config, false);
  load_network_weights(reader, network);
  return network;
}

namespace {
// A float is NaN or infinite exactly when its exponent bits are all ones: the largest
// magnitude bit pattern tells. (Integer max reductions vectorise; a float sum would not without
// reassociation.)
bool values_are_finite(const float* x, std::size_t n) {
  std::uint32_t largest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    largest = std::max(largest, bits & 0x7fffffffu);
  }
  return largest < 0x7f800000u;
}

bool tensor_is_finite(const TensorRef& t) {
  if (t.cols == t.stride) return values_are_finite(t.data, t.rows * t.cols);
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (!values_are_finite(t.data + r * t.stride, t.cols)) return false;
  }
  return true;
}
}  // namespace

bool biases_are_finite(const Network& network) {
  auto& params = const_cast<ParameterBuffers&>(network.parameters());
  for (const TensorRef& t : tensors(params)) {
    if (t.tag[0] == 'B' && !tensor_is_finite(t)) return false;
  }
  return true;
}

bool network_is_finite(const Network& network) {
  auto& params = const_cast<ParameterBuffers&>(network.parameters());
  for (const TensorRef& t : tensors(params)) {
    if (!tensor_is_finite(t)) return false;
  }
  if (network.has_linear_path()) {
    const auto weights = network.linear_path().weights();
    if (!values_are_finite(weights.data(), weights.size())) return false;
  }
  return true;
}

void add_label_counts(model::ModelWriter& writer, std::span<const std::uint64_t> counts) {
  writer.add_copy(kLabelCountsTag, std::as_bytes(counts));
}

std::vector<std::uint64_t> load_label_counts(const model::ModelReader& reader) {
  if (!reader.has(kLabelCountsTag)) return {};
  const auto counts = reader.section_as<std::uint64_t>(kLabelCountsTag);
  return {counts.begin(), counts.end()};
}

void store_lsh_config(const LshSelector& selector, model::ModelConfig& out) {
  LshSelectorConfig current = selector.config();
  current.tables.seed = selector.current_seed();
  store_lsh_config(current, out);
}

void store_lsh_config(const LshSelectorConfig& c, model::ModelConfig& out) {
  out.set_string("lsh.family", lsh::family_name(c.tables.family));
  out.set_int("lsh.k", c.tables.k);
  out.set_int("lsh.l", c.tables.l);
  out.set_int("lsh.bin_size", c.tables.bin_size);
  out.set_int("lsh.capacity", c.tables.capacity);
  out.set_string("lsh.replacement", lsh::replacement_name(c.tables.replacement));
  out.set_string("lsh.projection", c.tables.projection == lsh::SimHashProjection::gaussian
                                       ? "gaussian"
                                       : "sparse_sign");
  out.set_double("lsh.density", c.tables.density);
  out.set_string("lsh.seed", std::to_string(c.tables.seed));
  out.set_string("lsh.policy", lsh::active_policy_name(c.active.policy));
  out.set_int("lsh.beta", c.active.beta);
  out.set_int("lsh.min_active", c.active.min_active);
  out.set_int("lsh.min_hits", c.active.min_hits);
  const char* kind = c.schedule.kind == lsh::ScheduleKind::fixed         ? "fixed"
                     : c.schedule.kind == lsh::ScheduleKind::exponential ? "exponential"
                                                                         : "on_change";
  out.set_string("lsh.schedule", kind);
  out.set_string("lsh.period", std::to_string(c.schedule.period));
  out.set_double("lsh.growth", c.schedule.growth);
  out.set_string("lsh.max_period", std::to_string(c.schedule.max_period));
  out.set_string("lsh.check_period", std::to_string(c.schedule.check_period));
  out.set_double("lsh.change_threshold", c.schedule.change_threshold);
  out.set_int("lsh.rebuild_every", c.schedule.rebuild_every);
  out.set_string("lsh.change_sample", std::to_string(c.change_sample));
}

LshSelectorConfig load_lsh_config(const model::ModelConfig& config) {
  auto u64 = [&](const std::string& key) -> std::uint64_t {
    try {
      return std::stoull(config.get_string(key));
    } catch (const std::logic_error&) {
      throw FormatError(config.source(), "key " + key + ": expected an unsigned integer");
    }
  };
  LshSelectorConfig c;
  try {
    c.tables.family = lsh::parse_family(config.get_string("lsh.family"));
    c.tables.replacement = lsh::parse_replacement(config.get_string("lsh.replacement"));
    c.active.policy = lsh::parse_active_policy(config.get_string("lsh.policy"));
  } catch (const UsageError& e) {
    throw FormatError(config.source(), e.what());
  }
  c.tables.k = get_u32(config, "lsh.k");
  c.tables.l = get_u32(config, "lsh.l");
  c.tables.bin_size = get_u32(config, "lsh.bin_size");
  c.tables.capacity = get_u32(config, "lsh.capacity");
  const std::string projection = config.get_string("lsh.projection");
  if (projection != "gaussian" && projection != "sparse_sign") {
    throw FormatError(config.source(),
                      "key lsh.projection: unknown projection '" + projection + "'");
  }
  c.tables.projection = projection == "gaussian" ? lsh::SimHashProjection::gaussian
                                                 : lsh::SimHashProjection::sparse_sign;
  c.tables.density = config.get_double("lsh.density");
  c.tables.seed = u64("lsh.seed");
  c.active.beta = get_u32(config, "lsh.beta");
  c.active.min_active = get_u32(config, "lsh.min_active");
  c.active.min_hits = get_u32(config, "lsh.min_hits");
  const std::string kind = config.get_string("lsh.schedule");
  if (kind == "fixed") {
    c.schedule.kind = lsh::ScheduleKind::fixed;
  } else if (kind == "exponential") {
    c.schedule.kind = lsh::ScheduleKind::exponential;
  } else if (kind == "on_change") {
    c.schedule.kind = lsh::ScheduleKind::on_change;
  } else {
    throw FormatError(config.source(), "key lsh.schedule: unknown schedule '" + kind + "'");
  }
  c.schedule.period = u64("lsh.period");
  c.schedule.growth = config.get_double("lsh.growth");
  c.schedule.max_period = u64("lsh.max_period");
  c.schedule.check_period = u64("lsh.check_period");
  c.schedule.change_threshold = config.get_double("lsh.change_threshold");
  c.schedule.rebuild_every = get_u32(config, "lsh.rebuild_every");
  c.change_sample = u64("lsh.change_sample");
  return c;
}

namespace {

constexpr model::Tag kTableEntriesTag("LTEN");
constexpr model::Tag kTableOffsetsTag("LTOF");
constexpr model::Tag kTableKeysTag("LTKY");
constexpr model::Tag kTableStartsTag("LTTS");
constexpr model::Tag kKeyStartsTag("LTKS");
constexpr model::Tag kMonitorKeysTag("LCMK");
constexpr model::Tag kInputLastStepTag("ALSI");   // lazy Adam: step of each input row's last step
constexpr model::Tag kOutputLastStepTag("ALSO");  // ... and of each output row's

std::uint64_t get_u64(const model::ModelConfig& config, const std::string& key) {
  try {
    std::size_t used = 0;
    const std::string text = config.get_string(key);
    const std::uint64_t v = std::stoull(text, &used);
    if (used != text.size() || text[0] == '-') throw std::invalid_argument(text);
    return v;
  } catch (const std::logic_error&) {
    throw FormatError(config.source(), "key " + key + ": expected an unsigned integer");
  }
}

template <class T>
std::span<const T> optional_section(const model::ModelReader& reader, model::Tag tag) {
  if (!reader.has(tag)) return {};
  return reader.section_as<T>(tag);
}

}  // namespace

void store_lsh_state(const LshSelector& selector, model::ModelConfig& out) {
  const LshSelectorState s = selector.state();
  const lsh::LshTables::Contents c = selector.tables().contents();
  out.set_string("lsh.state.base_seed", std::to_string(selector.config().tables.seed));
  out.set_string("lsh.state.seed", std::to_string(s.seed));
  out.set_string("lsh.state.generation", std::to_string(s.generation));
  out.set_string("lsh.state.rehashes", std::to_string(s.rehashes));
  out.set_string("lsh.state.rebuilds", std::to_string(s.rebuilds));
  out.set_string("lsh.state.next", std::to_string(s.schedule.next));
  out.set_double("lsh.state.interval", s.schedule.interval);  // shortest round-trip text
  out.set_string("lsh.state.schedule_rehashes", std::to_string(s.schedule.rehashes));
  out.set_string("lsh.state.n_items", std::to_string(c.n_items));
  out.set_bool("lsh.state.direct", c.direct);
  out.set_int("lsh.state.monitor_tables", selector.monitor_tables());
}

void add_lsh_state_sections(model::ModelWriter& writer, const LshSelector& selector) {
  const lsh::LshTables::Contents c = selector.tables().contents();
  static_assert(sizeof(std::size_t) == sizeof(std::uint64_t));
  auto add = [&](model::Tag tag, auto values) {
    if (!values.empty()) writer.add_array(tag, values);
  };
  add(kTableEntriesTag, c.entries);
  add(kTableOffsetsTag, c.offsets);
  add(kTableKeysTag, c.keys);
  add(kTableStartsTag, c.table_start);
  add(kKeyStartsTag, c.key_start);
  add(kMonitorKeysTag, selector.monitor_keys());
}

bool has_lsh_state(const model::ModelConfig& config) {
  return config.has("lsh.state.seed");
}

std::uint64_t lsh_state_base_seed(const model::ModelConfig& config) {
  return get_u64(config, "lsh.state.base_seed");
}

void load_lsh_state(const model::ModelReader& reader, LshSelector& selector) {
  const model::ModelConfig config = reader.config();
  LshSelectorState s;
  s.seed = get_u64(config, "lsh.state.seed");
  s.generation = get_u64(config, "lsh.state.generation");
  s.rehashes = get_u64(config, "lsh.state.rehashes");
  s.rebuilds = get_u64(config, "lsh.state.rebuilds");
  s.schedule.next = get_u64(config, "lsh.state.next");
  s.schedule.interval = config.get_double("lsh.state.interval");
  s.schedule.rehashes = get_u64(config, "lsh.state.schedule_rehashes");
  lsh::LshTables::Contents c;
  c.n_items = get_u64(config, "lsh.state.n_items");
  c.direct = config.get_bool("lsh.state.direct");
  c.entries = optional_section<std::uint32_t>(reader, kTableEntriesTag);
  c.offsets = optional_section<std::uint32_t>(reader, kTableOffsetsTag);
  c.keys = optional_section<std::uint32_t>(reader, kTableKeysTag);
  c.table_start = optional_section<std::size_t>(reader, kTableStartsTag);
  c.key_start = optional_section<std::size_t>(reader, kKeyStartsTag);
  const std::uint32_t monitor_tables = get_u32(config, "lsh.state.monitor_tables");
  try {
    selector.restore(s, c, optional_section<std::uint32_t>(reader, kMonitorKeysTag),
                     monitor_tables);
  } catch (const UsageError& e) {
    throw FormatError(reader.path(), e.what());
  }
}

void store_trainer_state(const Trainer& trainer, model::ModelConfig& out) {
  const TrainerCounters c = trainer.counters();
  out.set_string("train.step", std::to_string(c.step));
  out.set_string("train.epoch", std::to_string(c.epoch));
  out.set_string("train.examples_seen", std::to_string(c.examples_seen));
  out.set_string("train.decay_examples", std::to_string(c.decay_examples));
  out.set_string("train.epoch_position", std::to_string(c.epoch_position));
  out.set_string("train.optimizer", optimizer_name(trainer.config().optimizer));
  out.set_bool("train.adam_catch_up", trainer.config().adam.catch_up);
  out.set_string("train.seed", std::to_string(trainer.config().seed));
}

void add_trainer_sections(model::ModelWriter& writer, Trainer& trainer) {
  const LinearPath& path = trainer.network().linear_path();
  if (path.training_enabled()) writer.add_array(kLinearAccumulatorsTag, path.accumulators());
  AdamState* adam = trainer.adam_state();
  if (adam == nullptr) return;
  const auto m = tensors(adam->moments1());
  const auto v = tensors(adam->moments2());
  for (std::size_t i = 0; i < m.size(); ++i) {
    add_tensor(writer, model::Tag::from_string(moment_tag('M', i)), m[i]);
    add_tensor(writer, model::Tag::from_string(moment_tag('V', i)), v[i]);
  }
  if (trainer.config().optimizer == OptimizerKind::lazy_adam) {
    auto add = [&](model::Tag tag, const AlignedBuffer<std::uint32_t>& last) {
      if (last.size() != 0) {
        writer.add_array(tag, std::span<const std::uint32_t>(last.data(), last.size()));
      }
    };
    add(kInputLastStepTag, adam->input_last_step());
    add(kOutputLastStepTag, adam->output_last_step());
  }
}

void load_trainer_state(const model::ModelReader& reader, Trainer& trainer) {
  const model::ModelConfig config = reader.config();
  LinearPath& path = trainer.network().linear_path();
  if (path.training_enabled()) {
    const auto sums = reader.section_as<float>(kLinearAccumulatorsTag);
    if (sums.size() != path.accumulators().size()) {
      throw FormatError(reader.path(), "section 'LPG ' does not match the linear path");
    }
    std::copy(sums.begin(), sums.end(), path.accumulators().begin());
  }
  const std::string optimizer = config.get_string("train.optimizer");
  if (optimizer != optimizer_name(trainer.config().optimizer)) {
    throw FormatError(reader.path(), "the checkpoint was trained with " + optimizer + ", not " +
                                         optimizer_name(trainer.config().optimizer));
  }
  if (config.has("train.adam_catch_up") &&
      config.get_bool("train.adam_catch_up") != trainer.config().adam.catch_up) {
    throw FormatError(reader.path(), std::string("the checkpoint was trained with lazy Adam ") +
                                         (trainer.config().adam.catch_up ? "without" : "with") +
                                         " catch-up (--optimizer " +
                                         (trainer.config().adam.catch_up ? "lazy-adam" : "adam") +
                                         ")");
  }
  auto number = [&](const std::string& key) -> std::uint64_t {
    try {
      return std::stoull(config.get_string(key));
    } catch (const std::logic_error&) {
      throw FormatError(reader.path(), "key " + key + ": expected an unsigned integer");
    }
  };
  TrainerCounters c;
  c.step = number("train.step");
  c.epoch = number("train.epoch");
  c.examples_seen = number("train.examples_seen");
  c.decay_examples = number("train.decay_examples");
  // Absent in checkpoints written before mid-epoch resumption: those resumed at the epoch start.
  if (config.has("train.epoch_position")) c.epoch_position = number("train.epoch_position");
  if (AdamState* adam = trainer.adam_state()) {
    const auto m = tensors(adam->moments1());
    const auto v = tensors(adam->moments2());
    for (std::size_t i = 0; i < m.size(); ++i) {
      read_tensor(reader, model::Tag::from_string(moment_tag('M', i)), m[i]);
      read_tensor(reader, model::Tag::from_string(moment_tag('V', i)), v[i]);
    }
    const std::span<const std::uint32_t> input_last =
        optional_section<std::uint32_t>(reader, kInputLastStepTag);
    const std::span<const std::uint32_t> output_last =
        optional_section<std::uint32_t>(reader, kOutputLastStepTag);
    if (input_last.empty() && output_last.empty()) {
      // Written before catch-up existed: the history before the checkpoint is not caught up.
      adam->set_all_last_steps(c.step);
    } else {
      auto restore = [&](std::span<const std::uint32_t> from, AlignedBuffer<std::uint32_t>& to,
                         const char* what) {
        if (from.size() != to.size()) {
          throw FormatError(reader.path(), std::string("the last-step section of the ") + what +
                                               " rows has " + std::to_string(from.size()) +
                                               " entries, expected " + std::to_string(to.size()));
        }
        for (std::uint32_t last : from) {
          if (last > c.step) {
            throw FormatError(reader.path(), std::string("a last step of the ") + what +
                                                 " rows is beyond the checkpoint's step");
          }
        }
        std::copy(from.begin(), from.end(), to.data());
      };
      restore(input_last, adam->input_last_step(), "input");
      restore(output_last, adam->output_last_step(), "output");
    }
  }
  trainer.restore_counters(c);
}

void store_average_state(const WeightAverage& average, model::ModelConfig& out) {
  out.set_string("train.average_count", std::to_string(average.count()));
}
void add_average_sections(model::ModelWriter& writer, const WeightAverage& average) {
  // The writer only reads; tensors() takes non-const buffers for the loaders' sake.
  const auto mean = tensors(const_cast<ParameterBuffers&>(average.mean()));
  for (std::size_t i = 0; i < mean.size(); ++i) {
    add_tensor(writer, model::Tag::from_string(moment_tag('W', i)), mean[i]);
  }
}
bool load_average_state(const model::ModelReader& reader, WeightAverage& average) {
  const model::ModelConfig config = reader.config();
  if (!config.has("train.average_count")) return false;
  std::uint64_t count = 0;
  try {
    count = std::stoull(config.get_string("train.average_count"));
  } catch (const std::logic_error&) {
    throw FormatError(reader.path(), "key train.average_count: expected an unsigned integer");
  }
  const auto mean = tensors(average.mean());
  for (std::size_t i = 0; i < mean.size(); ++i) {
    read_tensor(reader, model::Tag::from_string(moment_tag('W', i)), mean[i]);
  }
  average.restore_count(count);
  return true;
}

}  // namespace slide::nn
