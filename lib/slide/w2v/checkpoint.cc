#include "slide/w2v/checkpoint.h"

#include <charconv>
#include <cstring>
#include <fstream>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "slide/core/error.h"
#include "slide/model/model_config.h"
#include "slide/model/model_file.h"
#include "slide/w2v/hierarchical_softmax.h"
#include "slide/w2v/weight_rows.h"

namespace slide::w2v {

namespace {

constexpr model::Tag kWordsTag("VOCB");
constexpr model::Tag kCountsTag("VCNT");
constexpr model::Tag kInputTag("WIN ");
constexpr model::Tag kOutputTag("WOUT");
constexpr model::Tag kNegativeTag("WNEG");

constexpr std::string_view kOldMagic = "SLIDE-W2V-CHECKPOINT";

void set_u64(model::ModelConfig& config, const std::string& key, std::uint64_t value) {
  // As decimal text: ModelConfig's integers are signed.
  config.set_string(key, std::to_string(value));
}

std::uint64_t get_u64(const model::ModelConfig& config, const std::string& key) {
  const std::string& text = config.get_string(key);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw FormatError(config.source(),
                      "key " + key + ": expected an unsigned integer, got '" + text + "'");
  }
  return value;
}

void store_options(const TrainerOptions& o, model::ModelConfig& config) {
  config.set_string("w2v.model", architecture_name(o.architecture));
  config.set_string("w2v.loss", output_loss_name(o.loss));
  set_u64(config, "w2v.dim", o.dim);
  set_u64(config, "w2v.window", o.window);
  config.set_double("w2v.sample", o.sample);
  set_u64(config, "w2v.negative", o.negative);
  set_u64(config, "w2v.epochs", o.epochs);
  config.set_double("w2v.alpha", o.alpha);
  set_u64(config, "w2v.seed", o.seed);
  set_u64(config, "w2v.max_sentence_length", o.max_sentence_length);
  set_u64(config, "w2v.block_bytes", o.block_bytes);
  set_u64(config, "w2v.lsh_tables", o.lsh_tables);
  set_u64(config, "w2v.lsh_bits", o.lsh_bits);
  set_u64(config, "w2v.lsh_active", o.lsh_active);
  set_u64(config, "w2v.lsh_rebuild_words", o.lsh_rebuild_words);
  set_u64(config, "w2v.lsh_negatives", o.lsh_negatives);
  config.set_bool("w2v.lsh_correction", o.lsh_correction);
}

TrainerOptions load_options(const model::ModelConfig& config) {
  TrainerOptions o;
  try {
    o.architecture = parse_architecture(config.get_string("w2v.model"));
    o.loss = parse_output_loss(config.get_string("w2v.loss"));
  } catch (const UsageError& e) {
    throw FormatError(config.source(), e.what());
  }
  o.dim = get_u64(config, "w2v.dim");
  o.window = get_u64(config, "w2v.window");
  o.sample = config.get_double("w2v.sample");
  o.negative = get_u64(config, "w2v.negative");
  o.epochs = get_u64(config, "w2v.epochs");
  o.alpha = config.get_double("w2v.alpha");
  o.seed = get_u64(config, "w2v.seed");
  o.max_sentence_length = get_u64(config, "w2v.max_sentence_length");
  o.block_bytes = get_u64(config, "w2v.block_bytes");
  o.lsh_tables = get_u64(config, "w2v.lsh_tables");
  o.lsh_bits = get_u64(config, "w2v.lsh_bits");
  o.lsh_active = get_u64(config, "w2v.lsh_active");
  o.lsh_rebuild_words = get_u64(config, "w2v.lsh_rebuild_words");
  o.lsh_negatives = get_u64(config, "w2v.lsh_negatives");
  o.lsh_correction = config.get_bool("w2v.lsh_correction");
  try {
    validate(o);
  } catch (const UsageError& e) {
    throw FormatError(config.source(), std::string("bad options in checkpoint: ") + e.what());
  }
  return o;
}

// The position's fields with their keys, for storing and loading alike.
std::vector<std::pair<const char*, std::uint64_t*>> position_keys(TrainPosition& p) {
  return {{"train.epoch", &p.epoch},
          {"train.chunks", &p.chunks},
          {"train.bytes", &p.bytes},
          {"train.epoch_words", &p.epoch_words},
          {"train.words_read", &p.words_read},
          {"train.block_index", &p.block_index},
          {"train.trained", &p.trained},
          {"train.lsh_last_rebuild", &p.last_rebuild},
          {"train.lsh_rebuild_generation", &p.rebuild_generation}};
}

// The rows without their padding: the file does not depend on the in-memory layout.
void add_rows(model::ModelWriter& writer, model::Tag tag, const AlignedBuffer<float>& m,
              std::size_t rows, std::size_t dim, std::size_t stride) {
  const float* data = m.data();
  writer.add_stream(tag, [data, rows, dim, stride](model::SectionSink& sink) {
    for (std::size_t r = 0; r < rows; ++r) sink.write(data + r * stride, dim * sizeof(float));
  });
}

// Checks the size before allocating: a damaged or hostile CONFIG must fail as a FormatError, not
// as an allocation of what it claims.
AlignedBuffer<float> read_rows(const model::ModelReader& reader, model::Tag tag, std::size_t rows,
                               std::size_t dim) {
  const std::span<const float> values = reader.section_as<float>(tag);
  if (values.size() / dim != rows || values.size() % dim != 0) {
    throw FormatError(reader.path(), "section '" + tag.to_string() + "' holds " +
                                         std::to_string(values.size()) + " floats, expected " +
                                         std::to_string(rows) + " x " + std::to_string(dim));
  }
  AlignedBuffer<float> m = zero_rows(rows, dim);
  const std::size_t stride = row_stride(dim);
  for (std::size_t r = 0; r < rows; ++r) {
    std::memcpy(m.data() + r * stride, values.data() + r * dim, dim * sizeof(float));
  }
  return m;
}

text::Vocabulary load_vocabulary(const model::ModelReader& reader) {
  const std::string_view words = reader.section_text(kWordsTag);
  const std::span<const std::uint64_t> counts = reader.section_as<std::uint64_t>(kCountsTag);
  if (counts.empty()) throw FormatError(reader.path(), "the checkpoint's vocabulary is empty");
  std::vector<std::pair<std::string, std::uint64_t>> entries;
  entries.reserve(counts.size());
  std::size_t start = 0;
  while (start < words.size()) {
    const std::size_t end = words.find('\n', start);
    if (end == std::string_view::npos || entries.size() == counts.size()) break;
    entries.emplace_back(std::string(words.substr(start, end - start)), counts[entries.size()]);
    start = end + 1;
  }
  if (entries.size() != counts.size() || start != words.size()) {
    throw FormatError(reader.path(), "the checkpoint's words and counts disagree (" +
                                         std::to_string(counts.size()) + " counts)");
  }
  // The entries are in the vocabulary's own order (</s> first, then by count); rebuilding keeps
  // it, which is checked.
  std::vector<std::string> order;
  order.reserve(entries.size());
  for (const auto& e : entries) order.push_back(e.first);
  text::VocabularyOptions options;
  options.min_count = 0;
  options.max_size = 0;
  text::Vocabulary vocabulary = text::Vocabulary::from_counts(std::move(entries), options);
  if (vocabulary.words() != order) {
    throw FormatError(reader.path(), "the checkpoint's vocabulary is not in vocabulary order");
  }
  return vocabulary;
}

// Whether the file starts like a checkpoint of the format before the model container.
bool is_old_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[kOldMagic.size()] = {};
  return in.read(head, sizeof head) && std::string_view(head, sizeof head) == kOldMagic;
}

