#pragma once

// The files of a run's checkpoint. A checkpoint holds finite weights, but only the next batch
// shows whether they still give a finite loss; one that does not would diverge again on resume,
// whatever the learning rate. So each write first keeps the checkpoint it replaces as CKPT.prev
// (a hard link: CKPT itself is never missing), and when the newest checkpoint's state is the one
// that diverged, it is set aside as CKPT.diverged, CKPT.prev is put back in its place, and that
// one is named instead.

#include <cstdint>
#include <functional>
#include <string>

#include "slide/model/model_file.h"

namespace slide::xc {

class CheckpointRotation {
 public:
  // exists: whether `path` holds this run's checkpoint taken at `step` (a resumed run's).
  CheckpointRotation(std::string path, bool exists, std::uint64_t step);

  // A checkpoint of kind kKindCheckpoint at `path`, taken at `step`: `fill` adds its parts to
  // the writer, which is committed after the previous checkpoint is kept as .prev.
  void write(const std::function<void(model::ModelWriter&)>& fill, std::uint64_t step);

  // `what` (a divergence found after batch `step`) with where the last good checkpoint is, after
  // setting aside a checkpoint that leads to the divergence.
  std::string divergence_message(const std::string& what, std::uint64_t step);

  // The model supersedes the checkpoints: CKPT and CKPT.prev go.
  void remove();

  const std::string& path() const { return path_; }

 private:
  void keep_previous();

  std::string path_;
  std::string previous_path_;
  bool exists_;
  std::uint64_t step_;
};

}  // namespace slide::xc
