#pragma once

// What the CPU offers and the operating system has enabled: an instruction set counts only when
// CPUID reports it AND the OS saves its register state (XCR0), as simdjson checks.

namespace slide::simd {

struct CpuFeatures {
  bool avx2 = false;         // with FMA and F16C, OS saves YMM state
  bool avx512 = false;       // F, BW, DQ, VL, OS saves ZMM and opmask state
  bool avx512_bf16 = false;  // AVX512_BF16 (vdpbf16ps, vcvtne2ps2bf16)
  bool amx_bf16 = false;     // AMX-TILE and AMX-BF16, OS saves tile state
};

// Read once and cached.
const CpuFeatures& cpu_features();

// Linux keeps the AMX tile data off until a process asks with
// arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA). Returns whether permission is held
// (asking once; later calls return the first answer). False where AMX is absent or refused.
bool request_amx_permission();

}  // namespace slide::simd
