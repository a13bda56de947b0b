// log2_of / pow10_of / ceil_to_u64 against libm, and cpu_shares_to_weight against the libm
// formula (runc's) for every share value it computes: the libm-free versions must give the same
// weights bit for bit.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "cruntime/base/float_math.hpp"
#include "cruntime/cgroup/resources.hpp"

namespace cruntime {
namespace {

// At most one unit in the last place apart (libm's log2 and pow are not always correctly rounded).
bool within_one_ulp(double a, double b) {
  return a == b || std::nextafter(a, b) == b;
}

uint64_t weight_with_libm(uint64_t shares) {
  const double l = std::log2(static_cast<double>(shares));
  const double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return static_cast<uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

TEST_CASE("log2_of agrees with libm's log2", "[base]") {
  uint64_t exact = 0;
  uint64_t checked = 0;
  for (uint64_t n = 1; n <= (1U << 20); ++n) {
    const double want = std::log2(static_cast<double>(n));
    const double got = math::log2_of(n);
    if (!within_one_ulp(got, want)) FAIL("log2_of(" << n << ") = " << got << ", libm " << want);
    exact += got == want;
    ++checked;
  }
  for (int k = 0; k < 64; ++k) CHECK(math::log2_of(uint64_t{1} << k) == k);
  // Almost always the same double; the rest one ulp apart.
  CHECK(exact * 1000 >= checked * 999);
}

TEST_CASE("pow10_of agrees with libm's pow(10, x)", "[base]") {
  for (int i = 0; i <= 18; ++i) CHECK(math::pow10_of(i) == std::pow(10.0, i));
  for (double x = 0; x <= 18; x += 0.000731) {
    const double want = std::pow(10.0, x);
    const double got = math::pow10_of(x);
    if (!within_one_ulp(got, want)) FAIL("pow10_of(" << x << ") = " << got << ", libm " << want);
  }
}

TEST_CASE("ceil_to_u64 agrees with libm's ceil", "[base]") {
  for (double x : {0.0, 0.25, 1.0, 1.5, 2.0 - 1e-15, 1e-300, 99.99999, 4503599627370495.5,
                   4503599627370496.0, 9007199254740993.0, 9.2e18}) {
    CHECK(math::ceil_to_u64(x) == static_cast<uint64_t>(std::ceil(x)));
  }
  for (double x = 0; x < 20000; x += 0.37) {
    const auto want = static_cast<uint64_t>(std::ceil(x));
    if (math::ceil_to_u64(x) != want) FAIL("ceil_to_u64(" << x << ") != " << want);
  }
}

TEST_CASE("cpu_shares_to_weight equals the libm formula for every share value", "[base]") {
  for (uint64_t shares = 3; shares < 262144; ++shares) {
    const uint64_t want = weight_with_libm(shares);
    if (cgroup::cpu_shares_to_weight(shares) != want) {
      FAIL("shares " << shares << ": " << cgroup::cpu_shares_to_weight(shares) << ", libm " << want);
    }
  }
}

}  // namespace
}  // namespace cruntime
