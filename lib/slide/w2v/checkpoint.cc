#include "slide/w2v/checkpoint.h"

#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/io/output.h"
#include "slide/model/crc32c.h"

namespace slide::w2v {

namespace {

constexpr std::string_view kMagic = "SLIDE-W2V-CHECKPOINT 1\n";
// Words longer than this cannot come from the tokeniser; a larger length means a damaged file.
constexpr std::uint32_t kMaxWordLength = 1u << 16;

class Writer {
 public:
  explicit Writer(io::OutputStream& out) : out_(out) {}
  void bytes(const void* data, std::size_t n) {
    crc_ = model::crc32c(data, n, crc_);
    out_.write(static_cast<const char*>(data), n);
  }
  template <typename T>
  void pod(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&value, sizeof value);  // x86-64: little-endian, as the layout says
  }
  void u64(std::uint64_t v) { pod(v); }
  void f64(double v) { pod(v); }
  void rows(const AlignedBuffer<float>& m, std::size_t rows, std::size_t dim, std::size_t stride) {
    for (std::size_t i = 0; i < rows; ++i) bytes(m.data() + i * stride, dim * sizeof(float));
  }
  std::uint32_t crc() const { return crc_; }

 private:
  io::OutputStream& out_;
  std::uint32_t crc_ = 0;
};

class Reader {
 public:
  Reader(std::string data, std::string name) : data_(std::move(data)), name_(std::move(name)) {}
  void bytes(void* out, std::size_t n) {
    if (n > data_.size() - pos_) throw FormatError(name_, "the checkpoint is truncated");
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
  }
  template <typename T>
  T pod() {
    T value;
    bytes(&value, sizeof value);
    return value;
  }
  std::uint64_t u64() { return pod<std::uint64_t>(); }
  double f64() { return pod<double>(); }
  void rows(AlignedBuffer<float>& m, std::size_t rows, std::size_t dim, std::size_t stride) {
    if (rows > (data_.size() - pos_) / (dim * sizeof(float))) {
      throw FormatError(name_, "the checkpoint is truncated (weights)");
    }
    m = AlignedBuffer<float>(rows * stride);  // zero padding
    for (std::size_t i = 0; i < rows; ++i) bytes(m.data() + i * stride, dim * sizeof(float));
  }
  std::size_t position() const { return pos_; }
  const std::string& name() const { return name_; }

 private:
  std::string data_;
  std::string name_;
  std::size_t pos_ = 0;
};

std::size_t padded(std::size_t dim) { return (dim + 15) / 16 * 16; }

}  // namespace

void save_checkpoint(const Checkpoint& c, const std::string& path) {
  const TrainerOptions& o = c.options;
  const TrainState& st = c.state;
  std::unique_ptr<io::OutputStream> out = io::open_output(path);
  Writer w(*out);
  w.bytes(kMagic.data(), kMagic.size());
  w.u64(static_cast<std::uint64_t>(o.architecture));
  w.u64(static_cast<std::uint64_t>(o.loss));
  w.u64(o.dim);
  w.u64(o.window);
  w.f64(o.sample);
  w.u64(o.negative);
  w.u64(o.epochs);
  w.f64(o.alpha);
  w.u64(o.seed);
  w.u64(o.max_sentence_length);
  w.u64(o.block_bytes);
  w.u64(o.lsh_tables);
  w.u64(o.lsh_bits);
  w.u64(o.lsh_active);
  w.u64(o.lsh_rebuild_words);
  w.u64(o.lsh_negatives);
  w.u64(o.lsh_correction ? 1 : 0);
  const text::Vocabulary& v = c.vocabulary;
  w.u64(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string& word = v.word(static_cast<std::uint32_t>(i));
    w.pod(static_cast<std::uint32_t>(word.size()));
    w.bytes(word.data(), word.size());
    w.u64(v.count(static_cast<std::uint32_t>(i)));
  }
  const TrainPosition& p = st.position;
  for (std::uint64_t x : {p.epoch, p.chunks, p.bytes, p.epoch_words, p.words_read, p.block_index,
                          p.trained, p.last_rebuild, p.rebuild_generation}) {
    w.u64(x);
  }
  w.u64(st.dim);
  w.u64(st.output_rows);
  w.u64(st.syn1neg.size() ? 1 : 0);
  w.rows(st.syn0, v.size(), st.dim, st.stride);
  w.rows(st.syn1, st.output_rows, st.dim, st.stride);
  if (st.syn1neg.size()) w.rows(st.syn1neg, v.size(), st.dim, st.stride);
  const std::uint32_t crc = w.crc();
  out->write(reinterpret_cast<const char*>(&crc), sizeof crc);
  out->commit();
}

