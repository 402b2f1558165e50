#include "slide/w2v/softmax.h"

#include <algorithm>
#include <cmath>

#include "slide/w2v/weight_rows.h"

namespace slide::w2v {

namespace {

lsh::LshConfig table_config(const TrainerOptions& o) {
  lsh::LshConfig config;
  config.family = lsh::HashFamily::simhash;
  config.projection = lsh::SimHashProjection::gaussian;
  config.k = static_cast<std::uint32_t>(o.lsh_bits);
  config.l = static_cast<std::uint32_t>(o.lsh_tables);
  config.capacity = 128;
  // FIFO would keep the highest ids of a full bucket: always the rarest words.
  config.replacement = lsh::Replacement::reservoir;
  config.seed = mix_seed(o.seed, {0x15A0u});
  config.validate(o.dim);
  return config;
}

lsh::ActiveSetConfig active_config(const TrainerOptions& o, std::size_t vocabulary_size) {
  lsh::ActiveSetConfig active;
  active.policy = lsh::ActivePolicy::budget;
  active.beta = static_cast<std::uint32_t>(std::min<std::size_t>(o.lsh_active, vocabulary_size));
  return active;
}

}  // namespace

ExactSoftmax::ExactSoftmax(const text::Vocabulary& vocabulary, const TrainerOptions& options,
                           const simd::Kernels& kernels)
    : k_(kernels),
      vsize_(vocabulary.size()),
      dim_(options.dim),
      stride_(row_stride(options.dim)),
      rows_(zero_rows(vocabulary.size(), options.dim)) {}

LshSoftmax::LshSoftmax(const text::Vocabulary& vocabulary, const TrainerOptions& options,
                       const simd::Kernels& kernels)
    : k_(kernels),
      vsize_(vocabulary.size()),
      dim_(options.dim),
      stride_(row_stride(options.dim)),
      seed_(options.seed),
      negatives_(options.lsh_negatives),
      correction_(options.lsh_correction),
      rebuild_words_(options.lsh_rebuild_words),
      tables_count_(options.lsh_tables),
      active_size_(options.lsh_active),
      // Random like the input vectors, from their own stream: zero rows would all hash to one
      // bucket, whose capacity keeps the same few ids, and those would be every step's only
      // negatives until the first rebuild.
      rows_(random_rows(vocabulary.size(), options.dim, options.seed, 0x5EED0002u)),
      config_(table_config(options)),
      selector_(active_config(options, vocabulary.size()), vocabulary.size()) {
  if (negatives_ > 0) {
    sampler_ = std::make_unique<text::UnigramSampler>(vocabulary.counts(), 0.75);
    log_expected_.resize(vsize_);
    double z = 0;
    for (std::size_t j = 0; j < vsize_; ++j) z += std::pow(double(vocabulary.count(j)), 0.75);
    for (std::size_t j = 0; j < vsize_; ++j) {
      const double q = std::pow(double(vocabulary.count(j)), 0.75) / z;
      log_expected_[j] = static_cast<float>(std::log(std::max(q * double(negatives_), 1e-30)));
    }
  }
  rebuild_tables();
}

void LshSoftmax::prepare(StepScratch& s) const {
  s.query.reserve(vsize_);
  s.query.keys.assign(tables_count_, 0);
  s.logits.reserve(active_size_ + negatives_ + 8);
  s.active.reserve(active_size_ + negatives_ + 8);
}

void LshSoftmax::after_block_read(std::uint64_t words_read, std::uint64_t block_index) {
  if (words_read - last_rebuild_ < rebuild_words_) return;
  last_rebuild_ = words_read;
  generation_ = block_index;
  rebuild_tables();
}

void LshSoftmax::resume_schedule(std::uint64_t last_rebuild, std::uint64_t generation) {
  last_rebuild_ = last_rebuild;
  generation_ = generation;
  rebuild_tables();
}

void LshSoftmax::rebuild_tables() {
  auto tables = std::make_shared<lsh::LshTables>(config_, dim_);
  tables->rebuild(rows_.data(), stride_, vsize_, dim_, mix_seed(seed_, {0x15A1u, generation_}));
  std::atomic_store(&tables_, std::shared_ptr<const lsh::LshTables>(std::move(tables)));
}

}  // namespace slide::w2v
