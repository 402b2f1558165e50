#include "slide/model/model_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <utility>

#include "slide/core/error.h"
#include "slide/model/crc32c.h"

namespace slide::model {
namespace {

constexpr std::size_t kFixedHeaderSize = 32;
constexpr std::size_t kTableEntrySize = 32;
constexpr std::size_t kHeaderTrailerSize = 8;  // header CRC + reserved
constexpr std::size_t kSinkBufferSize = std::size_t{1} << 20;
constexpr std::size_t kWriteChunk = std::size_t{4} << 20;

std::uint64_t align_up(std::uint64_t value) {
  return (value + kPayloadAlignment - 1) & ~std::uint64_t{kPayloadAlignment - 1};
}

std::uint64_t header_size(std::uint64_t section_count) {
  return kFixedHeaderSize + kTableEntrySize * section_count + kHeaderTrailerSize;
}

template <class T>
void put(std::vector<std::byte>& out, std::size_t offset, T value) {
  std::memcpy(out.data() + offset, &value, sizeof value);
}

template <class T>
T get(const std::byte* data, std::size_t offset) {
  T value;
  std::memcpy(&value, data + offset, sizeof value);
  return value;
}

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

std::string errno_text(int error) {
  return std::strerror(error);
}

// Anonymous pages (page-aligned, so 64-byte aligned) for Access::kRead. Huge pages where the
// kernel allows them on request: faulting in 4 KiB pages one by one dominated the time of reading
// a 500 MB file into an ordinary allocation (docs/PERFORMANCE.md).
std::byte* allocate_buffer(std::uint64_t bytes) {
  void* address = ::mmap(nullptr, static_cast<std::size_t>(bytes), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (address == MAP_FAILED) {
    throw ResourceError("cannot allocate " + std::to_string(bytes) +
                        " bytes to read a model file into memory");
  }
#ifdef MADV_HUGEPAGE
  if (bytes >= (std::uint64_t{2} << 20)) (void)::madvise(address, bytes, MADV_HUGEPAGE);
#endif
  return static_cast<std::byte*>(address);
}

}  // namespace

const char* kind_name(std::uint32_t kind) {
  switch (kind) {
    case kKindWord2Vec:
      return "w2v";
    case kKindXc:
      return "xc";
    case kKindCheckpoint:
      return "checkpoint";
    default:
      return "unknown";
  }
}

// ---- Tag ----------------------------------------------------------------------------------------

Tag Tag::from_string(std::string_view code) {
  if (code.size() != 4) {
    throw UsageError("section tag '" + std::string(code) + "' is not four characters");
  }
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(code[i])) << (8 * i);
  }
  const Tag tag(value);
  if (!tag.printable()) {
    throw UsageError("section tag '" + tag.to_string() + "' is not printable ASCII");
  }
  return tag;
}

