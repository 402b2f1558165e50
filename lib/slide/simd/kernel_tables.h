#pragma once

// The per-instruction-set tables, each defined in its own translation unit (kernels_<set>.cc)
// compiled with that set's flags. Only dispatch.cc calls these, and only for supported sets.

#include "slide/simd/kernels.h"

namespace slide::simd {

const Kernels& scalar_kernels();
const Kernels& avx2_kernels();
const Kernels& avx512_kernels();
const Kernels& avx512_bf16_kernels();
const Kernels& amx_kernels();

}  // namespace slide::simd
