#include "slide/text/vocabulary.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <numeric>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/io/line_reader.h"
#include "slide/io/output.h"
#include "slide/text/chunk_reader.h"
#include "slide/text/tokenizer.h"

namespace slide::text {
namespace {

std::uint64_t hash_word(std::string_view word) noexcept {
  return std::hash<std::string_view>{}(word);
}

}  // namespace

Vocabulary::Vocabulary() : words_{std::string(kEndOfSentence)}, counts_{0} {
  build_index();
}

Vocabulary Vocabulary::from_counts(std::vector<std::pair<std::string, std::uint64_t>> entries,
                                   const VocabularyOptions& options) {
  std::uint64_t eos_count = 0;
  std::vector<std::size_t> order;
  order.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].first == kEndOfSentence) {
      eos_count = entries[i].second;
    } else if (entries[i].second >= options.min_count) {
      order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return entries[a].second > entries[b].second;
  });
  if (options.max_size > 0 && order.size() + 1 > options.max_size) {
    order.resize(options.max_size - 1);
  }
  Vocabulary vocabulary;
  vocabulary.counts_[0] = eos_count;
  vocabulary.words_.reserve(order.size() + 1);
  vocabulary.counts_.reserve(order.size() + 1);
  for (std::size_t i : order) {
    vocabulary.words_.push_back(std::move(entries[i].first));
    vocabulary.counts_.push_back(entries[i].second);
  }
  vocabulary.total_count_ =
      std::accumulate(vocabulary.counts_.begin(), vocabulary.counts_.end(), std::uint64_t{0});
  vocabulary.build_index();
  return vocabulary;
}

void Vocabulary::build_index() {
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, 2 * words_.size()));
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (std::uint32_t id = 0; id < words_.size(); ++id) {
    const std::uint64_t h = hash_word(words_[id]);
    std::uint64_t slot = h & mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = ((h >> 32) << 32) | (std::uint64_t{id} + 1);
  }
}

std::uint32_t Vocabulary::find(std::string_view word) const noexcept {
  const std::uint64_t h = hash_word(word);
  const std::uint64_t tag = (h >> 32) << 32;
  for (std::uint64_t slot = h & mask_;; slot = (slot + 1) & mask_) {
    const std::uint64_t entry = slots_[slot];
    if (entry == 0) return kNotFound;
    if ((entry & 0xFFFFFFFF00000000ull) == tag) {
      const auto id = static_cast<std::uint32_t>((entry & 0xFFFFFFFFull) - 1);
      if (words_[id] == word) return id;
    }
  }
}

std::vector<float> Vocabulary::keep_probabilities(double sample) const {
  std::vector<float> keep(counts_.size(), 1.0f);
  if (sample <= 0) return keep;
  // word2vec.c's types, step by step: sample and the product are `real` (float), the count is
  // converted to float for the division, sqrt() and the rest are double, the result is float.
  const float threshold = static_cast<float>(sample) * static_cast<float>(total_count_);
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const float ratio = static_cast<float>(counts_[i]) / threshold;
    keep[i] = static_cast<float>((std::sqrt(static_cast<double>(ratio)) + 1) *
                                 static_cast<double>(threshold) / static_cast<double>(counts_[i]));
  }
  return keep;
}

VocabularyCounter::VocabularyCounter() {
  // "</s>" takes entry 0 so that it becomes id 0 whatever its count.
  add(kEndOfSentence);
  counts_[0] = 0;
  tokens_ = 0;
}

void VocabularyCounter::add(std::string_view word) {
  ++tokens_;
  auto it = index_.find(word);
  if (it != index_.end()) {
    ++counts_[it->second];
    return;
  }
  const auto id = static_cast<std::uint32_t>(order_.size());
  auto inserted = index_.emplace(std::string(word), id).first;
  order_.push_back(&inserted->first);
  counts_.push_back(1);
}

void VocabularyCounter::add_text(std::string_view text) {
  for_each_token(text, [this](std::string_view word) { add(word); });
}