bool Tag::printable() const {
  for (int i = 0; i < 4; ++i) {
    const unsigned c = (value_ >> (8 * i)) & 0xFFu;
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string Tag::to_string() const {
  std::string text;
  for (int i = 0; i < 4; ++i) {
    const unsigned c = (value_ >> (8 * i)) & 0xFFu;
    if (c >= 0x20 && c <= 0x7E && c != '\\') {
      text += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      text += escaped;
    }
  }
  return text;
}

// ---- writing ------------------------------------------------------------------------------------

void SectionSink::write(const void* data, std::size_t size) {
  const auto* p = static_cast<const std::byte*>(data);
  size_ += size;
  if (buffer_.size() + size <= buffer_.capacity()) {
    buffer_.insert(buffer_.end(), p, p + size);
    return;
  }
  flush();
  // Large writes skip the buffer; checksum each chunk just before writing it, while it is in cache.
  while (size >= buffer_.capacity()) {
    const std::size_t n = std::min(size, kWriteChunk);
    crc_ = crc32c(p, n, crc_);
    file_.write(reinterpret_cast<const char*>(p), n);
    p += n;
    size -= n;
  }
  buffer_.insert(buffer_.end(), p, p + size);
}

void SectionSink::flush() {
  if (buffer_.empty()) return;
  crc_ = crc32c(buffer_.data(), buffer_.size(), crc_);
  file_.write(reinterpret_cast<const char*>(buffer_.data()), buffer_.size());
  buffer_.clear();
}

namespace {

const std::string& checked_output_path(const std::string& path) {
  if (path == "-") {
    throw UsageError(
        "a model file cannot be written to standard output: it is written to a "
        "temporary file and renamed into place when complete");
  }
  // Devices and FIFOs are written in place by io::open_output, but a model's header is patched
  // at the end, which needs a seekable regular file.
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && !S_ISDIR(info.st_mode) &&
      (!S_ISREG(info.st_mode) || path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0)) {
    throw UsageError(path +
                     ": a model file must be a regular file (it is written to a temporary "
                     "file and renamed into place when complete)");
  }
  return path;
}

}  // namespace

ModelWriter::ModelWriter(std::string path, std::uint32_t kind)
    : path_(std::move(path)), kind_(kind), file_(io::open_output(checked_output_path(path_))) {}

ModelWriter::~ModelWriter() = default;

void ModelWriter::check_new_tag(Tag tag) const {
  if (finished_) throw UsageError(path_ + ": ModelWriter used after commit()");
  if (!tag.printable()) {
    throw UsageError("section tag '" + tag.to_string() + "' is not printable ASCII");
  }
  for (const Pending& pending : sections_) {
    if (pending.info.tag == tag) {
      throw UsageError(path_ + ": section '" + tag.to_string() + "' added twice");
    }
  }
}

void ModelWriter::add(Tag tag, std::span<const std::byte> bytes, std::uint32_t flags) {
  check_new_tag(tag);
  Pending pending;
  pending.info.tag = tag;
  pending.info.flags = flags;
  pending.borrowed = bytes;
  sections_.push_back(std::move(pending));
}

void ModelWriter::add_copy(Tag tag, std::span<const std::byte> bytes, std::uint32_t flags) {
  add_text(tag, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), flags);
}

void ModelWriter::add_text(Tag tag, std::string text, std::uint32_t flags) {
  check_new_tag(tag);
  Pending pending;
  pending.info.tag = tag;
  pending.info.flags = flags;
  pending.owned = std::make_shared<const std::string>(std::move(text));
  pending.borrowed = std::as_bytes(std::span<const char>(*pending.owned));
  sections_.push_back(std::move(pending));
}

void ModelWriter::add_config(const ModelConfig& config) {
  add_text(kConfigTag, config.to_text());
}

void ModelWriter::add_stream(Tag tag, Producer producer, std::uint32_t flags) {
  check_new_tag(tag);
  if (!producer) throw UsageError(path_ + ": empty producer for section '" + tag.to_string() + "'");
  Pending pending;
  pending.info.tag = tag;
  pending.info.flags = flags;
  pending.producer = std::move(producer);
  sections_.push_back(std::move(pending));
}

