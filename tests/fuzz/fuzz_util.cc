#include "fuzz/fuzz_util.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "slide/model/crc32c.h"
#include "slide/model/model_file.h"

namespace slide::fuzz {

void check_failed(const char* expression, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line, expression);
  std::abort();
}

void note_error(const std::exception& e) {
  static const bool verbose = std::getenv("SLIDE_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "refused: %s\n", e.what());
}

MemFile::MemFile() {
  fd_ = memfd_create("slide-fuzz", MFD_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("memfd_create failed");
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemFile::~MemFile() {
  if (fd_ >= 0) close(fd_);
}

const std::string& MemFile::write(std::string_view bytes) {
  if (ftruncate(fd_, 0) != 0) throw std::runtime_error("ftruncate failed");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t k =
        pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (k <= 0) throw std::runtime_error("pwrite failed");
    done += static_cast<std::size_t>(k);
  }
  return path_;
}

MemFile& mem_file(int slot) {
  static std::unique_ptr<MemFile> files[4];
  auto& f = files[slot & 3];
  if (!f) f = std::make_unique<MemFile>();
  return *f;
}

namespace {

std::uint32_t load_u32(const std::string& s, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, s.data() + at, sizeof v);
  return v;
}
std::uint64_t load_u64(const std::string& s, std::size_t at) {
  std::uint64_t v;
  std::memcpy(&v, s.data() + at, sizeof v);
  return v;
}
template <class T>
void store(std::string& s, std::size_t at, T v) {
  std::memcpy(s.data() + at, &v, sizeof v);
}

}  // namespace

void repair_model_checksums(std::string& image) {
  // Layout: slide/model/model_file.h (32-byte header, n 32-byte table entries, header CRC).
  if (image.size() < 40) return;
  const std::uint64_t n = load_u32(image, 20);
  if (n > 4096 || 40 + 32 * n > image.size()) return;
  store<std::uint64_t>(image, 24, image.size());
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::size_t entry = 32 + 32 * static_cast<std::size_t>(i);
    const std::uint64_t offset = load_u64(image, entry + 8);
    const std::uint64_t size = load_u64(image, entry + 16);
    if (offset > image.size() || size > image.size() - offset) continue;
    store<std::uint32_t>(image, entry + 24, model::crc32c(image.data() + offset, size));
  }
  const std::size_t table_end = 32 + 32 * static_cast<std::size_t>(n);
  store<std::uint32_t>(image, table_end, model::crc32c(image.data(), table_end));
}

std::string build_model_image(std::uint32_t kind, std::string_view spec) {
  constexpr std::string_view kMarker("\0SEC", 4);
  std::vector<std::pair<std::uint32_t, std::string_view>> sections;
  while (!spec.empty() && sections.size() < 64) {
    const std::size_t end = spec.find(kMarker);
    std::string_view piece = spec.substr(0, end);
    spec = end == std::string_view::npos ? std::string_view{} : spec.substr(end + kMarker.size());
    if (piece.size() < 4) continue;
    std::uint32_t tag;
    std::memcpy(&tag, piece.data(), 4);
    sections.emplace_back(tag, piece.substr(4));
  }
  const std::size_t table_end = 32 + 32 * sections.size();
  std::string image(table_end + 8, '\0');
  std::memcpy(image.data(), model::kMagic, 8);
  store<std::uint32_t>(image, 8, model::kFormatVersion);
  store<std::uint32_t>(image, 12, model::kByteOrderMark);
  store<std::uint32_t>(image, 16, kind);
  store<std::uint32_t>(image, 20, static_cast<std::uint32_t>(sections.size()));
  for (std::size_t i = 0; i < sections.size(); ++i) {
    image.resize((image.size() + model::kPayloadAlignment - 1) / model::kPayloadAlignment *
                     model::kPayloadAlignment,
                 '\0');
    const std::size_t entry = 32 + 32 * i;
    store<std::uint32_t>(image, entry, sections[i].first);
    store<std::uint64_t>(image, entry + 8, image.size());
    store<std::uint64_t>(image, entry + 16, sections[i].second.size());
    image.append(sections[i].second);
  }
  repair_model_checksums(image);
  return image;
}

}  // namespace slide::fuzz
