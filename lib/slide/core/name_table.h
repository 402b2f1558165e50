#pragma once

// The names of an enumeration of options, both ways, with one form of refusal for a name that is
// not one of them: "unknown output mode 'dense' (expected auto, exact, lsh or uniform)".

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "slide/core/error.h"

namespace slide {

template <class Enum, std::size_t N>
struct NameTable {
  const char* what;  // "output mode"
  std::array<std::pair<Enum, const char*>, N> names;

  const char* name(Enum value) const {
    for (const auto& [v, n] : names)
      if (v == value) return n;
    return "?";
  }

  // UsageError for another name.
  Enum parse(std::string_view text) const {
    for (const auto& [v, n] : names)
      if (text == n) return v;
    std::string expected;
    for (std::size_t i = 0; i < N; ++i) {
      expected += i == 0 ? "" : i + 1 == N ? " or " : ", ";
      expected += names[i].second;
    }
    throw UsageError("unknown " + std::string(what) + " '" + std::string(text) + "' (expected " +
                     expected + ")");
  }
};

}  // namespace slide
