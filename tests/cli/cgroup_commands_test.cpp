// The pure parts of ps, update and events: ps row filtering, update flags, Go durations.
#include <catch2/catch.hpp>

#include "../src/cli/commands.hpp"

namespace cli = cruntime::cli;
using Args = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

cli::ParsedArgs parse_update(const Args& args) {
  const cli::Command* command = cli::find_command("update");
  REQUIRE(command != nullptr);
  auto parsed = cli::parse_args("update", command->options, command->stop, args);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("ps: keeps the header and the rows of the container's pids", "[cli]") {
  const std::string output =
      "UID        PID  PPID  C STIME TTY          TIME CMD\n"
      "root         1     0  0 10:00 ?        00:00:01 /sbin/init\n"
      "root      4564     1  0 11:11 ?        00:00:00 sleep 999\n"
      "root      4567  4564  0 11:11 ?        00:00:00 sleep 1000\n";
  auto filtered = cli::filter_ps_output(output, {4564, 4567});
  REQUIRE(filtered);
  CHECK(*filtered ==
        "UID        PID  PPID  C STIME TTY          TIME CMD\n"
        "root      4564     1  0 11:11 ?        00:00:00 sleep 999\n"
        "root      4567  4564  0 11:11 ?        00:00:00 sleep 1000\n");
  auto none = cli::filter_ps_output(output, {});
  REQUIRE(none);
  CHECK(*none == "UID        PID  PPID  C STIME TTY          TIME CMD\n");
  auto no_pid = cli::filter_ps_output("COMMAND\nsleep\n", {1});
  REQUIRE_FALSE(no_pid);
  CHECK(no_pid.error().to_string() == "couldn't find PID field in ps output");
  CHECK_FALSE(cli::filter_ps_output("PID CMD\nabc sleep\n", {1}));
}

TEST_CASE("update: flags become LinuxResources, absent flags stay unset", "[cli]") {
  auto r = cli::resources_from_flags(parse_update(
      {"--memory", "512m", "--memory-swap", "-1", "--cpu-share", "512", "--cpu-quota", "-1",
       "--cpuset-cpus", "0-2", "--pids-limit", "100", "--blkio-weight", "300", "ctr"}));
  REQUIRE(r);
  CHECK(r->memory->limit == 512LL << 20);
  CHECK(r->memory->swap == -1);
  CHECK_FALSE(r->memory->reservation);
  CHECK(r->cpu->shares == 512u);
  CHECK(r->cpu->quota == -1);
  CHECK_FALSE(r->cpu->period);
  CHECK(r->cpu->cpus == "0-2");
  CHECK(r->pids->limit == 100);
  CHECK(r->block_io->weight == 300);
  auto empty = cli::resources_from_flags(parse_update({"ctr"}));
  REQUIRE(empty);
  CHECK(*empty == cruntime::spec::LinuxResources{});
}

TEST_CASE("update: bad flag values name the flag", "[cli]") {
  auto bad = cli::resources_from_flags(parse_update({"--memory", "lots", "ctr"}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() == "--memory: invalid value \"lots\": expected a size like 512m or -1");
  bad = cli::resources_from_flags(parse_update({"--cpu-period", "-5", "ctr"}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() == "--cpu-period: invalid value \"-5\": expected an integer");
  bad = cli::resources_from_flags(parse_update({"--blkio-weight", "70000", "ctr"}));
  REQUIRE_FALSE(bad);
  bad = cli::resources_from_flags(parse_update({"--mem-bw-schema", "MB:0=20", "ctr"}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() ==
        "--mem-bw-schema: cruntime applies Intel RDT at create only (linux.intelRdt); it cannot "
        "change a container's schemata");
}

TEST_CASE("events: Go durations", "[cli]") {
  CHECK(*cli::parse_go_duration("5s") == 5s);
  CHECK(*cli::parse_go_duration("250ms") == 250ms);
  CHECK(*cli::parse_go_duration("1m30s") == 90s);
  CHECK(*cli::parse_go_duration("1.5h") == 5400s);
  CHECK(*cli::parse_go_duration("10us") == 10us);
  CHECK(*cli::parse_go_duration("0") == 0ns);
  CHECK(*cli::parse_go_duration("-2s") == -2s);
  // Fractions of a nanosecond round half away from zero, as llround (and Go) does.
  CHECK(*cli::parse_go_duration("1.5ns") == 2ns);
  CHECK(*cli::parse_go_duration("2.5ns") == 3ns);
  CHECK(*cli::parse_go_duration("0.49ns") == 0ns);
  CHECK(*cli::parse_go_duration("-1.5ns") == -2ns);
  CHECK(*cli::parse_go_duration("0.0000015ms") == 2ns);
  CHECK_FALSE(cli::parse_go_duration(""));
  CHECK_FALSE(cli::parse_go_duration("5"));
  CHECK_FALSE(cli::parse_go_duration("5x"));
  CHECK_FALSE(cli::parse_go_duration("s"));
  CHECK_FALSE(cli::parse_go_duration("soon"));
}