void ModelWriter::commit() {
  if (finished_) throw UsageError(path_ + ": ModelWriter::commit() called twice");
  finished_ = true;
  try {
    const std::uint64_t count = sections_.size();
    if (count > (std::uint64_t{1} << 24)) throw UsageError(path_ + ": too many sections");
    const std::uint64_t table_end = header_size(count);
    // Placeholder for the header; it is rewritten once offsets, sizes and CRCs are known.
    std::vector<std::byte> header(table_end, std::byte{0});
    file_->write(reinterpret_cast<const char*>(header.data()), header.size());

    std::vector<std::byte> buffer;
    buffer.reserve(kSinkBufferSize);
    static constexpr std::byte kZeros[kPayloadAlignment] = {};
    for (Pending& pending : sections_) {
      const std::uint64_t offset = align_up(file_->position());
      file_->write(reinterpret_cast<const char*>(kZeros), offset - file_->position());
      SectionSink sink(*file_, buffer);
      if (pending.producer) {
        pending.producer(sink);
      } else {
        sink.write(pending.borrowed.data(), pending.borrowed.size());
      }
      sink.flush();
      pending.info.offset = offset;
      pending.info.size = sink.size();
      pending.info.crc32c = sink.crc_;
      if (file_->position() != offset + sink.size()) {
        throw IoError(path_, "internal error: section size does not match bytes written");
      }
    }

    put<std::uint32_t>(header, 8, kFormatVersion);
    put<std::uint32_t>(header, 12, kByteOrderMark);
    put<std::uint32_t>(header, 16, kind_);
    put<std::uint32_t>(header, 20, static_cast<std::uint32_t>(count));
    put<std::uint64_t>(header, 24, file_->position());
    std::memcpy(header.data(), kMagic, sizeof kMagic);
    for (std::size_t i = 0; i < sections_.size(); ++i) {
      const SectionInfo& info = sections_[i].info;
      const std::size_t base = kFixedHeaderSize + kTableEntrySize * i;
      put<std::uint32_t>(header, base, info.tag.value());
      put<std::uint32_t>(header, base + 4, info.flags);
      put<std::uint64_t>(header, base + 8, info.offset);
      put<std::uint64_t>(header, base + 16, info.size);
      put<std::uint32_t>(header, base + 24, info.crc32c);
      put<std::uint32_t>(header, base + 28, 0);
    }
    const std::size_t crc_offset = kFixedHeaderSize + kTableEntrySize * count;
    put<std::uint32_t>(header, crc_offset, crc32c(header.data(), crc_offset));
    file_->write_at(0, reinterpret_cast<const char*>(header.data()), header.size());
    file_->commit();
  } catch (...) {
    file_->discard();
    sections_.clear();
    throw;
  }
  sections_.clear();
}

// ---- reading ------------------------------------------------------------------------------------

ModelReader::ModelReader(std::string path, ReadOptions options) : path_(std::move(path)) {
  try {
    load(options);
    validate_structure();
    if (options.verify == Verify::kEager) verify_all();
  } catch (...) {
    release();
    throw;
  }
}

ModelReader::~ModelReader() {
  release();
}

ModelReader::ModelReader(ModelReader&& other) noexcept {
  *this = std::move(other);
}

ModelReader& ModelReader::operator=(ModelReader&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    length_ = std::exchange(other.length_, 0);
    mapped_ = std::exchange(other.mapped_, false);
    buffer_ = std::exchange(other.buffer_, nullptr);
    buffer_capacity_ = std::exchange(other.buffer_capacity_, 0);
    format_version_ = other.format_version_;
    kind_ = other.kind_;
    file_size_ = other.file_size_;
    sections_ = std::move(other.sections_);
    verified_ = std::move(other.verified_);
  }
  return *this;
}

void ModelReader::release() noexcept {
  if (mapped_ && data_ != nullptr) {
    ::munmap(const_cast<std::byte*>(data_), length_);
  }
  if (buffer_ != nullptr) ::munmap(buffer_, buffer_capacity_);
  data_ = nullptr;
  buffer_ = nullptr;
  buffer_capacity_ = 0;
  mapped_ = false;
  length_ = 0;
}

