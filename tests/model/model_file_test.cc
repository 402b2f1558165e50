#include "slide/model/model_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "model/temp_dir.h"
#include "slide/core/error.h"
#include "slide/model/crc32c.h"

namespace slide::model {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> values(n);
  for (float& v : values) v = uniform(rng);
  return values;
}

std::string text_of(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

ModelConfig sample_config() {
  ModelConfig config;
  config.set_int("dim", 64);
  config.set_int("K", 6);
  config.set_int("L", 50);
  config.set_string("hash", "dwta");
  config.set_double("lr", 0.001);
  config.set_bool("bias", true);
  return config;
}

// A small file with every kind of region: CONFIG, an empty section, an odd-sized one (so padding
// follows it), a float array and a streamed one.
std::string write_small_model(const std::string& path) {
  const std::vector<float> weights = random_floats(37, 1);
  ModelWriter writer(path, kKindXc);
  writer.add_config(sample_config());
  writer.add(Tag("EMPT"), {});
  writer.add_text(Tag("VOCB"), "the\nof\nand\n", 7);
  writer.add_array(Tag("WOUT"), std::span<const float>(weights));
  writer.add_stream(Tag("STRM"), [](SectionSink& sink) {
    for (std::uint32_t i = 0; i < 10; ++i) sink.write_value(i);
  });
  writer.commit();
  return read_bytes(path);
}

void expect_format_error(const std::string& path, const std::string& fragment,
                         ReadOptions options = {}) {
  try {
    ModelReader reader(path, options);
    FAIL() << "accepted a bad file; expected: " << fragment;
  } catch (const FormatError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

// Rewrites the header CRC so that a deliberately inconsistent table gets past the checksum and
// reaches the structural checks.
void fix_header_crc(std::string& bytes) {
  std::uint32_t count;
  std::memcpy(&count, bytes.data() + 20, 4);
  const std::size_t crc_offset = 32 + 32 * std::size_t{count};
  const std::uint32_t crc = crc32c(bytes.data(), crc_offset);
  std::memcpy(bytes.data() + crc_offset, &crc, 4);
}

template <class T>
void poke(std::string& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

constexpr std::size_t table_field(std::size_t section, std::size_t field_offset) {
  return 32 + 32 * section + field_offset;
}

TEST(ModelFile, RoundTripOfSeveralSectionsInBothAccessModes) {
  TempDir dir;
  const std::string path = dir.file("model.slide");
  // 40 MB of weights: large enough to cross every chunking boundary of the writer.
  const std::vector<float> big = random_floats(10'000'000, 42);
  const std::vector<float> small = random_floats(1001, 43);
  std::string streamed_expected;
  {
    ModelWriter writer(path, kKindWord2Vec);
    writer.add_config(sample_config());
    writer.add_array(Tag("WIN "), std::span<const float>(small), 0x11);
    writer.add(Tag("EMPT"), {});
    writer.add_array(Tag("WOUT"), std::span<const float>(big));
    writer.add_stream(Tag("STRM"), [&](SectionSink& sink) {
      // Many small writes, one larger than the sink buffer, and small ones again.
      for (int i = 0; i < 100000; ++i) sink.write_value(static_cast<std::uint16_t>(i));
      sink.write(big.data(), 3 << 20);
      sink.write("tail", 4);
    });
    writer.add(Tag("EMP2"), {});
    EXPECT_FALSE(std::filesystem::exists(path));
    writer.commit();
    for (int i = 0; i < 100000; ++i) {
      const auto v = static_cast<std::uint16_t>(i);
      streamed_expected.append(reinterpret_cast<const char*>(&v), 2);
    }
    streamed_expected.append(reinterpret_cast<const char*>(big.data()), 3 << 20);
    streamed_expected += "tail";
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.slide"});

  for (const Access access : {Access::kMmap, Access::kRead}) {
    for (const Verify verify : {Verify::kEager, Verify::kLazy}) {
      SCOPED_TRACE(::testing::Message() << "access " << static_cast<int>(access) << " verify "
                                        << static_cast<int>(verify));
      const ModelReader reader(path, {access, verify});
      EXPECT_EQ(reader.mapped(), access == Access::kMmap);
      EXPECT_EQ(reader.format_version(), kFormatVersion);
      EXPECT_EQ(reader.kind(), kKindWord2Vec);
      EXPECT_NO_THROW(reader.require_kind(kKindWord2Vec));
      EXPECT_EQ(reader.file_size(), std::filesystem::file_size(path));
      ASSERT_EQ(reader.sections().size(), 6u);
      const std::vector<std::string> tags = {"CONF", "WIN ", "EMPT", "WOUT", "STRM", "EMP2"};
      for (std::size_t i = 0; i < tags.size(); ++i) {
        const SectionInfo& info = reader.sections()[i];
        EXPECT_EQ(info.tag.to_string(), tags[i]);
        EXPECT_EQ(info.offset % kPayloadAlignment, 0u) << tags[i];
        const std::span<const std::byte> payload = reader.section(info.tag);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(payload.data()) % kPayloadAlignment, 0u)
            << tags[i];
        EXPECT_EQ(payload.size(), info.size);
      }
      EXPECT_EQ(reader.sections()[1].flags, 0x11u);
      EXPECT_EQ(reader.config(), sample_config());
      EXPECT_EQ(reader.config().get_string("hash"), "dwta");

      const std::span<const float> win = reader.section_as<float>(Tag("WIN "));
      ASSERT_EQ(win.size(), small.size());
      EXPECT_EQ(std::memcmp(win.data(), small.data(), small.size() * sizeof(float)), 0);
      const std::span<const float> wout = reader.section_as<float>(Tag("WOUT"));
      ASSERT_EQ(wout.size(), big.size());
      EXPECT_EQ(std::memcmp(wout.data(), big.data(), big.size() * sizeof(float)), 0);
      EXPECT_EQ(reader.section_text(Tag("STRM")), streamed_expected);
      EXPECT_TRUE(reader.section(Tag("EMPT")).empty());
      EXPECT_TRUE(reader.section(Tag("EMP2")).empty());
      EXPECT_EQ(reader.sections()[3].crc32c, crc32c(big.data(), big.size() * sizeof(float)));
      reader.advise(Tag("WOUT"), Advice::kRandom);  // a hint: must not disturb the data
      EXPECT_EQ(wout[123], big[123]);
    }
  }
}

TEST(ModelFile, FileWithNoSectionsRoundTrips) {
  TempDir dir;
  const std::string path = dir.file("empty.slide");
  ModelWriter writer(path, 77);
  writer.commit();
  EXPECT_EQ(std::filesystem::file_size(path), 40u);  // fixed header + header CRC, no padding
  const ModelReader reader(path);
  EXPECT_EQ(reader.kind(), 77u);
  EXPECT_TRUE(reader.sections().empty());
  EXPECT_FALSE(reader.has(kConfigTag));
}

TEST(ModelFile, LayoutMatchesTheDocumentedHeader) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  const std::string bytes = write_small_model(path);
  ASSERT_GE(bytes.size(), 64u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89SLD\r\n\x1a\n", 8));
  std::uint32_t u32;
  std::uint64_t u64;
  std::memcpy(&u32, bytes.data() + 8, 4);
  EXPECT_EQ(u32, 1u);
  std::memcpy(&u32, bytes.data() + 12, 4);
  EXPECT_EQ(u32, 0x01020304u);
  std::memcpy(&u32, bytes.data() + 16, 4);
  EXPECT_EQ(u32, kKindXc);
  std::memcpy(&u32, bytes.data() + 20, 4);
  EXPECT_EQ(u32, 5u);
  std::memcpy(&u64, bytes.data() + 24, 8);
  EXPECT_EQ(u64, bytes.size());
  EXPECT_EQ(bytes.substr(32, 4), "CONF");  // the tag reads as text in a hex dump
  std::memcpy(&u64, bytes.data() + table_field(0, 8), 8);
  EXPECT_EQ(u64, 256u);  // the header is 32 + 5 * 32 + 8 = 200 bytes; payloads start aligned
}

TEST(ModelFile, EveryFlippedByteIsRefused) {
  TempDir dir;
  const std::string good_path = dir.file("good.slide");
  const std::string good = write_small_model(good_path);
  ASSERT_NO_THROW(ModelReader{good_path});
  const ModelReader reader(good_path);
  const std::size_t header_end = 32 + 32 * reader.sections().size() + 8;
  const std::string path = dir.file("flipped.slide");
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (const unsigned char mask : {0x01, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      write_bytes(path, bad);
      std::string fragment;  // what the message must say for this region
      if (i >= 32 && i < header_end - 8) fragment = "header checksum mismatch";
      bool in_payload = false;
      for (const SectionInfo& info : reader.sections()) {
        if (i >= info.offset && i < info.offset + info.size) {
          fragment = "section '" + info.tag.to_string() + "' checksum mismatch";
          in_payload = true;
        }
      }
      if (!in_payload && i >= header_end) fragment = "padding";
      SCOPED_TRACE(::testing::Message() << "byte " << i << " mask " << int{mask});
      expect_format_error(path, fragment);
      if (i % 7 == 0) expect_format_error(path, fragment, {Access::kRead, Verify::kEager});
    }
  }
}

TEST(ModelFile, EveryTruncationIsRefusedAndSoIsTrailingData) {
  TempDir dir;
  const std::string good = write_small_model(dir.file("good.slide"));
  const std::string path = dir.file("cut.slide");
  for (std::size_t length = 0; length < good.size(); ++length) {
    SCOPED_TRACE(::testing::Message() << "length " << length);
    write_bytes(path, good.substr(0, length));
    expect_format_error(path, length < 40 ? "truncated" : "");
    if (length >= 40 && length < good.size()) {
      try {
        ModelReader reader(path);
      } catch (const FormatError& error) {
        EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos) << error.what();
      }
    }
  }
  write_bytes(path, good + '\0');
  expect_format_error(path, "1 bytes of unexpected data after the declared end");
}

TEST(ModelFile, TruncatedLargeFileIsRefused) {
  TempDir dir;
  const std::string path = dir.file("big.slide");
  const std::vector<float> weights = random_floats(1 << 20, 5);
  {
    ModelWriter writer(path, kKindXc);
    writer.add_array(Tag("WOUT"), std::span<const float>(weights));
    writer.commit();
  }
  const auto size = std::filesystem::file_size(path);
  for (const std::uintmax_t cut : {size - 1, size - 4096, size / 2, std::uintmax_t{300}}) {
    std::filesystem::resize_file(path, cut);
    expect_format_error(path, "truncated");
  }
}

TEST(ModelFile, NewerVersionIsRefusedWithItsNumber) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  std::string bytes = write_small_model(path);
  poke<std::uint32_t>(bytes, 8, 2);
  write_bytes(path, bytes);
  expect_format_error(path, "model format version 2 is newer than this slide (supports up to 1)");
  fix_header_crc(bytes);  // a genuinely newer file, not a damaged one: same answer
  write_bytes(path, bytes);
  try {
    ModelReader reader(path);
    FAIL();
  } catch (const FormatError& error) {
    EXPECT_EQ(std::string(error.what()),
              path + ": model format version 2 is newer than this slide (supports up to 1)");
  }
}

TEST(ModelFile, ForeignByteOrderIsRefusedClearly) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  std::string bytes = write_small_model(path);
  // What a big-endian writer would produce in the byte-order mark.
  poke<std::uint32_t>(bytes, 12, 0x04030201u);
  write_bytes(path, bytes);
  expect_format_error(path, "opposite byte order");
}

TEST(ModelFile, NotAModelFileAndTextModeDamage) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  write_bytes(path, "dim=100\nthis is text, not a model\n");
  expect_format_error(path, "not a slide model file");
  std::string bytes = write_small_model(path);
  bytes.erase(4, 1);  // "\r\n" -> "\n", as a text-mode transfer does
  write_bytes(path, bytes);
  expect_format_error(path, "text mode");
}

