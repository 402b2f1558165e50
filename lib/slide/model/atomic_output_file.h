#pragma once

// A file that appears at its path only when complete: bytes go to a temporary file in the same
// directory, and commit() fsyncs it, renames it over the target and fsyncs the directory. Until
// commit() succeeds the target path is untouched (an existing file there stays intact); if the
// object is destroyed uncommitted (an exception, a crash of the writer code), the temporary file
// is removed. A crash of the whole process can leave a "<name>.tmp.XXXXXX" file behind, never a
// partial target. A symbolic link at the path is replaced by the new file, not followed.
//
// This is the model module's own helper for now; the io module's open_output (write to tmp +
// rename) is meant to replace it, so the interface is kept to what that one offers.

#include <cstddef>
#include <cstdint>
#include <string>

namespace slide::model {

class AtomicOutputFile {
 public:
  // Creates the temporary file. Throws OutputCreateError (missing or read-only directory).
  explicit AtomicOutputFile(std::string path);
  ~AtomicOutputFile();
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  // Appends; throws IoError (disk full, device error).
  void write(const void* data, std::size_t size);
  // Writes at an absolute offset without moving the append position (to patch a header).
  void write_at(std::uint64_t offset, const void* data, std::size_t size);
  std::uint64_t position() const { return position_; }

  // fsync, rename into place, fsync the directory. Throws IoError; after a failure the temporary
  // file is removed and the target is as it was.
  void commit();
  // Removes the temporary file now (also done by the destructor when not committed).
  void discard() noexcept;

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  std::uint64_t position_ = 0;
  bool committed_ = false;
};

}  // namespace slide::model