void ModelReader::load(ReadOptions options) {
  // "-" is standard input (e.g. `zstd -dc model.slide.zst | slide-xc predict -m -`): read, not
  // mapped, and named "<stdin>" in messages.
  const bool from_stdin = path_ == "-";
  if (from_stdin) path_ = "<stdin>";
  const int fd = from_stdin ? STDIN_FILENO : ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputOpenError(path_, errno_text(errno));
  struct Closer {
    int fd;
    bool owned;
    ~Closer() {
      if (owned) ::close(fd);
    }
  } closer{fd, !from_stdin};

  struct stat info {};
  if (::fstat(fd, &info) != 0) throw InputOpenError(path_, errno_text(errno));
  if (S_ISDIR(info.st_mode)) throw InputOpenError(path_, "is a directory");

  if (!from_stdin && S_ISREG(info.st_mode) && options.access == Access::kMmap && info.st_size > 0) {
    void* address =
        ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (address != MAP_FAILED) {
      data_ = static_cast<const std::byte*>(address);
      length_ = static_cast<std::uint64_t>(info.st_size);
      mapped_ = true;
      return;
    }
    // Some file systems cannot map; fall through to reading.
  }

  // Read everything into one aligned buffer, growing it for pipes whose size is unknown. The spare
  // bytes after a regular file's size let the final read see end-of-file without a regrowth.
  std::uint64_t capacity = S_ISREG(info.st_mode)
                               ? static_cast<std::uint64_t>(info.st_size) + kPayloadAlignment
                               : std::uint64_t{1} << 20;
  std::uint64_t used = 0;
  buffer_ = allocate_buffer(capacity);
  buffer_capacity_ = capacity;
  for (;;) {
    if (used == capacity) {
      std::byte* grown = allocate_buffer(capacity * 2);
      std::memcpy(grown, buffer_, used);
      ::munmap(buffer_, buffer_capacity_);
      buffer_ = grown;
      capacity *= 2;
      buffer_capacity_ = capacity;
    }
    const ssize_t n = ::read(fd, buffer_ + used, capacity - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(path_, "read failed: " + errno_text(errno));
    }
    if (n == 0) break;
    used += static_cast<std::uint64_t>(n);
    // A stream of something else (a data file piped by mistake, an endless device) is refused
    // at its first bytes rather than read whole into memory.
    if (used >= 4 && used - static_cast<std::uint64_t>(n) < 4 &&
        std::memcmp(buffer_, kMagic, 4) != 0) {
      throw FormatError(path_, "not a slide model file (wrong magic bytes)");
    }
  }
  data_ = buffer_;
  length_ = used;
}