TEST(ModelFile, StructuralInconsistenciesBehindAValidHeaderChecksum) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  const std::string good = write_small_model(path);
  const ModelReader reader(path);
  const std::vector<SectionInfo> sections = reader.sections();  // CONF EMPT VOCB WOUT STRM

  auto expect_refused = [&](auto mutate, const std::string& fragment) {
    std::string bad = good;
    mutate(bad);
    fix_header_crc(bad);
    write_bytes(path, bad);
    expect_format_error(path, fragment);
  };
  expect_refused(
      [&](std::string& b) { poke<std::uint64_t>(b, table_field(2, 8), sections[2].offset + 8); },
      "is not 64-byte aligned");
  expect_refused(
      [&](std::string& b) { poke<std::uint64_t>(b, table_field(3, 8), sections[2].offset); },
      "overlaps section 'VOCB'");
  expect_refused([&](std::string& b) { poke<std::uint64_t>(b, table_field(0, 8), 0); },
                 "overlaps the header");
  expect_refused(
      [&](std::string& b) { poke<std::uint64_t>(b, table_field(4, 16), sections[4].size + 4); },
      "extends past the end");
  expect_refused(
      [&](std::string& b) { poke<std::uint64_t>(b, table_field(4, 16), ~std::uint64_t{0} - 8); },
      "extends past the end");
  expect_refused(
      [&](std::string& b) { poke<std::uint64_t>(b, table_field(4, 16), sections[4].size - 4); },
      "belong to no section");
  expect_refused(
      [&](std::string& b) { poke<std::uint32_t>(b, table_field(1, 0), Tag("VOCB").value()); },
      "duplicate section 'VOCB'");
  expect_refused([&](std::string& b) { poke<std::uint32_t>(b, table_field(1, 28), 1); },
                 "reserved table field");
  expect_refused([&](std::string& b) { poke<std::uint64_t>(b, 24, good.size() + 64); },
                 "truncated");
  expect_refused(
      [&](std::string& b) {
        // Move STRM one alignment step later: a gap the writer never leaves.
        b.insert(sections[4].offset, 64, '\0');
        poke<std::uint64_t>(b, table_field(4, 8), sections[4].offset + 64);
        poke<std::uint64_t>(b, 24, b.size());
      },
      "unexpected gap");
  // A section count whose table would not fit is refused before the checksum is even computed.
  for (const std::uint32_t count : {100u, 0xFFFFFFFFu}) {
    std::string bad = good;
    poke<std::uint32_t>(bad, 20, count);
    write_bytes(path, bad);
    expect_format_error(path, "truncated");
  }
}

