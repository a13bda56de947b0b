// The parsers behind `events`: flat keyed files, PSI, io.stat, v1 blkio, cpu lists; and the stats
// of a v2 cgroup read from a fake tree.
#include <catch2/catch.hpp>

#include "cgroup/fake_cgroupfs.hpp"
#include "cruntime/cgroup/stats.hpp"

namespace cruntime::cgroup {
namespace {

TEST_CASE("stats: flat keyed files skip what is not 'key number'", "[cgroup]") {
  const auto parsed = parse_flat_keyed("usage_usec 120\nuser_usec 100\nbogus\nx y\n\nnr_periods 3\n");
  CHECK(parsed == std::map<std::string, uint64_t>{{"usage_usec", 120}, {"user_usec", 100}, {"nr_periods", 3}});
}

TEST_CASE("stats: PSI lines", "[cgroup]") {
  const Psi psi = parse_psi(
      "some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\n"
      "full avg10=0.10 avg60=0.00 avg300=0.00 total=99\n");
  CHECK(psi.some.avg10 == Approx(1.5));
  CHECK(psi.some.avg60 == Approx(0.25));
  CHECK(psi.some.total == 12345);
  CHECK(psi.full.avg10 == Approx(0.1));
  CHECK(psi.full.total == 99);
}

TEST_CASE("stats: io.stat becomes service bytes and serviced counts per device", "[cgroup]") {
  BlkioStats blkio;
  parse_io_stat("8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=1 wbytes=0 rios=0 wios=0\n", blkio);
  REQUIRE(blkio.service_bytes.size() == 4);
  CHECK(blkio.service_bytes[0] == BlkioEntry{8, 0, "Read", 4096});
  CHECK(blkio.service_bytes[1] == BlkioEntry{8, 0, "Write", 8192});
  CHECK(blkio.service_bytes[2] == BlkioEntry{253, 1, "Read", 1});
  REQUIRE(blkio.serviced.size() == 4);
  CHECK(blkio.serviced[1] == BlkioEntry{8, 0, "Write", 2});
}

TEST_CASE("stats: v1 blkio recursive files, without the device-less Total line", "[cgroup]") {
  const auto entries = parse_blkio_v1("8:0 Read 10\n8:0 Write 20\n8:0 Total 30\nTotal 30\n");
  REQUIRE(entries.size() == 3);
  CHECK(entries[0] == BlkioEntry{8, 0, "Read", 10});
  CHECK(entries[2] == BlkioEntry{8, 0, "Total", 30});
  CHECK(parse_blkio_v1("Total 0\n").empty());
  CHECK(parse_blkio_v1("8:0 1234\n") == std::vector<BlkioEntry>{{8, 0, "", 1234}});
}

TEST_CASE("stats: cpu lists and v2 limits", "[cgroup]") {
  CHECK(parse_cpu_list("0-3,8\n") == std::vector<uint16_t>{0, 1, 2, 3, 8});
  CHECK(parse_cpu_list("5") == std::vector<uint16_t>{5});
  CHECK(parse_cpu_list("").empty());
  CHECK(parse_cpu_list("3-1").empty());
  CHECK(parse_cpu_list("a-b").empty());
  CHECK(parse_v2_limit("max\n") == kUnlimited);
  CHECK(parse_v2_limit("1048576") == 1048576u);
  CHECK_FALSE(parse_v2_limit("lots"));
}

TEST_CASE("stats: a v2 cgroup's files become runc's stats", "[cgroup]") {
  test::FakeCgroupfs fake;
  const std::string dir = fake.add_hierarchy(
      "ct", {{"cpu.stat", "usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 10\nnr_throttled 2\nthrottled_usec 7\n"},
             {"memory.current", "4096\n"},
             {"memory.max", "8192\n"},
             {"memory.swap.current", "100\n"},
             {"memory.swap.max", "max\n"},
             {"memory.stat", "anon 1000\nfile 3000\n"},
             {"memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n"},
             {"pids.current", "3\n"},
             {"pids.max", "max\n"},
             {"cpuset.cpus.effective", "0-1\n"},
             {"io.stat", "8:0 rbytes=1 wbytes=2 rios=3 wios=4\n"},
             {"hugetlb.2MB.current", "0\n"},
             {"hugetlb.2MB.max", "max\n"},
             {"hugetlb.2MB.events", "max 5\n"},
             {"hugetlb.2MB.rsvd.current", "0\n"}});
  auto stats = read_stats_v2(dir);
  REQUIRE(stats);
  CHECK(stats->cpu.total == 2000000);
  CHECK(stats->cpu.user == 1500000);
  CHECK(stats->cpu.kernel == 500000);
  CHECK(stats->cpu.periods == 10);
  CHECK(stats->cpu.throttled_periods == 2);
  CHECK(stats->cpu.throttled_time == 7000);
  CHECK(stats->memory.usage.usage == 4096);
  CHECK(stats->memory.usage.limit == 8192);
  CHECK(stats->memory.usage.failcnt == 4);
  CHECK(stats->memory.cache == 3000);
  CHECK(stats->memory.swap.usage == 4196);  // swap + memory, as v1 reported it
  CHECK(stats->memory.swap.limit == kUnlimited);
  CHECK(stats->memory.events.oom_kill == 1);
  CHECK(stats->pids.current == 3);
  CHECK(stats->pids.limit == 0);
  CHECK(stats->cpuset.cpus == std::vector<uint16_t>{0, 1});
  CHECK(stats->blkio.service_bytes.size() == 2);
  REQUIRE(stats->hugetlb.size() == 1);
  CHECK(stats->hugetlb.at("2MB").failcnt == 5);
  CHECK(stats->hugetlb.at("2MB").max == kUnlimited);
  CHECK_FALSE(read_stats_v2(fake.path("gone")));
}

}  // namespace
}  // namespace cruntime::cgroup