Checkpoint load_checkpoint(const std::string& path) {
  std::shared_ptr<io::InputStream> in = io::open_input(path);
  std::string data;
  {
    std::vector<char> buffer(std::size_t{1} << 20);
    while (std::size_t n = in->read(buffer.data(), buffer.size())) data.append(buffer.data(), n);
  }
  if (data.size() < kMagic.size() + 4 || data.compare(0, kMagic.size(), kMagic) != 0) {
    throw FormatError(path, "not a slide-w2v checkpoint (expected '" +
                                std::string(kMagic.substr(0, kMagic.size() - 1)) + "')");
  }
  std::uint32_t stored = 0;
  std::memcpy(&stored, data.data() + data.size() - 4, 4);
  if (model::crc32c(data.data(), data.size() - 4) != stored) {
    throw FormatError(path, "the checkpoint's checksum does not match (damaged or truncated)");
  }
  data.resize(data.size() - 4);
  Reader r(std::move(data), path);
  std::string magic(kMagic.size(), '\0');
  r.bytes(magic.data(), magic.size());
  Checkpoint c;
  TrainerOptions& o = c.options;
  const std::uint64_t architecture = r.u64(), loss = r.u64();
  if (architecture > 1 || loss > 4) throw FormatError(path, "unknown model or loss in checkpoint");
  o.architecture = static_cast<Architecture>(architecture);
  o.loss = static_cast<OutputLoss>(loss);
  o.dim = r.u64();
  o.window = r.u64();
  o.sample = r.f64();
  o.negative = r.u64();
  o.epochs = r.u64();
  o.alpha = r.f64();
  o.seed = r.u64();
  o.max_sentence_length = r.u64();
  o.block_bytes = r.u64();
  o.lsh_tables = r.u64();
  o.lsh_bits = r.u64();
  o.lsh_active = r.u64();
  o.lsh_rebuild_words = r.u64();
  o.lsh_negatives = r.u64();
  o.lsh_correction = r.u64() != 0;
  try {
    validate(o);
  } catch (const UsageError& e) {
    throw FormatError(path, std::string("bad options in checkpoint: ") + e.what());
  }
  const std::uint64_t vsize = r.u64();
  if (vsize == 0 || vsize > (std::uint64_t{1} << 32)) throw FormatError(path, "bad vocabulary size");
  std::vector<std::pair<std::string, std::uint64_t>> entries;
  for (std::uint64_t i = 0; i < vsize; ++i) {
    const auto length = r.pod<std::uint32_t>();
    if (length > kMaxWordLength) throw FormatError(path, "bad word length in checkpoint");
    std::string word(length, '\0');
    r.bytes(word.data(), length);
    const std::uint64_t count = r.u64();
    entries.emplace_back(std::move(word), count);
  }
  // The entries are in the vocabulary's own order (</s> first, then by count); rebuilding keeps
  // it, which is checked.
  std::vector<std::string> order;
  order.reserve(entries.size());
  for (const auto& e : entries) order.push_back(e.first);
  text::VocabularyOptions vocab_options;
  vocab_options.min_count = 0;
  vocab_options.max_size = 0;
  c.vocabulary = text::Vocabulary::from_counts(std::move(entries), vocab_options);
  if (c.vocabulary.words() != order) {
    throw FormatError(path, "the checkpoint's vocabulary is not in vocabulary order");
  }
  TrainPosition& p = c.state.position;
  for (std::uint64_t* x : {&p.epoch, &p.chunks, &p.bytes, &p.epoch_words, &p.words_read,
                           &p.block_index, &p.trained, &p.last_rebuild, &p.rebuild_generation}) {
    *x = r.u64();
  }
  if (p.epoch >= o.epochs) throw FormatError(path, "the checkpoint's epoch is past the last");
  TrainState& st = c.state;
  st.dim = r.u64();
  st.output_rows = r.u64();
  const bool has_syn1neg = r.u64() != 0;
  const bool hs = o.loss == OutputLoss::hierarchical_softmax || o.loss == OutputLoss::hs_and_ns;
  const std::uint64_t want_rows = hs ? (vsize > 1 ? vsize - 1 : 1) : vsize;
  if (st.dim != o.dim || st.output_rows != want_rows ||
      has_syn1neg != (o.loss == OutputLoss::hs_and_ns)) {
    throw FormatError(path, "the checkpoint's matrix sizes disagree with its options");
  }
  st.stride = padded(st.dim);
  r.rows(st.syn0, vsize, st.dim, st.stride);
  r.rows(st.syn1, st.output_rows, st.dim, st.stride);
  if (has_syn1neg) r.rows(st.syn1neg, vsize, st.dim, st.stride);
  return c;
}

void check_resume_options(const TrainerOptions& a, const TrainerOptions& b) {
  auto differ = [](const char* name) {
    throw UsageError(std::string("--resume: ") + name +
                     " differs from the checkpoint's (resume with the same training options)");
  };
  if (a.architecture != b.architecture) differ("--model");
  if (a.loss != b.loss) differ("--loss");
  if (a.dim != b.dim) differ("--size");
  if (a.window != b.window) differ("--window");
  if (a.sample != b.sample) differ("--sample");
  if (a.negative != b.negative) differ("--negative");
  if (a.epochs != b.epochs) differ("--iter");
  if (a.alpha != b.alpha) differ("--alpha");
  if (a.seed != b.seed) differ("--seed");
  if (a.lsh_tables != b.lsh_tables || a.lsh_bits != b.lsh_bits || a.lsh_active != b.lsh_active ||
      a.lsh_rebuild_words != b.lsh_rebuild_words || a.lsh_negatives != b.lsh_negatives ||
      a.lsh_correction != b.lsh_correction) {
    differ("an --lsh-* option");
  }
}

}  // namespace slide::w2v
