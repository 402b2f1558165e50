#include "slide/xc/checkpoint_rotation.h"

#include <filesystem>
#include <system_error>
#include <utility>

namespace slide::xc {

CheckpointRotation::CheckpointRotation(std::string path, bool exists, std::uint64_t step)
    : path_(std::move(path)), previous_path_(path_ + ".prev"), exists_(exists), step_(step) {}

void CheckpointRotation::keep_previous() {
  if (!exists_) return;
  const std::string temporary = previous_path_ + ".tmp";
  std::error_code ec;
  std::filesystem::remove(temporary, ec);
  std::filesystem::create_hard_link(path_, temporary, ec);
  if (!ec) std::filesystem::rename(temporary, previous_path_, ec);
  if (ec) std::filesystem::remove(previous_path_, ec);  // no stale .prev: it must be older
}

void CheckpointRotation::write(const std::function<void(model::ModelWriter&)>& fill,
                               std::uint64_t step) {
  model::ModelWriter writer(path_, model::kKindCheckpoint);
  fill(writer);
  keep_previous();
  writer.commit();
  exists_ = true;
  step_ = step;
}

std::string CheckpointRotation::divergence_message(const std::string& what, std::uint64_t step) {
  std::string note;
  if (exists_ && step_ == step) {
    std::error_code ec;
    std::filesystem::rename(path_, path_ + ".diverged", ec);
    if (!ec && std::filesystem::exists(previous_path_)) {
      std::filesystem::rename(previous_path_, path_, ec);
      note = " (the checkpoint after batch " + std::to_string(step_) +
             " leads to the divergence: kept as " + path_ + ".diverged)";
    }
    exists_ = !ec && std::filesystem::exists(path_);
  }
  return what + "; " +
         (exists_ ? "the last good checkpoint is " + path_ + note +
                        " (resume from it with a lower --learning-rate)"
                  : std::string("no good checkpoint was written"));
}

void CheckpointRotation::remove() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  std::filesystem::remove(previous_path_, ignored);
}

}  // namespace slide::xc