Vocabulary VocabularyCounter::build(const VocabularyOptions& options) const {
  std::vector<std::pair<std::string, std::uint64_t>> entries;
  entries.reserve(order_.size());
  for (std::size_t i = 0; i < order_.size(); ++i) entries.emplace_back(*order_[i], counts_[i]);
  return Vocabulary::from_counts(std::move(entries), options);
}

Vocabulary learn_vocabulary(io::ByteSource source, const VocabularyOptions& options,
                            std::uint64_t* tokens_read, const VocabularyProgress& progress) {
  ChunkReader reader(std::move(source));
  VocabularyCounter counter;
  std::string_view chunk;
  while (reader.next(chunk)) {
    counter.add_text(chunk);
    if (progress) progress(reader.bytes_read(), counter.tokens());
  }
  if (tokens_read != nullptr) *tokens_read = counter.tokens();
  return counter.build(options);
}

void save_vocab(const Vocabulary& vocabulary, const io::ByteSink& out) {
  std::string buffer;
  buffer.reserve(1 << 16);
  char digits[24];
  for (std::uint32_t id = 0; id < vocabulary.size(); ++id) {
    buffer += vocabulary.word(id);
    buffer += ' ';
    const auto result = std::to_chars(digits, digits + sizeof digits, vocabulary.count(id));
    buffer.append(digits, result.ptr);
    buffer += '\n';
    if (buffer.size() >= (1 << 16) - 256) {
      out.write(buffer.data(), buffer.size());
      buffer.clear();
    }
  }
  out.write(buffer.data(), buffer.size());
}

Vocabulary learn_vocabulary_file(const std::string& path, const VocabularyOptions& options,
                                 std::uint64_t* tokens_read, const VocabularyProgress& progress) {
  const auto in = io::open_input(path);
  return learn_vocabulary(io::input_source(*in), options, tokens_read, progress);
}

void save_vocab_file(const Vocabulary& vocabulary, const std::string& path) {
  const auto out = io::open_output(path);
  save_vocab(vocabulary, io::output_sink(*out));
  out->commit();
}

Vocabulary read_vocab_file(const std::string& path, const VocabularyOptions& options) {
  const auto in = io::open_input(path);
  return read_vocab(io::input_source(*in), options);
}

void save_vocab(const Vocabulary& vocabulary, std::ostream& out, const std::string& name) {
  save_vocab(vocabulary, io::ostream_sink(out, name));
  out.flush();
  if (!out) throw IoError(name, "write error");
}

Vocabulary read_vocab(io::ByteSource source, const VocabularyOptions& options) {
  io::LineReader reader(std::move(source));
  const std::string& name = reader.name();
  std::vector<std::pair<std::string, std::uint64_t>> entries;
  std::unordered_map<std::string, std::uint64_t> first_line;
  std::string line;
  while (reader.line(line)) {
    const std::uint64_t line_number = reader.line_number();
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || space == 0) {
      throw DataError(name, line_number, "a 'word count' line (a word, one space, a count)");
    }
    const std::string_view word(line.data(), space);
    const std::string_view count_text(line.data() + space + 1, line.size() - space - 1);
    if (word.find('\t') != std::string_view::npos) {
      throw DataError(name, line_number, "a word without tab characters");
    }
    std::uint64_t count = 0;
    const auto parsed =
        std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (count_text.empty() || parsed.ec != std::errc() ||
        parsed.ptr != count_text.data() + count_text.size()) {
      throw DataError(
          name, line_number, space + 2,
          "a non-negative decimal count after the word, got '" + std::string(count_text) + "'");
    }
    auto [it, inserted] = first_line.emplace(std::string(word), line_number);
    if (!inserted) {
      throw DataError(name, line_number,
                      "each word once, but '" + std::string(word) + "' is also on line " +
                          std::to_string(it->second));
    }
    entries.emplace_back(std::string(word), count);
  }
  return Vocabulary::from_counts(std::move(entries), options);
}

Vocabulary read_vocab(std::istream& in, const std::string& name, const VocabularyOptions& options) {
  return read_vocab(io::istream_source(in, name), options);
}

}  // namespace slide::text
