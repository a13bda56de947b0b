// Unit tests for signal-name parsing (`cruntime kill ID SIGNAL`).
#include <csignal>

#include <catch2/catch.hpp>

#include "cruntime/sys/signals.hpp"

using cruntime::sys::parse_signal;

TEST_CASE("parse_signal accepts names with or without SIG, any case, and numbers", "[sys]") {
  CHECK(parse_signal("KILL") == SIGKILL);
  CHECK(parse_signal("SIGKILL") == SIGKILL);
  CHECK(parse_signal("sigterm") == SIGTERM);
  CHECK(parse_signal("term") == SIGTERM);
  CHECK(parse_signal("9") == 9);
  CHECK(parse_signal("15") == SIGTERM);
  CHECK(parse_signal("0") == 0);  // the existence probe
  CHECK(parse_signal("HUP") == SIGHUP);
  CHECK(parse_signal("SIGCHLD") == SIGCHLD);
  CHECK(parse_signal("RTMIN") == SIGRTMIN);
  CHECK(parse_signal("SIGRTMIN+2") == SIGRTMIN + 2);
  CHECK(parse_signal("RTMAX-1") == SIGRTMAX - 1);
}

TEST_CASE("parse_signal rejects unknown names and out-of-range numbers", "[sys]") {
  CHECK_FALSE(parse_signal(""));
  CHECK_FALSE(parse_signal("FOO"));
  CHECK_FALSE(parse_signal("SIG"));
  CHECK_FALSE(parse_signal("-9"));
  CHECK_FALSE(parse_signal("65"));
  CHECK_FALSE(parse_signal("9x"));
  CHECK_FALSE(parse_signal("RTMIN+99"));
}

TEST_CASE("signal_name gives the SIG-prefixed name", "[sys]") {
  CHECK(cruntime::sys::signal_name(SIGKILL) == "SIGKILL");
  CHECK(cruntime::sys::signal_name(SIGRTMIN + 1) == "SIGRTMIN+1");
}
