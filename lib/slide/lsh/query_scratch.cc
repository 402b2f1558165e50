#include "slide/lsh/query_scratch.h"

#include <algorithm>

namespace slide::lsh {

void QueryScratch::reserve(std::size_t n_items) {
  clear();
  if (hits_.size() < n_items) {
    hits_.assign(n_items, 0);
    chosen.assign(n_items, 0);
    // Enough for a typical query; a larger one grows the list once.
    touched_.reserve(std::min<std::size_t>(n_items, 1 << 16));
  }
}

}  // namespace slide::lsh
