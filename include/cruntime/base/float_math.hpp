// log2, 10^x and ceil without libm, for the one place that needs them
// (cgroup::cpu_shares_to_weight).
//
// Why not <cmath>: std::log2 and std::pow were the only libm functions cruntime called, and
// linking libm.so for them mapped 328 KiB of its text into every command (bench/PROFILE.md; a
// static libm cannot be linked into a dynamic binary: its ifuncs need ld.so internals). These
// are computed in long double (64-bit mantissa) by short series and rounded once to double, so
// they agree with glibc's correctly rounded results; tests/base/float_math_test.cpp checks
// cpu_shares_to_weight against the libm formula for every input it takes.
#pragma once

#include <cstdint>

namespace cruntime::math {

// log2(n) for n >= 1, rounded to double.
double log2_of(uint64_t n);
// 10^x for 0 <= x <= 18, rounded to double.
double pow10_of(double x);
// ceil(x) for 0 <= x < 2^63. std::ceil is a libm call at -Os (GCC expands it inline only when
// optimising for speed, or with SSE4.1), and libm would be mapped into every command.
uint64_t ceil_to_u64(double x);

}  // namespace cruntime::math
