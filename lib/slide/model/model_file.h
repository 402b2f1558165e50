#pragma once

// The versioned binary container for models and checkpoints (magic, version, sections, CRC32C, in
// the manner of PECOS's and PNG's files). Network code puts its arrays in named sections; this
// file knows nothing about what they hold.
//
// Layout (version 1; all integers in the writer's byte order, which the byte-order mark records):
//
//   offset 0   u8[8]  magic 89 53 4C 44 0D 0A 1A 0A ("\x89SLD\r\n\x1a\n", the PNG trick)
//          8   u32    format_version (1)
//         12   u32    byte-order mark 0x01020304 in host order
//         16   u32    kind (chosen by the caller: kKindWord2Vec, kKindXc, kKindCheckpoint, ...)
//         20   u32    section_count n
//         24   u64    file_size: the exact size of the whole file
//         32   n x 32 section table: {u32 tag, u32 flags, u64 offset, u64 size, u32 crc32c,
//                                     u32 reserved (0)}
//   32 + 32n   u32    header CRC32C of bytes [0, 32 + 32n)
//   36 + 32n   u32    reserved (0)
//   then the payloads in table order, each at the next multiple of 64 bytes (mmap-friendly; the
//   padding is zero bytes), the file ending exactly at the end of the last payload (at the end of
//   the header when there are no sections).
//
// Every byte is covered by a check: the header and table by the header CRC, each payload by its
// CRC32C, the padding by being zero, the length by file_size. A reader refuses a newer version,
// a foreign byte order, and anything that does not match with FormatError naming the file.
//
// Tags are four-character codes (e.g. "CONF", "VOCB", "WIN ", "WOUT"); section flags and the kind
// are opaque to the container and belong to the caller (they are shown by dump()).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "slide/io/output.h"
#include "slide/model/model_config.h"

namespace slide::model {

inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::uint32_t kByteOrderMark = 0x01020304u;
inline constexpr std::size_t kPayloadAlignment = 64;
inline constexpr unsigned char kMagic[8] = {0x89, 'S', 'L', 'D', '\r', '\n', 0x1A, '\n'};

// Kinds used by the slide applications; callers may use other values.
inline constexpr std::uint32_t kKindWord2Vec = 1;
inline constexpr std::uint32_t kKindXc = 2;
inline constexpr std::uint32_t kKindCheckpoint = 3;
// "w2v", "xc", "checkpoint", or "unknown".
const char* kind_name(std::uint32_t kind);

// A four-character section code. The u32 is chosen so that the tag reads as its four characters in
// a hex dump of a little-endian file.
class Tag {
 public:
  constexpr explicit Tag(std::uint32_t value) : value_(value) {}
  // From a four-character literal: Tag("WOUT").
  consteval Tag(const char (&code)[5])  // NOLINT(google-explicit-constructor): tags read as text
      : value_(static_cast<std::uint32_t>(static_cast<unsigned char>(code[0])) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(code[1])) << 8 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(code[2])) << 16 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(code[3])) << 24) {}
  // Throws UsageError unless `code` is exactly four printable ASCII characters.
  static Tag from_string(std::string_view code);

  constexpr std::uint32_t value() const { return value_; }
  // The four characters; a non-printable byte shows as \xNN.
  std::string to_string() const;
  // Four printable ASCII characters (what the writer accepts).
  bool printable() const;

  friend constexpr bool operator==(Tag a, Tag b) { return a.value_ == b.value_; }

 private:
  std::uint32_t value_;
};

inline constexpr Tag kConfigTag("CONF");

struct SectionInfo {
  Tag tag{0};
  std::uint32_t flags = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint32_t crc32c = 0;
};

// Where a streamed section's bytes go; handed to the producer given to ModelWriter::add_stream.
class SectionSink {
 public:
  void write(const void* data, std::size_t size);
  template <class T>
  void write_value(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    write(&value, sizeof value);
  }
  std::uint64_t size() const { return size_; }

 private:
  friend class ModelWriter;
  SectionSink(io::OutputStream& file, std::vector<std::byte>& buffer)
      : file_(file), buffer_(buffer) {}
  void flush();

  io::OutputStream& file_;
  std::vector<std::byte>& buffer_;  // capacity reserved by the writer; size() = pending bytes
  std::uint64_t size_ = 0;
  std::uint32_t crc_ = 0;
};

// Writes a model file atomically: nothing appears at `path` until commit() returns, and an
// existing file there stays intact if anything fails (io::open_output). Sections are recorded by
// add*() and written, in order, by commit(), which computes each CRC32C as the bytes go out.
class ModelWriter {
 public:
  using Producer = std::function<void(SectionSink&)>;

  // Creates the temporary file next to `path` now, so an unwritable destination fails early
  // (OutputCreateError). "-" (stdout) is refused with UsageError: the file is only complete, and
  // its header only known, at the end.
  ModelWriter(std::string path, std::uint32_t kind);
  ~ModelWriter();
  ModelWriter(const ModelWriter&) = delete;
  ModelWriter& operator=(const ModelWriter&) = delete;

