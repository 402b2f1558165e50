#include "slide/w2v/checkpoint.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/model/model_file.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/memory_estimate.h"
#include "slide/w2v/trainer.h"
#include "w2v/memory_corpus.h"

namespace slide::w2v {
namespace {

// Sentences of 12 words from two planted topics (as in trainer_test.cc).
std::string corpus_text(std::size_t sentences) {
  Rng rng(5);
  std::string text;
  for (std::size_t s = 0; s < sentences; ++s) {
    const char topic = rng.uniform(2) ? 'a' : 'b';
    for (int w = 0; w < 12; ++w) {
      text += topic;
      text += std::to_string(rng.uniform(20));
      text += ' ';
    }
    text += '\n';
  }
  return text;
}

// ctest runs each parameter of a test as its own process, concurrently: the pid keeps their files
// apart (the random seed alone is 0 in every one of them).
std::string temp_path(const char* name) {
  return ::testing::TempDir() + "/w2v_checkpoint_" + name + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(::testing::UnitTest::GetInstance()->random_seed());
}

class Resume : public ::testing::TestWithParam<OutputLoss> {};

// Stopping at a block boundary, saving, loading and resuming gives, with one thread, exactly the
// vectors of the uninterrupted run, wherever the stop falls (mid-epoch, at an epoch's end).
TEST_P(Resume, OneThreadResumedRunEqualsUninterrupted) {
  oneapi::tbb::global_control one(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const std::string text = corpus_text(2000);
  text::VocabularyCounter counter;
  counter.add_text(text);
  const text::Vocabulary vocab = counter.build({});
  TrainerOptions o;
  o.loss = GetParam();
  o.architecture = Architecture::skipgram;
  o.dim = 10;
  o.epochs = 3;
  o.block_bytes = 4096;
  o.seed = 9;
  const TrainedVectors full = train_word_vectors(vocab, memory_corpus(text), o);
  const std::uint64_t per_epoch = vocab.total_count();
  const std::string path = temp_path("resume");
  for (const std::uint64_t stop : {std::uint64_t{1}, per_epoch / 3, per_epoch, 2 * per_epoch + 7}) {
    TrainControl control;
    control.stop_after_words = stop;
    TrainOutcome first = train_word_vectors_resumable(vocab, memory_corpus(text), o, control);
    ASSERT_FALSE(first.finished) << stop;
    EXPECT_GE(first.state.position.words_read, stop);
    save_checkpoint(Checkpoint{o, vocab, std::move(first.state)}, path);
    Checkpoint loaded = load_checkpoint(path);
    EXPECT_EQ(loaded.vocabulary.words(), vocab.words());
    EXPECT_EQ(loaded.vocabulary.counts(), vocab.counts());
    check_resume_options(loaded.options, o);
    TrainControl resume;
    resume.resume = &loaded.state;
    TrainOutcome rest =
        train_word_vectors_resumable(loaded.vocabulary, memory_corpus(text), o, resume);
    ASSERT_TRUE(rest.finished);
    ASSERT_EQ(rest.vectors.input.size(), full.input.size());
    EXPECT_EQ(0, std::memcmp(rest.vectors.input.data(), full.input.data(),
                             full.input.size() * sizeof(float)))
        << "stopped after " << stop << " words";
  }
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(W2vCheckpoint, Resume,
                         ::testing::Values(OutputLoss::negative_sampling,
                                           OutputLoss::hierarchical_softmax, OutputLoss::hs_and_ns,
                                           OutputLoss::softmax));

TEST(W2vCheckpoint, DamageAndMismatchesAreRefused) {
  const std::string text = corpus_text(200);
  text::VocabularyCounter counter;
  counter.add_text(text);
  const text::Vocabulary vocab = counter.build({});
  TrainerOptions o;
  o.dim = 8;
  o.epochs = 2;
  o.block_bytes = 2048;
  TrainControl control;
  control.stop_after_words = 500;
  TrainOutcome out = train_word_vectors_resumable(vocab, memory_corpus(text), o, control);
  ASSERT_FALSE(out.finished);
  const std::string path = temp_path("damage");
  save_checkpoint(Checkpoint{o, vocab, std::move(out.state)}, path);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& b) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(b.data(), std::streamsize(b.size()));
  };
  for (std::size_t at : {std::size_t{30}, bytes.size() / 2, bytes.size() - 1}) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    write(flipped);
    EXPECT_THROW(load_checkpoint(path), FormatError) << at;
  }
  write(bytes.substr(0, bytes.size() / 3));
  EXPECT_THROW(load_checkpoint(path), FormatError);
  write("");
  EXPECT_THROW(load_checkpoint(path), FormatError);
  write(bytes);
  Checkpoint c = load_checkpoint(path);
  TrainerOptions other = o;
  other.dim = 9;
  EXPECT_THROW(check_resume_options(c.options, other), UsageError);
  other = o;
  other.seed = 1;
  EXPECT_THROW(check_resume_options(c.options, other), UsageError);
  // A corpus other than the one the checkpoint was made on.
  const std::string shorter = text.substr(0, 1000);
  TrainControl resume;
  resume.resume = &c.state;
  EXPECT_THROW(train_word_vectors_resumable(c.vocabulary, memory_corpus(shorter), o, resume),
               DataError);
  std::remove(path.c_str());
  EXPECT_THROW(load_checkpoint(path), InputOpenError);
}

// A stopped run of `o` on the topic corpus, for the format tests.
Checkpoint stopped_run(const std::string& text, const TrainerOptions& o) {
  text::VocabularyCounter counter;
  counter.add_text(text);
  Checkpoint c{o, counter.build({}), {}};
  TrainControl control;
  control.stop_after_words = 500;
  TrainOutcome out = train_word_vectors_resumable(c.vocabulary, memory_corpus(text), o, control);
  EXPECT_FALSE(out.finished);
  c.state = std::move(out.state);
  return c;
}

// The checkpoint is a slide model file of kind w2v: the options and the position in CONFIG, the
// vocabulary and the matrices (rows without their padding) in sections.
TEST(W2vCheckpoint, IsAModelFileOfKindW2v) {
  const std::string text = corpus_text(200);
  TrainerOptions o;
  o.dim = 10;  // rows padded to 16 in memory
  o.epochs = 2;
  o.block_bytes = 2048;
  o.seed = 12345678901234567890ull;
  o.sample = 1e-4;
  for (const OutputLoss loss : {OutputLoss::negative_sampling, OutputLoss::hs_and_ns}) {
    o.loss = loss;
    const Checkpoint c = stopped_run(text, o);
    const std::string path = temp_path("format");
    save_checkpoint(c, path);
    const model::ModelReader reader(path);
    EXPECT_EQ(reader.kind(), model::kKindWord2Vec);
    const model::ModelConfig config = reader.config();
    EXPECT_EQ(config.get_string("w2v.loss"), output_loss_name(loss));
    EXPECT_EQ(config.get_string("w2v.model"), "cbow");
    EXPECT_EQ(config.get_string("w2v.seed"), "12345678901234567890");
    EXPECT_EQ(config.get_double("w2v.sample"), 1e-4);
    EXPECT_EQ(config.get_string("train.words_read"), std::to_string(c.state.position.words_read));
    EXPECT_EQ(config.get_string("train.block_index"), std::to_string(c.state.position.block_index));
    const std::size_t v = c.vocabulary.size();
    EXPECT_EQ(reader.section_as<std::uint64_t>("VCNT").size(), v);
    EXPECT_EQ(reader.section_text("VOCB").substr(0, 5), "</s>\n");
    EXPECT_EQ(reader.section_as<float>("WIN ").size(), v * 10);
    EXPECT_EQ(reader.section_as<float>("WIN ")[10], c.state.syn0[16]);  // row 1, unpadded
    const std::size_t out_rows = loss == OutputLoss::hs_and_ns ? v - 1 : v;
    EXPECT_EQ(reader.section_as<float>("WOUT").size(), out_rows * 10);
    EXPECT_EQ(reader.has("WNEG"), loss == OutputLoss::hs_and_ns);

    const Checkpoint loaded = load_checkpoint(path);
    EXPECT_EQ(loaded.options.seed, o.seed);
    EXPECT_EQ(loaded.options.sample, o.sample);
    EXPECT_EQ(loaded.state.position.words_read, c.state.position.words_read);
    EXPECT_EQ(loaded.state.position.epoch_words, c.state.position.epoch_words);
    EXPECT_EQ(loaded.state.output_rows, c.state.output_rows);
    ASSERT_EQ(loaded.state.syn1.size(), c.state.syn1.size());
    EXPECT_EQ(0, std::memcmp(loaded.state.syn1.data(), c.state.syn1.data(),
                             c.state.syn1.size() * sizeof(float)));
    EXPECT_EQ(loaded.state.syn1neg.size(), c.state.syn1neg.size());
    std::remove(path.c_str());
  }
}

// A checkpoint of the format before the model container gets one line saying so.
TEST(W2vCheckpoint, AnOlderFormatIsRefusedWithAClearMessage) {
  const std::string path = temp_path("old");
  {
    std::ofstream f(path, std::ios::binary);
    f << "SLIDE-W2V-CHECKPOINT 1\n" << std::string(200, '\x01');
  }
  try {
    load_checkpoint(path);
    ADD_FAILURE() << "an old checkpoint was loaded";
  } catch (const FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("older version"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  std::remove(path.c_str());
}

// Sections whose sizes disagree with the CONFIG are refused before anything is allocated for
// them.
TEST(W2vCheckpoint, SizesThatDisagreeWithTheOptionsAreRefused) {
  const std::string text = corpus_text(200);
  TrainerOptions o;
  o.dim = 8;
  o.epochs = 2;
  o.block_bytes = 2048;
  Checkpoint c = stopped_run(text, o);
  c.options.dim = 1000;  // the CONFIG now claims rows of 1000 floats
  const std::string path = temp_path("sizes");
  save_checkpoint(c, path);
  try {
    load_checkpoint(path);
    ADD_FAILURE() << "a checkpoint with the wrong sizes was loaded";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("section 'WIN '"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(W2vTrainer, MemoryEstimateCoversTheMatrices) {
  TrainerOptions o;
  o.dim = 200;
  const double matrices = 2.0 * 100000 * 208 * 4;
  const double ns = estimate_training_memory(100000, o, 2);
  EXPECT_GE(ns, matrices);
  EXPECT_LE(ns, 1.3 * matrices + 20e6);
  o.loss = OutputLoss::hs_and_ns;
  EXPECT_GE(estimate_training_memory(100000, o, 2), 1.5 * matrices);
  o.loss = OutputLoss::softmax;
  EXPECT_GE(estimate_training_memory(100000, o, 8), matrices + 8 * 100000 * 4);
}

}  // namespace
}  // namespace slide::w2v