void ModelReader::validate_structure() {
  const std::uint64_t size = length_;
  const std::size_t magic_bytes = static_cast<std::size_t>(std::min<std::uint64_t>(size, 8));
  if (std::memcmp(data_, kMagic, magic_bytes) != 0) {
    if (size >= 4 && std::memcmp(data_, kMagic, 4) == 0) {
      throw FormatError(path_,
                        "damaged magic bytes (line ends or ^Z changed: was the file "
                        "transferred in text mode?)");
    }
    throw FormatError(path_, "not a slide model file (wrong magic bytes)");
  }
  if (size < header_size(0)) {
    throw FormatError(path_, "truncated: " + std::to_string(size) +
                                 " bytes, shorter than a model file header (" +
                                 std::to_string(header_size(0)) + " bytes)");
  }
  const std::uint32_t byte_order = get<std::uint32_t>(data_, 12);
  if (byte_order == __builtin_bswap32(kByteOrderMark)) {
    throw FormatError(path_,
                      "written on a machine with the opposite byte order; this slide "
                      "reads only model files in its own byte order");
  }
  format_version_ = get<std::uint32_t>(data_, 8);
  if (format_version_ > kFormatVersion) {
    throw FormatError(path_, "model format version " + std::to_string(format_version_) +
                                 " is newer than this slide (supports up to " +
                                 std::to_string(kFormatVersion) + ")");
  }
  if (format_version_ == 0) throw FormatError(path_, "invalid model format version 0");
  // Version 1 is the first; when a version 2 exists, older files are read here through explicit,
  // tested shims (fastText's way), never by guessing.
  if (byte_order != kByteOrderMark) {
    throw FormatError(path_, "corrupt byte-order mark " + hex32(byte_order) + " (expected " +
                                 hex32(kByteOrderMark) + ")");
  }
  kind_ = get<std::uint32_t>(data_, 16);
  const std::uint32_t count = get<std::uint32_t>(data_, 20);
  file_size_ = get<std::uint64_t>(data_, 24);
  const std::uint64_t table_end = header_size(count);
  if (size < table_end) {
    throw FormatError(path_, "truncated: the header declares " + std::to_string(count) +
                                 " sections, whose table needs " + std::to_string(table_end) +
                                 " bytes, but the file has " + std::to_string(size) +
                                 " (or the header is corrupt)");
  }
  const std::size_t crc_offset = kFixedHeaderSize + kTableEntrySize * count;
  const std::uint32_t stored_crc = get<std::uint32_t>(data_, crc_offset);
  const std::uint32_t computed_crc = crc32c(data_, crc_offset);
  if (stored_crc != computed_crc) {
    throw FormatError(path_, "header checksum mismatch (stored " + hex32(stored_crc) +
                                 ", computed " + hex32(computed_crc) +
                                 "): the header or section table is corrupt");
  }
  if (get<std::uint32_t>(data_, crc_offset + 4) != 0) {
    throw FormatError(path_, "corrupt header: reserved field after the header checksum is not 0");
  }
  if (file_size_ > size) {
    throw FormatError(path_, "truncated: the header declares " + std::to_string(file_size_) +
                                 " bytes, the file has " + std::to_string(size));
  }
  if (file_size_ < size) {
    throw FormatError(path_, std::to_string(size - file_size_) +
                                 " bytes of unexpected data after the declared end of the file (" +
                                 std::to_string(file_size_) + " bytes)");
  }

  sections_.resize(count);
  std::uint64_t previous_end = table_end;
  std::string previous = "the header";
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t base = kFixedHeaderSize + kTableEntrySize * i;
    SectionInfo& info = sections_[i];
    info.tag = Tag(get<std::uint32_t>(data_, base));
    info.flags = get<std::uint32_t>(data_, base + 4);
    info.offset = get<std::uint64_t>(data_, base + 8);
    info.size = get<std::uint64_t>(data_, base + 16);
    info.crc32c = get<std::uint32_t>(data_, base + 24);
    const std::string name = "section '" + info.tag.to_string() + "'";
    if (get<std::uint32_t>(data_, base + 28) != 0) {
      throw FormatError(path_, name + ": reserved table field is not 0");
    }
    for (std::uint32_t j = 0; j < i; ++j) {
      if (sections_[j].tag == info.tag) throw FormatError(path_, "duplicate " + name);
    }
    if (info.offset % kPayloadAlignment != 0) {
      throw FormatError(
          path_, name + " at offset " + std::to_string(info.offset) + " is not 64-byte aligned");
    }
    if (info.offset > size || info.size > size - info.offset) {
      throw FormatError(path_, name + " (offset " + std::to_string(info.offset) + ", size " +
                                   std::to_string(info.size) + ") extends past the end of the " +
                                   std::to_string(size) + "-byte file");
    }
    if (info.offset < previous_end) {
      throw FormatError(path_, name + " at offset " + std::to_string(info.offset) + " overlaps " +
                                   previous + " (which ends at " + std::to_string(previous_end) +
                                   ")");
    }
    if (info.offset != align_up(previous_end)) {
      throw FormatError(path_, name + " at offset " + std::to_string(info.offset) +
                                   " leaves an unexpected gap after " + previous +
                                   " (expected offset " + std::to_string(align_up(previous_end)) +
                                   ")");
    }
    for (std::uint64_t at = previous_end; at < info.offset; ++at) {
      if (data_[at] != std::byte{0}) {
        throw FormatError(
            path_, "corrupt padding byte at offset " + std::to_string(at) + " before " + name);
      }
    }
    previous_end = info.offset + info.size;
    previous = name;
  }
  if (previous_end != size) {
    throw FormatError(path_, std::to_string(size - previous_end) + " bytes after " + previous +
                                 " belong to no section");
  }
  verified_ = std::make_unique<std::atomic<bool>[]>(count);
}

void ModelReader::verify(std::size_t index) const {
  if (verified_[index].load(std::memory_order_acquire)) return;
  const SectionInfo& info = sections_[index];
  const std::uint32_t computed = crc32c(data_ + info.offset, info.size);
  if (computed != info.crc32c) {
    throw FormatError(path_, "section '" + info.tag.to_string() + "' checksum mismatch (stored " +
                                 hex32(info.crc32c) + ", computed " + hex32(computed) +
                                 "): the payload is corrupt");
  }
  verified_[index].store(true, std::memory_order_release);
}

void ModelReader::verify_all() const {
  for (std::size_t i = 0; i < sections_.size(); ++i) verify(i);
}

