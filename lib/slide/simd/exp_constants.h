#pragma once

// The exp shared (as an algorithm, not as code) by every kernel set: x = n ln2 + r with
// |r| <= ln2/2 (Cody-Waite: ln2 split so that n * kLn2Hi is exact), exp(r) = 1 + r + r^2 P(r) with
// the degree-5 minimax P of Cephes expf, and 2^n added to the exponent bits. Inputs are clamped
// first so that the result is always a normal float; the ends are patched afterwards. Every set
// takes the constants from here, so that they cannot drift apart. Constants only (no code): the
// header is as safe in the instruction-set TUs as in the scalar one.

namespace slide::simd {

constexpr float kExpHi = 88.7f;   // above: +inf
constexpr float kExpLo = -87.3f;  // below: 0 (exp(-87.3) is still a normal float)
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
// P's coefficients, highest degree first, for Horner's scheme.
constexpr float kExpPoly[] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                              4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
constexpr int kExpPolyTerms = sizeof kExpPoly / sizeof kExpPoly[0];

}  // namespace slide::simd