TEST(ModelFile, LazyVerificationFailsOnFirstUseOfTheDamagedSection) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  std::string bytes = write_small_model(path);
  const SectionInfo wout = *ModelReader(path).find(Tag("WOUT"));
  bytes[wout.offset + 5] ^= 0x10;
  write_bytes(path, bytes);
  expect_format_error(path, "section 'WOUT' checksum mismatch");  // eager: refused at open
  for (const Access access : {Access::kMmap, Access::kRead}) {
    const ModelReader lazy(path, {access, Verify::kLazy});
    EXPECT_EQ(lazy.config(), sample_config());
    EXPECT_EQ(text_of(lazy.section(Tag("VOCB"))), "the\nof\nand\n");
    EXPECT_THROW(lazy.section(Tag("WOUT")), FormatError);
    EXPECT_THROW(lazy.section(Tag("WOUT")), FormatError);  // not cached as good after failing
    EXPECT_THROW(lazy.verify_all(), FormatError);
  }
}

TEST(ModelFile, UnknownTagWrongKindAndBadElementSizeAreClear) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  write_small_model(path);
  const ModelReader reader(path);
  EXPECT_FALSE(reader.has(Tag("NOPE")));
  EXPECT_EQ(reader.find(Tag("NOPE")), nullptr);
  try {
    reader.section(Tag("NOPE"));
    FAIL();
  } catch (const FormatError& error) {
    EXPECT_EQ(std::string(error.what()),
              path +
                  ": no section 'NOPE' in this xc model file (sections present: 'CONF', "
                  "'EMPT', 'VOCB', 'WOUT', 'STRM')");
  }
  try {
    reader.require_kind(kKindWord2Vec);
    FAIL();
  } catch (const FormatError& error) {
    EXPECT_EQ(std::string(error.what()),
              path + ": is a xc model file (kind 2), expected w2v (kind 1)");
  }
  EXPECT_THROW(reader.section_as<double>(Tag("VOCB")), FormatError);  // 12 bytes
  EXPECT_EQ(reader.section_as<std::uint32_t>(Tag("STRM")).size(), 10u);
  EXPECT_EQ(reader.section_as<std::uint32_t>(Tag("STRM"))[9], 9u);
}