model::ModelReader open_checkpoint(const std::string& path) {
  try {
    return model::ModelReader(path);
  } catch (const FormatError&) {
    if (is_old_checkpoint(path)) {
      throw FormatError(path,
                        "a checkpoint written by an older version of slide-w2v, in a "
                        "format this version no longer reads (train again without --resume)");
    }
    throw;
  }
}

}  // namespace

void save_checkpoint(const Checkpoint& c, const std::string& path) {
  const TrainState& st = c.state;
  const text::Vocabulary& v = c.vocabulary;
  model::ModelWriter writer(path, model::kKindWord2Vec);
  model::ModelConfig config;
  store_options(c.options, config);
  TrainPosition position = st.position;
  for (const auto& [key, value] : position_keys(position)) set_u64(config, key, *value);
  writer.add_config(config);
  std::string words;
  for (const std::string& word : v.words()) {
    if (word.find('\n') != std::string::npos) {
      throw UsageError("a word of the vocabulary holds a line break; it cannot be checkpointed");
    }
    words += word;
    words += '\n';
  }
  writer.add_text(kWordsTag, std::move(words));
  writer.add_array(kCountsTag, std::span<const std::uint64_t>(v.counts()));
  add_rows(writer, kInputTag, st.syn0, v.size(), st.dim, st.stride);
  add_rows(writer, kOutputTag, st.syn1, st.output_rows, st.dim, st.stride);
  if (st.syn1neg.size()) add_rows(writer, kNegativeTag, st.syn1neg, v.size(), st.dim, st.stride);
  writer.commit();
}

Checkpoint load_checkpoint(const std::string& path) {
  const model::ModelReader reader = open_checkpoint(path);
  reader.require_kind(model::kKindWord2Vec);
  const model::ModelConfig config = reader.config();
  Checkpoint c;
  c.options = load_options(config);
  TrainPosition& p = c.state.position;
  for (const auto& [key, value] : position_keys(p)) *value = get_u64(config, key);
  if (p.epoch >= c.options.epochs) {
    throw FormatError(path, "the checkpoint's epoch is past the last");
  }
  c.vocabulary = load_vocabulary(reader);
  const std::size_t vsize = c.vocabulary.size();
  TrainState& st = c.state;
  st.dim = c.options.dim;
  st.stride = row_stride(st.dim);
  st.output_rows = uses_tree(c.options.loss) ? HierarchicalSoftmax::output_rows(vsize) : vsize;
  st.syn0 = read_rows(reader, kInputTag, vsize, st.dim);
  st.syn1 = read_rows(reader, kOutputTag, st.output_rows, st.dim);
  if (c.options.loss == OutputLoss::hs_and_ns) {
    st.syn1neg = read_rows(reader, kNegativeTag, vsize, st.dim);
  }
  return c;
}

}  // namespace slide::w2v