const SectionInfo* ModelReader::find(Tag tag) const {
  for (const SectionInfo& info : sections_) {
    if (info.tag == tag) return &info;
  }
  return nullptr;
}

std::span<const std::byte> ModelReader::section(Tag tag) const {
  const SectionInfo* info = find(tag);
  if (info == nullptr) {
    std::string present;
    for (const SectionInfo& other : sections_) {
      present += present.empty() ? "" : ", ";
      present += '\'';
      present += other.tag.to_string();
      present += '\'';
    }
    if (present.empty()) present = "none";
    throw FormatError(path_, std::string("no section '") + tag.to_string() + "' in this " +
                                 kind_name(kind_) + " model file (sections present: " + present +
                                 ")");
  }
  verify(static_cast<std::size_t>(info - sections_.data()));
  return {data_ + info->offset, static_cast<std::size_t>(info->size)};
}

std::string_view ModelReader::section_text(Tag tag) const {
  const std::span<const std::byte> bytes = section(tag);
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void ModelReader::check_multiple(Tag tag, std::size_t size, std::size_t element) const {
  if (size % element != 0) {
    throw FormatError(path_, "section '" + tag.to_string() + "' has " + std::to_string(size) +
                                 " bytes, not a multiple of its " + std::to_string(element) +
                                 "-byte elements");
  }
}

ModelConfig ModelReader::config() const {
  return ModelConfig::parse(section_text(kConfigTag), path_);
}

void ModelReader::require_kind(std::uint32_t expected) const {
  if (kind_ != expected) {
    throw FormatError(path_, std::string("is a ") + kind_name(kind_) + " model file (kind " +
                                 std::to_string(kind_) + "), expected " + kind_name(expected) +
                                 " (kind " + std::to_string(expected) + ")");
  }
}

void ModelReader::advise(Tag tag, Advice advice) const {
  const SectionInfo* info = find(tag);
  if (!mapped_ || info == nullptr || info->size == 0) return;
  int flag = MADV_NORMAL;
  switch (advice) {
    case Advice::kNormal:
      flag = MADV_NORMAL;
      break;
    case Advice::kSequential:
      flag = MADV_SEQUENTIAL;
      break;
    case Advice::kRandom:
      flag = MADV_RANDOM;
      break;
    case Advice::kWillNeed:
      flag = MADV_WILLNEED;
      break;
    case Advice::kDontNeed:
      flag = MADV_DONTNEED;
      break;
  }
  const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t begin = info->offset / page * page;
  const std::uint64_t end = info->offset + info->size;
  // Advice is a hint: a failure changes nothing the caller could act on.
  (void)::madvise(const_cast<std::byte*>(data_) + begin, end - begin, flag);
}

// ---- dump ---------------------------------------------------------------------------------------

void dump(const ModelReader& reader, std::ostream& out) {
  out << "file: " << reader.path() << '\n';
  out << "format_version: " << reader.format_version() << '\n';
  out << "byte_order: " << (std::endian::native == std::endian::little ? "little" : "big")
      << "-endian\n";
  out << "kind: " << reader.kind() << " (" << kind_name(reader.kind()) << ")\n";
  out << "file_size: " << reader.file_size() << '\n';
  out << "sections: " << reader.sections().size() << '\n';
  char line[160];
  std::snprintf(line, sizeof line, "  %-8s %-10s %14s %14s  %s\n", "tag", "flags", "offset", "size",
                "crc32c");
  out << line;
  for (const SectionInfo& info : reader.sections()) {
    std::string tag(1, '\'');
    tag += info.tag.to_string();
    tag += '\'';
    std::snprintf(line, sizeof line, "  %-8s 0x%08x %14llu %14llu  0x%08x\n", tag.c_str(),
                  info.flags, static_cast<unsigned long long>(info.offset),
                  static_cast<unsigned long long>(info.size), info.crc32c);
    out << line;
  }
  if (reader.has(kConfigTag)) {
    out << "config:\n";
    const std::string text = reader.config().to_text();
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      out << "  " << text.substr(start, end - start) << '\n';
      start = end + 1;
    }
  }
}

}  // namespace slide::model