TEST(ModelFile, MissingFileAndDirectoryAreInputOpenErrors) {
  TempDir dir;
  EXPECT_THROW(ModelReader(dir.file("absent.slide")), InputOpenError);
  std::filesystem::create_directory(dir.file("sub"));
  EXPECT_THROW(ModelReader(dir.file("sub")), InputOpenError);
  try {
    ModelReader reader(dir.file("absent.slide"));
  } catch (const InputOpenError& error) {
    EXPECT_NE(std::string(error.what()).find("absent.slide"), std::string::npos);
  }
}

struct WriterFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(ModelFile, WriterThrowingMidwayLeavesNoFileAndKeepsTheOldOne) {
  TempDir dir;
  const std::string path = dir.file("model.slide");
  const std::vector<float> weights = random_floats(1 << 20, 9);
  auto failing_write = [&] {
    ModelWriter writer(path, kKindXc);
    writer.add_config(sample_config());
    writer.add_array(Tag("WIN "), std::span<const float>(weights));
    writer.add_stream(Tag("WOUT"), [&](SectionSink& sink) {
      sink.write(weights.data(), weights.size() * sizeof(float));  // several MB already out
      throw WriterFailure("trainer died while saving");
    });
    writer.commit();
  };
  EXPECT_THROW(failing_write(), WriterFailure);
  EXPECT_TRUE(dir.entries().empty()) << "left " << dir.entries().front();

