// libFuzzer target: the model loader -- the model file container (slide/model/model_file.h:
// header, section table, checksums, mmap and read access), its CONFIG parser, dump(), the engine's
// network, label-count and LSH sections (slide/nn/network_io.h), slide-xc's own loader
// (slide/xc/model.h: xc.* settings, then network and label counts) and, for checkpoints,
// the trainer state (Adam moments, counters).
//
// Input: byte 0 holds options, the rest is the file image.
//   bit 0: repair the checksums first (file_size, section CRCs, header CRC), so that mutations of
//          the table and payloads reach the parsers behind the CRCs. Seeds set it.
//   bit 1: Access::kRead instead of mmap; bit 2: Verify::kLazy.
//   bit 3: the rest is not an image but byte 1 = kind, then sections in build_model_image's form
//          (fuzz_util.h), from which a valid container is built: this reaches the CONFIG and
//          network parsers with any text and section sizes.
// Every outcome other than success or a slide::Error (FormatError, ...) is a finding, including
// std::bad_alloc: a small file must not make the loader allocate what its header claims.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz/fuzz_util.h"
#include "slide/core/error.h"
#include "slide/model/model_file.h"
#include "slide/nn/network_io.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/trainer.h"
#include "slide/xc/model.h"

namespace slide::fuzz {

int model_one_input(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const std::uint8_t flags = in.take();
  std::string image;
  if (flags & 8) {
    const std::uint8_t kind = in.take();
    image = build_model_image(kind, in.rest());
  } else {
    image = std::string(in.rest());
    if (flags & 1) repair_model_checksums(image);
  }
  const std::string& path = mem_file(1).write(image);
  try {
    model::ReadOptions options;
    options.access = (flags & 2) ? model::Access::kRead : model::Access::kMmap;
    options.verify = (flags & 4) ? model::Verify::kLazy : model::Verify::kEager;
    const model::ModelReader reader(path, options);
    SLIDE_FUZZ_CHECK(reader.file_size() == image.size());
    std::ostringstream dumped;
    model::dump(reader, dumped);
    for (const model::SectionInfo& s : reader.sections()) {
      SLIDE_FUZZ_CHECK(s.offset % model::kPayloadAlignment == 0);
      SLIDE_FUZZ_CHECK(s.offset <= image.size() && s.size <= image.size() - s.offset);
      (void)reader.section(s.tag);
    }
    const model::ModelConfig config = reader.config();
    if (config.has("lsh.family")) (void)nn::load_lsh_config(config);
    (void)nn::load_label_counts(reader);

    if (reader.kind() == model::kKindXc || reader.kind() == model::kKindCheckpoint) {
      // What `slide-xc predict` and `slide-xc train --resume` do.
      xc::Model loaded = xc::Model::load(path);
      if (reader.kind() == model::kKindCheckpoint) {
        nn::TrainerConfig tc;
        const std::string optimizer = config.get_string("train.optimizer", "sgd");
        tc.optimizer = optimizer == "lazy_adam"    ? nn::OptimizerKind::lazy_adam
                       : optimizer == "dense_adam" ? nn::OptimizerKind::dense_adam
                                                   : nn::OptimizerKind::sgd;
        tc.threads = 1;
        nn::Network& network = loaded.network();
        nn::ExactSelector selector(network.config().output_dim);
        nn::Trainer trainer(network, selector, tc);
        nn::load_trainer_state(reader, trainer);
      }
    } else {
      const nn::Network network = nn::load_network(reader);
      SLIDE_FUZZ_CHECK(network.config().input_dim > 0);
    }
  } catch (const ResourceError& e) {
    // A file of a few KB made the loader allocate what its header claims, instead of finding
    // that the sections do not hold it.
    note_error(e);
    SLIDE_FUZZ_CHECK(image.size() > (std::size_t{1} << 20));
  } catch (const slide::Error& e) {
    note_error(e);
  }
  return 0;
}

}  // namespace slide::fuzz

#ifndef SLIDE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return slide::fuzz::model_one_input(data, size);
}
#endif
