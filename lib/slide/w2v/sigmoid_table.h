#pragma once

// word2vec's sigmoid table: sigmoid(x) for x in [-6, 6) at 1000 points. The output layers that
// use a logistic loss (negative sampling, hierarchical softmax) read it instead of calling exp:
// one load per score, and the same values as word2vec.c, which keeps the vectors comparable.

#include <cmath>

namespace slide::w2v {

inline constexpr int kExpTableSize = 1000;
// Scores beyond +-kMaxExp saturate: the losses treat them as certain (or skip them).
inline constexpr float kMaxExp = 6.0f;

struct SigmoidTable {
  float values[kExpTableSize + 1];  // + 1: f == 6 exactly indexes 1000, as in word2vec.c
  SigmoidTable() {
    for (int i = 0; i <= kExpTableSize; ++i) {
      const double e = std::exp((i / double(kExpTableSize) * 2 - 1) * kMaxExp);
      values[i] = static_cast<float>(e / (e + 1));
    }
  }
  // f must be in [-kMaxExp, kMaxExp].
  float operator()(float f) const {
    return values[static_cast<int>((f + kMaxExp) * (kExpTableSize / kMaxExp / 2))];
  }
};

}  // namespace slide::w2v