  // Borrows `bytes`: they must stay valid and unchanged until commit() returns.
  void add(Tag tag, std::span<const std::byte> bytes, std::uint32_t flags = 0);
  template <class T>
  void add_array(Tag tag, std::span<const T> values, std::uint32_t flags = 0) {
    static_assert(std::is_trivially_copyable_v<T>);
    add(tag, std::as_bytes(values), flags);
  }
  // Takes a copy (small sections: vocabularies, text).
  void add_copy(Tag tag, std::span<const std::byte> bytes, std::uint32_t flags = 0);
  void add_text(Tag tag, std::string text, std::uint32_t flags = 0);
  // The CONFIG section (tag kConfigTag) holding config.to_text().
  void add_config(const ModelConfig& config);
  // `producer` is called during commit() and writes the payload through the sink; if it throws,
  // commit() throws the same exception and no file is created.
  void add_stream(Tag tag, Producer producer, std::uint32_t flags = 0);

  // Writes header, table and payloads, then renames into place. Throws IoError, or whatever a
  // producer throws; afterwards the writer is finished either way.
  void commit();

  const std::string& path() const { return path_; }

 private:
  struct Pending {
    SectionInfo info;
    std::span<const std::byte> borrowed;
    std::shared_ptr<const std::string> owned;
    Producer producer;
  };
  void check_new_tag(Tag tag) const;

  std::string path_;
  std::uint32_t kind_;
  std::unique_ptr<io::OutputStream> file_;
  std::vector<Pending> sections_;
  bool finished_ = false;
};

enum class Access {
  kMmap,  // map the file read-only (default); payloads are views into the mapping. The file must
          // not be truncated while mapped (that would be SIGBUS): slide only ever replaces model
          // files by rename, which leaves the mapped inode alone.
  kRead,  // read the whole file into one 64-byte aligned buffer (also used automatically for
          // pipes and other files that cannot be mapped)
};

enum class Verify {
  kEager,  // verify every payload CRC on open (default: a corrupt file fails at load time)
  kLazy,   // verify a payload the first time section() returns it (faster open of a big file
           // when only some sections are needed)
};

struct ReadOptions {
  Access access = Access::kMmap;
  Verify verify = Verify::kEager;
};

enum class Advice { kNormal, kSequential, kRandom, kWillNeed, kDontNeed };

// Opens and validates a model file: magic, version, byte order, header checksum, section table
// (payloads inside the file, 64-byte aligned, in order, not overlapping, zero padding, exact file
// size), and the payload CRCs as ReadOptions::verify says. Throws InputOpenError when the file
// cannot be opened, FormatError naming the file and the problem otherwise, IoError on a read
// failure. Payloads are 64-byte aligned in memory. const member functions are thread-safe.
class ModelReader {
 public:
  // `path` "-" reads standard input (always Access::kRead); path() is then "<stdin>".
  explicit ModelReader(std::string path, ReadOptions options = {});
  ~ModelReader();
  ModelReader(ModelReader&&) noexcept;
  ModelReader& operator=(ModelReader&&) noexcept;

  const std::string& path() const { return path_; }
  std::uint32_t format_version() const { return format_version_; }
  std::uint32_t kind() const { return kind_; }
  std::uint64_t file_size() const { return file_size_; }
  bool mapped() const { return mapped_; }
  const std::vector<SectionInfo>& sections() const { return sections_; }

  // Throws FormatError "is a <kind> model file, expected <expected>" on a mismatch.
  void require_kind(std::uint32_t expected) const;

  bool has(Tag tag) const { return find(tag) != nullptr; }
  const SectionInfo* find(Tag tag) const;
  // The payload, CRC-verified. Throws FormatError when there is no such section (naming the
  // sections present) or when its CRC does not match.
  std::span<const std::byte> section(Tag tag) const;
  // The payload as text (CONFIG, vocabularies); same checks as section().
  std::string_view section_text(Tag tag) const;
  // The payload as an array of T; FormatError when the size is not a multiple of sizeof(T).
  template <class T>
  std::span<const T> section_as(Tag tag) const {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= kPayloadAlignment);
    const std::span<const std::byte> bytes = section(tag);
    check_multiple(tag, bytes.size(), sizeof(T));
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
  // The CONFIG section parsed; FormatError when absent or malformed.
  ModelConfig config() const;

  // Verifies every payload not verified yet (what Verify::kEager does on open).
  void verify_all() const;
  // madvise on a mapped section (page-rounded); does nothing for Access::kRead.
  void advise(Tag tag, Advice advice) const;

 private:
  void load(ReadOptions options);
  void validate_structure();
  void verify(std::size_t index) const;
  void check_multiple(Tag tag, std::size_t size, std::size_t element) const;
  void release() noexcept;

  std::string path_;
  const std::byte* data_ = nullptr;
  std::uint64_t length_ = 0;  // bytes available at data_
  bool mapped_ = false;
  std::byte* buffer_ = nullptr;  // Access::kRead storage (anonymous mapping)
  std::uint64_t buffer_capacity_ = 0;
  std::uint32_t format_version_ = 0;
  std::uint32_t kind_ = 0;
  std::uint64_t file_size_ = 0;
  std::vector<SectionInfo> sections_;
  std::unique_ptr<std::atomic<bool>[]> verified_;
};

// A human-readable description: header fields, the section table (tag, flags, offset, size,
// crc32c) and the CONFIG text when present (the apps' --dump).
void dump(const ModelReader& reader, std::ostream& out);

}  // namespace slide::model