  const std::string good = write_small_model(path);
  EXPECT_THROW(failing_write(), WriterFailure);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.slide"});
  EXPECT_EQ(read_bytes(path), good);
  EXPECT_NO_THROW(ModelReader{path});

  // A writer abandoned before commit() (an exception between add and commit) also leaves nothing.
  {
    ModelWriter abandoned(dir.file("other.slide"), kKindXc);
    abandoned.add_text(Tag("VOCB"), "x");
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.slide"});
}

TEST(ModelFile, WriterMisuseIsUsageError) {
  TempDir dir;
  ModelWriter writer(dir.file("m.slide"), kKindXc);
  writer.add_text(Tag("VOCB"), "a");
  EXPECT_THROW(writer.add_text(Tag("VOCB"), "b"), UsageError);
  EXPECT_THROW(writer.add_text(Tag(0x00414141u), "b"), UsageError);
  EXPECT_THROW(writer.add_stream(Tag("STRM"), nullptr), UsageError);
  EXPECT_THROW(Tag::from_string("ABC"), UsageError);
  EXPECT_THROW(Tag::from_string("AB\nC"), UsageError);
  EXPECT_EQ(Tag::from_string("WOUT"), Tag("WOUT"));
  writer.commit();
  EXPECT_THROW(writer.commit(), UsageError);
  EXPECT_THROW(writer.add_text(Tag("MORE"), "c"), UsageError);
  EXPECT_THROW(ModelWriter(dir.file("missing/m.slide"), kKindXc), OutputCreateError);
}

TEST(ModelFile, DumpDescribesHeaderSectionsAndConfig) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  write_small_model(path);
  const ModelReader reader(path);
  std::ostringstream out;
  dump(reader, out);
  const std::string text = out.str();
  for (const std::string& expected :
       {"file: " + path + "\n", std::string("format_version: 1\n"), std::string("kind: 2 (xc)\n"),
        "file_size: " + std::to_string(reader.file_size()) + "\n", std::string("sections: 5\n"),
        std::string("'VOCB'   0x00000007"), std::string("config:\n  K=6\n  L=50\n  bias=true\n"),
        std::string("  hash=dwta\n  lr=0.001\n")}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
  char crc[16];
  std::snprintf(crc, sizeof crc, "0x%08x", reader.find(Tag("WOUT"))->crc32c);
  EXPECT_NE(text.find(crc), std::string::npos) << text;
}

// A pipe cannot be mapped: the reader falls back to read() and grows its buffer past the 1 MiB it
// starts with for files of unknown size.
TEST(ModelFile, ReadsFromAPipeAndFromStandardInput) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  const std::vector<float> weights = random_floats(700'000, 3);  // 2.8 MB
  {
    ModelWriter writer(path, kKindXc);
    writer.add_config(sample_config());
    writer.add_array(Tag("WOUT"), std::span<const float>(weights));
    writer.commit();
  }
  const std::string bytes = read_bytes(path);
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread feeder([&] { write_bytes(fifo, bytes); });
  {
    const ModelReader reader(fifo);  // Access::kMmap asked, read() used
    feeder.join();
    EXPECT_FALSE(reader.mapped());
    const std::span<const float> back = reader.section_as<float>(Tag("WOUT"));
    ASSERT_EQ(back.size(), weights.size());
    EXPECT_EQ(std::memcmp(back.data(), weights.data(), weights.size() * sizeof(float)), 0);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(back.data()) % kPayloadAlignment, 0u);
  }

