// Unit tests for the `events` JSON lines: text the kernel wrote must not make the printer throw.
#include "cruntime/container/events_json.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "cruntime/cgroup/stats.hpp"

namespace cruntime::container {
namespace {

// Found by tests/fuzz/procfs_fuzz (corpus/procfs/regress-memory-stat-utf8): memory.stat keys
// are copied from the file, and nlohmann's dump() threw on invalid UTF-8 (std::terminate).
TEST_CASE("stats_event_json: invalid UTF-8 in memory.stat keys becomes U+FFFD", "[container]") {
  cgroup::Stats stats;
  stats.memory.raw["anon\xff"] = 4096;
  stats.memory.raw["file"] = 8192;
  const std::string line = stats_event_json("ct", stats);
  CHECK(line.starts_with(R"({"type":"stats","id":"ct","data":{)"));
  CHECK(line.find("\"anon\xef\xbf\xbd\":4096") != std::string::npos);
  CHECK(line.find(R"("file":8192)") != std::string::npos);
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("oom_event_json: one compact object", "[container]") {
  CHECK(oom_event_json("ct") == R"({"type":"oom","id":"ct"})");
}

}  // namespace
}  // namespace cruntime::container
