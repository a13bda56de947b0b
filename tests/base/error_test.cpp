// Unit tests for Error: context chains, errno formatting and the wire form.
#include <cerrno>

#include <catch2/catch.hpp>

#include "cruntime/base/error.hpp"

using cruntime::Error;
using cruntime::Result;

namespace {
Result<int> fails_with_eperm() { return cruntime::fail(Error::sys(EPERM, "mount proc on /proc")); }
Result<int> wraps() {
  int v = CR_TRY_CTX(fails_with_eperm(), "create {}", "ctr");
  return v + 1;
}
}  // namespace

TEST_CASE("Error::to_string joins frames outermost first and names the errno", "[base]") {
  auto r = wraps();
  REQUIRE_FALSE(r);
  CHECK(r.error().to_string() == "create ctr: mount proc on /proc: Operation not permitted (EPERM)");
  CHECK(r.error().code() == EPERM);
}

TEST_CASE("Error::msg has no errno suffix", "[base]") {
  CHECK(Error::msg("bad").to_string() == "bad");
  CHECK(Error::msg("bad").code() == 0);
}

TEST_CASE("Error wire form round-trips, flattening newlines", "[base]") {
  Error e = Error::sys(ENOENT, "open x\ny").with_context("outer");
  Error back = Error::from_wire(e.to_wire());
  CHECK(back.code() == ENOENT);
  CHECK(back.to_string() == "outer: open x y: No such file or directory (ENOENT)");
}