  const int saved_stdin = ::dup(STDIN_FILENO);
  ASSERT_GE(saved_stdin, 0);
  const int file_fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(file_fd, 0);
  ASSERT_EQ(::dup2(file_fd, STDIN_FILENO), STDIN_FILENO);
  ::close(file_fd);
  std::string stdin_path, vocabulary_error;
  bool matches = false;
  try {
    const ModelReader reader("-");
    stdin_path = reader.path();
    matches = reader.config() == sample_config() &&
              reader.section_as<float>(Tag("WOUT")).size() == weights.size();
    reader.section(Tag("VOCB"));
  } catch (const FormatError& error) {
    vocabulary_error = error.what();
  }
  ::dup2(saved_stdin, STDIN_FILENO);
  ::close(saved_stdin);
  EXPECT_EQ(stdin_path, "<stdin>");
  EXPECT_TRUE(matches);
  EXPECT_EQ(vocabulary_error.rfind("<stdin>: no section 'VOCB'", 0), 0u) << vocabulary_error;
  EXPECT_THROW(ModelWriter("-", kKindXc), UsageError);
}

TEST(ModelFile, MovedReaderKeepsItsData) {
  TempDir dir;
  const std::string path = dir.file("m.slide");
  write_small_model(path);
  ModelReader first(path);
  const std::span<const std::byte> before = first.section(Tag("VOCB"));
  ModelReader second(std::move(first));
  EXPECT_EQ(second.section(Tag("VOCB")).data(), before.data());
  ModelReader third(path, {Access::kRead, Verify::kEager});
  third = std::move(second);
  EXPECT_EQ(text_of(third.section(Tag("VOCB"))), "the\nof\nand\n");
}

}  // namespace
}  // namespace slide::model
