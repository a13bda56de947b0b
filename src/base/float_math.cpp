// log2_of and pow10_of (float_math.hpp): argument reduction to a small interval, then a series
// that converges far below the double rounding error, all in long double. ceil_to_u64: the
// truncation the integer conversion does, plus one when something was cut off.
#include "cruntime/base/float_math.hpp"

#include <bit>

namespace cruntime::math {
namespace {

constexpr long double kLn2 = 0.693147180559945309417232121458176568L;
constexpr long double kLog2Of10 = 3.321928094887362347870319429489390175L;
constexpr long double kSqrt2 = 1.414213562373095048801688724209698079L;

// ln(m) for m in [sqrt(1/2), sqrt(2)]: 2·atanh(t), t = (m-1)/(m+1), |t| < 0.172; the terms
// shrink by t² ≈ 0.03 each, so 16 reach 1e-25, below long double's 5e-20 epsilon.
long double ln_near_one(long double m) {
  const long double t = (m - 1) / (m + 1);
  const long double t2 = t * t;
  long double power = t;
  long double sum = 0;
  for (int i = 0; i < 16; ++i) {
    sum += power / (2 * i + 1);
    power *= t2;
  }
  return 2 * sum;
}

// e^x for 0 <= x < ln 2: the Taylor series; x^25/25! < 1e-26.
long double exp_small(long double x) {
  long double term = 1;
  long double sum = 1;
  for (int i = 1; i < 26; ++i) {
    term *= x / i;
    sum += term;
  }
  return sum;
}

}  // namespace

double log2_of(uint64_t n) {
  // n = m·2^k with m in [1, 2), moved to [sqrt(1/2), sqrt(2)) for a small series argument.
  int k = static_cast<int>(std::bit_width(n)) - 1;
  long double m = static_cast<long double>(n) / static_cast<long double>(uint64_t{1} << k);
  if (m > kSqrt2) {
    m /= 2;
    ++k;
  }
  return static_cast<double>(k + ln_near_one(m) / kLn2);
}

double pow10_of(double x) {
  // 10^x = 2^y, y = x·log2(10) = n + f with f in [0, 1): 2^n exactly, 2^f = e^(f·ln 2).
  const long double y = x * kLog2Of10;
  const auto n = static_cast<int>(y);
  const long double f = y - n;
  return static_cast<double>(static_cast<long double>(uint64_t{1} << n) * exp_small(f * kLn2));
}

uint64_t ceil_to_u64(double x) {
  const auto whole = static_cast<uint64_t>(x);  // truncates toward zero
  return static_cast<double>(whole) < x ? whole + 1 : whole;
}

}  // namespace cruntime::math
