// translate_v1 / translate_v2: every resource → the exact files, values and order; conversions.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/cgroup/resources.hpp"
#include "cruntime/cgroup/resources_v1.hpp"
#include "cruntime/cgroup/resources_v2.hpp"

namespace cruntime::cgroup {
namespace {

using Lines = std::vector<std::string>;

// "controller file=value" for the writes of one controller (all when controller is empty).
Lines lines(const ResourcePlan& plan, const std::string& controller = "") {
  Lines out;
  for (const FileWrite& w : plan.writes) {
    if (controller.empty() || w.controller == controller) {
      out.push_back(w.controller + " " + w.file + "=" + w.value);
    }
  }
  return out;
}

const FileWrite& only_write(const ResourcePlan& plan, const std::string& file) {
  const FileWrite* found = nullptr;
  for (const FileWrite& w : plan.writes) {
    if (w.file == file) {
      REQUIRE(found == nullptr);
      found = &w;
    }
  }
  REQUIRE(found != nullptr);
  return *found;
}

ResourcePlan v1(const spec::LinuxResources& r) {
  auto plan = translate_v1(r);
  REQUIRE(plan);
  return *plan;
}

ResourcePlan v2(const spec::LinuxResources& r) {
  auto plan = translate_v2(r);
  REQUIRE(plan);
  return *plan;
}

std::string v1_error(const spec::LinuxResources& r) {
  auto plan = translate_v1(r);
  REQUIRE_FALSE(plan);
  return plan.error().to_string();
}

std::string v2_error(const spec::LinuxResources& r) {
  auto plan = translate_v2(r);
  REQUIRE_FALSE(plan);
  return plan.error().to_string();
}

spec::LinuxResources memory(std::optional<int64_t> limit, std::optional<int64_t> swap) {
  spec::LinuxResources r;
  r.memory.emplace();
  r.memory->limit = limit;
  r.memory->swap = swap;
  return r;
}

}  // namespace

TEST_CASE("cpu_shares_to_weight follows runc's log-quadratic map", "[cgroup]") {
  CHECK(cpu_shares_to_weight(0) == 0);
  CHECK(cpu_shares_to_weight(1) == 1);
  CHECK(cpu_shares_to_weight(2) == 1);
  CHECK(cpu_shares_to_weight(3) == 2);
  CHECK(cpu_shares_to_weight(512) == 59);
  CHECK(cpu_shares_to_weight(1024) == 100);
  CHECK(cpu_shares_to_weight(2048) == 174);
  CHECK(cpu_shares_to_weight(262144) == 10000);
  CHECK(cpu_shares_to_weight(1000000) == 10000);
}

TEST_CASE("blkio_weight_to_io_weight maps 10-1000 linearly onto 1-10000", "[cgroup]") {
  CHECK(blkio_weight_to_io_weight(0) == 0);
  CHECK(blkio_weight_to_io_weight(10) == 1);
  CHECK(blkio_weight_to_io_weight(500) == 4950);
  CHECK(blkio_weight_to_io_weight(1000) == 10000);
  CHECK(blkio_weight_to_io_weight(5) == 1);  // out of range: clamped, never wrapped
  CHECK(blkio_weight_to_io_weight(5000) == 10000);
}

TEST_CASE("memory_swap_to_v2 turns memory+swap into swap alone", "[cgroup]") {
  CHECK(*memory_swap_to_v2(0, 0) == 0);
  CHECK(*memory_swap_to_v2(0, -1) == -1);  // unlimited memory lifts swap too
  CHECK(*memory_swap_to_v2(-1, 100) == -1);
  CHECK(*memory_swap_to_v2(0, 100) == 0);
  CHECK(*memory_swap_to_v2(300, -1) == 300);
  CHECK(*memory_swap_to_v2(300, 100) == 200);
  CHECK(*memory_swap_to_v2(100, 100) == 0);
  CHECK_FALSE(memory_swap_to_v2(300, 0));   // swap without a limit
  CHECK_FALSE(memory_swap_to_v2(50, 100));  // below the limit
}

TEST_CASE("valid_hugepage_size accepts the kernel's hugetlb names only", "[cgroup]") {
  for (const char* good : {"2MB", "1GB", "64KB", "512MB", "16GB"}) CHECK(valid_hugepage_size(good));
  for (const char* bad : {"", "MB", "2M", "2mb", "02MB", "2 MB", "2XB", "../2MB", "2MB/"}) {
    CHECK_FALSE(valid_hugepage_size(bad));
  }
}

TEST_CASE("v1_device_rule spells wildcards and defaults like the devices cgroup", "[cgroup]") {
  CHECK(v1_device_rule({true, "c", 1, 3, "rwm"}) == "c 1:3 rwm");
  CHECK(v1_device_rule({false, std::nullopt, std::nullopt, std::nullopt, std::nullopt}) ==
        "a *:* rwm");
  CHECK(v1_device_rule({true, "b", 8, -1, "r"}) == "b 8:* r");
  CHECK(v1_device_rule({true, "c", 136, std::nullopt, "rw"}) == "c 136:* rw");
}

TEST_CASE("translate_v1: devices deny all, then the config's rules, then the defaults",
          "[cgroup]") {
  spec::LinuxResources r;
  r.devices = {{false, std::nullopt, std::nullopt, std::nullopt, "rwm"},
               {true, "c", 10, 229, "rwm"},
               {false, "c", 1, 3, "w"}};
  const Lines got = lines(v1(r), "devices");
  const Lines want = {"devices devices.deny=a",
                      "devices devices.deny=a *:* rwm",
                      "devices devices.allow=c 10:229 rwm",
                      "devices devices.deny=c 1:3 w",
                      "devices devices.allow=c *:* m",
                      "devices devices.allow=b *:* m",
                      "devices devices.allow=c 1:3 rwm",
                      "devices devices.allow=c 1:8 rwm",
                      "devices devices.allow=c 1:7 rwm",
                      "devices devices.allow=c 5:0 rwm",
                      "devices devices.allow=c 1:5 rwm",
                      "devices devices.allow=c 1:9 rwm",
                      "devices devices.allow=c 136:* rwm",
                      "devices devices.allow=c 5:2 rwm",
                      "devices devices.allow=c 10:200 rwm"};
  CHECK(got == want);
  CHECK(v1(r).writes[2].field == "linux.resources.devices[1]");

  SECTION("without rules the container still gets deny-all plus the defaults") {
    const Lines none = lines(v1(spec::LinuxResources{}), "devices");
    REQUIRE(none.size() == 12);
    CHECK(none.front() == "devices devices.deny=a");
  }
  SECTION("an empty access is an error naming the rule") {
    r.devices->push_back({true, "c", 1, 1, ""});
    CHECK_THAT(v1_error(r), Catch::Contains("linux.resources.devices[3].access"));
  }
}

TEST_CASE("translate_v1: memory limit, swap, reservation, swappiness, OOM killer", "[cgroup]") {
  spec::LinuxResources r = memory(1 << 30, 2LL << 30);
  r.memory->reservation = 512 << 20;
  r.memory->swappiness = 60;
  r.memory->disable_oom_killer = true;
  r.memory->kernel = 1 << 20;
  const ResourcePlan plan = v1(r);
  CHECK(lines(plan, "memory") == Lines{"memory memory.limit_in_bytes=1073741824",
                                       "memory memory.memsw.limit_in_bytes=2147483648",
                                       "memory memory.soft_limit_in_bytes=536870912",
                                       "memory memory.oom_control=1",
                                       "memory memory.swappiness=60"});
  CHECK(only_write(plan, "memory.memsw.limit_in_bytes").field == "linux.resources.memory.swap");
  REQUIRE(plan.warnings.size() == 1);
  CHECK_THAT(plan.warnings[0], Catch::Contains("memory.kernel"));

  SECTION("an unlimited memsw goes before the limit and is optional") {
    const ResourcePlan unlimited = v1(memory(1 << 30, -1));
    CHECK(lines(unlimited, "memory") == Lines{"memory memory.memsw.limit_in_bytes=-1",
                                              "memory memory.limit_in_bytes=1073741824"});
    CHECK(only_write(unlimited, "memory.memsw.limit_in_bytes").if_missing == IfMissing::kSkip);
  }
  SECTION("limit -1 without swap lifts memsw too") {
    CHECK(lines(v1(memory(-1, std::nullopt)), "memory") ==
          Lines{"memory memory.memsw.limit_in_bytes=-1", "memory memory.limit_in_bytes=-1"});
  }
  SECTION("swap without a limit and swap below the limit are errors") {
    CHECK_THAT(v1_error(memory(std::nullopt, 100)), Catch::Contains("linux.resources.memory.swap"));
    CHECK_THAT(v1_error(memory(200, 100)), Catch::Contains("below memory.limit"));
  }
  SECTION("swappiness -1 (docker) is left alone, above 100 is an error") {
    r.memory->swappiness = std::numeric_limits<uint64_t>::max();
    CHECK(lines(v1(r), "memory").size() == 4);
    r.memory->swappiness = 101;
    CHECK_THAT(v1_error(r), Catch::Contains("linux.resources.memory.swappiness"));
  }
}

TEST_CASE("translate_v1: cpu, realtime and cpuset files in kernel-safe order", "[cgroup]") {
  spec::LinuxResources r;
  r.cpu.emplace();
  r.cpu->shares = 512;
  r.cpu->quota = 50000;
  r.cpu->period = 100000;
  r.cpu->burst = 1000;
  r.cpu->idle = 0;
  r.cpu->realtime_runtime = 950000;
  r.cpu->realtime_period = 1000000;
  r.cpu->cpus = "0-1";
  r.cpu->mems = "0";
  CHECK(lines(v1(r), "cpu") == Lines{"cpu cpu.shares=512", "cpu cpu.cfs_period_us=100000",
                                     "cpu cpu.cfs_quota_us=50000", "cpu cpu.cfs_burst_us=1000",
                                     "cpu cpu.idle=0", "cpu cpu.rt_period_us=1000000",
                                     "cpu cpu.rt_runtime_us=950000"});
  CHECK(lines(v1(r), "cpuset") == Lines{"cpuset cpuset.cpus=0-1", "cpuset cpuset.mems=0"});

  SECTION("quota -1 is written as is on v1") {
    r.cpu = spec::CpuResources{};
    r.cpu->quota = -1;
    CHECK(lines(v1(r), "cpu") == Lines{"cpu cpu.cfs_quota_us=-1"});
  }
}

TEST_CASE("translate: pids.limit -1 is max, 0 is a real limit", "[cgroup]") {
  spec::LinuxResources r;
  r.pids = spec::PidsResources{-1};
  CHECK(lines(v1(r), "pids") == Lines{"pids pids.max=max"});
  CHECK(lines(v2(r)) == Lines{"pids pids.max=max"});
  r.pids->limit = 0;
  CHECK(lines(v2(r)) == Lines{"pids pids.max=0"});
  r.pids->limit = 42;
  CHECK(lines(v1(r), "pids") == Lines{"pids pids.max=42"});
  CHECK(only_write(v2(r), "pids.max").field == "linux.resources.pids.limit");
  r.pids->limit.reset();
  CHECK(lines(v2(r)).empty());
}

TEST_CASE("translate_v1: blkio weights fall back to BFQ names, throttles per device", "[cgroup]") {
  spec::LinuxResources r;
  r.block_io.emplace();
  r.block_io->weight = 300;
  r.block_io->leaf_weight = 200;
  r.block_io->weight_device = std::vector<spec::WeightDevice>{{8, 0, 500, 100}};
  r.block_io->throttle_read_bps_device = std::vector<spec::ThrottleDevice>{{8, 0, 1048576}};
  r.block_io->throttle_write_iops_device = std::vector<spec::ThrottleDevice>{{8, 16, 300}};
  const ResourcePlan plan = v1(r);
  CHECK(lines(plan, "blkio") == Lines{"blkio blkio.weight=300", "blkio blkio.leaf_weight=200",
                                      "blkio blkio.weight_device=8:0 500",
                                      "blkio blkio.leaf_weight_device=8:0 100",
                                      "blkio blkio.throttle.read_bps_device=8:0 1048576",
                                      "blkio blkio.throttle.write_iops_device=8:16 300"});
  const FileWrite& weight = only_write(plan, "blkio.weight");
  CHECK(weight.if_missing == IfMissing::kFallback);
  CHECK(weight.fallback_file == "blkio.bfq.weight");
  CHECK(weight.fallback_value == "300");
  CHECK(only_write(plan, "blkio.weight_device").fallback_file == "blkio.bfq.weight_device");
  CHECK(only_write(plan, "blkio.throttle.write_iops_device").field ==
        "linux.resources.blockIO.throttleWriteIOPSDevice[0]");
}

TEST_CASE("translate: hugepage limits name the page size in the file", "[cgroup]") {
  spec::LinuxResources r;
  r.hugepage_limits = std::vector<spec::HugepageLimit>{{"2MB", 1 << 30}, {"1GB", 0}};
  const ResourcePlan p1 = v1(r);
  CHECK(lines(p1, "hugetlb") == Lines{"hugetlb hugetlb.2MB.limit_in_bytes=1073741824",
                                      "hugetlb hugetlb.2MB.rsvd.limit_in_bytes=1073741824",
                                      "hugetlb hugetlb.1GB.limit_in_bytes=0",
                                      "hugetlb hugetlb.1GB.rsvd.limit_in_bytes=0"});
  CHECK(only_write(p1, "hugetlb.2MB.rsvd.limit_in_bytes").if_missing == IfMissing::kSkip);
  CHECK(only_write(p1, "hugetlb.2MB.limit_in_bytes").if_missing == IfMissing::kFail);
  CHECK(lines(v2(r)) == Lines{"hugetlb hugetlb.2MB.max=1073741824",
                              "hugetlb hugetlb.2MB.rsvd.max=1073741824",
                              "hugetlb hugetlb.1GB.max=0", "hugetlb hugetlb.1GB.rsvd.max=0"});
  r.hugepage_limits->push_back({"2M", 1});
  CHECK_THAT(v1_error(r), Catch::Contains("linux.resources.hugepageLimits[2].pageSize"));
  CHECK_THAT(v2_error(r), Catch::Contains("\"2M\""));
}

TEST_CASE("translate: network is v1 only, rdma on both", "[cgroup]") {
  spec::LinuxResources r;
  r.network = spec::NetworkResources{0x100001, std::vector<spec::InterfacePriority>{{"eth0", 5}}};
  r.rdma =
      std::map<std::string, spec::RdmaLimit>{{"mlx5_1", {3, 10000}}, {"mlx4_0", {std::nullopt, 5}}};
  const ResourcePlan p1 = v1(r);
  CHECK(lines(p1, "net_cls") == Lines{"net_cls net_cls.classid=1048577"});
  CHECK(lines(p1, "net_prio") == Lines{"net_prio net_prio.ifpriomap=eth0 5"});
  CHECK(lines(p1, "rdma") == Lines{"rdma rdma.max=mlx4_0 hca_object=5",
                                   "rdma rdma.max=mlx5_1 hca_handle=3 hca_object=10000"});
  const ResourcePlan p2 = v2(r);
  CHECK(lines(p2) == Lines{"rdma rdma.max=mlx4_0 hca_object=5",
                           "rdma rdma.max=mlx5_1 hca_handle=3 hca_object=10000"});
  REQUIRE(p2.warnings.size() == 1);
  CHECK_THAT(p2.warnings[0], Catch::Contains("network"));
  CHECK(p2.writes[0].field == "linux.resources.rdma[\"mlx4_0\"]");
}

TEST_CASE("translate_v1: unified files are an error on a v1 host", "[cgroup]") {
  spec::LinuxResources r;
  r.unified = std::map<std::string, std::string>{};
  CHECK(translate_v1(r));
  (*r.unified)["memory.high"] = "1G";
  CHECK_THAT(v1_error(r), Catch::Contains("linux.resources.unified"));
}

TEST_CASE("translate_v2: memory swap is converted and written first", "[cgroup]") {
  spec::LinuxResources r = memory(1 << 30, 3LL << 30);
  r.memory->reservation = -1;
  CHECK(lines(v2(r)) == Lines{"memory memory.swap.max=2147483648", "memory memory.max=1073741824",
                              "memory memory.low=max"});
  CHECK(only_write(v2(r), "memory.swap.max").if_missing == IfMissing::kFail);

  SECTION("unlimited values are max, and optional where swap accounting may be off") {
    const ResourcePlan plan = v2(memory(-1, std::nullopt));
    CHECK(lines(plan) == Lines{"memory memory.swap.max=max", "memory memory.max=max"});
    CHECK(only_write(plan, "memory.swap.max").if_missing == IfMissing::kSkip);
  }
  SECTION("swap equal to the limit disables swap") {
    CHECK(lines(v2(memory(100, 100))) ==
          Lines{"memory memory.swap.max=0", "memory memory.max=100"});
  }
  SECTION("a limit alone leaves swap alone") {
    CHECK(lines(v2(memory(100, std::nullopt))) == Lines{"memory memory.max=100"});
  }
  SECTION("swap without a limit is an error naming the field") {
    CHECK_THAT(v2_error(memory(std::nullopt, 100)), Catch::Contains("linux.resources.memory.swap"));
  }
  SECTION("v1-only knobs become warnings") {
    r.memory->swappiness = 10;
    r.memory->disable_oom_killer = true;
    r.memory->kernel_tcp = 1;
    const ResourcePlan plan = v2(r);
    CHECK(lines(plan).size() == 3);
    REQUIRE(plan.warnings.size() == 3);
    CHECK_THAT(plan.warnings[0], Catch::Contains("kernelTCP"));
    CHECK_THAT(plan.warnings[1], Catch::Contains("swappiness"));
    CHECK_THAT(plan.warnings[2], Catch::Contains("disableOOMKiller"));
  }
}

TEST_CASE("translate_v2: cpu.weight, cpu.max, burst and idle", "[cgroup]") {
  spec::LinuxResources r;
  r.cpu.emplace();
  r.cpu->shares = 1024;
  r.cpu->quota = 50000;
  r.cpu->period = 200000;
  r.cpu->burst = 10000;
  r.cpu->idle = 1;
  r.cpu->cpus = "2";
  CHECK(lines(v2(r)) == Lines{"cpu cpu.idle=1", "cpu cpu.weight=100", "cpu cpu.max=50000 200000",
                              "cpu cpu.max.burst=10000", "cpuset cpuset.cpus=2"});
  CHECK(only_write(v2(r), "cpu.weight").field == "linux.resources.cpu.shares");

  SECTION("no positive quota is max; the period defaults to 100ms") {
    spec::LinuxResources q;
    q.cpu = spec::CpuResources{};
    q.cpu->quota = -1;
    q.cpu->period = 250000;
    CHECK(lines(v2(q)) == Lines{"cpu cpu.max=max 250000"});
    q.cpu->period.reset();
    q.cpu->quota = 20000;
    CHECK(lines(v2(q)) == Lines{"cpu cpu.max=20000 100000"});
  }
  SECTION("realtime has no v2 knob: a warning") {
    r.cpu->realtime_runtime = 1000;
    CHECK(v2(r).warnings.size() == 1);
  }
}

TEST_CASE("translate_v2: io weight, per-device weight and io.max", "[cgroup]") {
  spec::LinuxResources r;
  r.block_io.emplace();
  r.block_io->weight = 500;
  r.block_io->leaf_weight = 20;
  r.block_io->weight_device = std::vector<spec::WeightDevice>{{8, 0, 100, std::nullopt}};
  r.block_io->throttle_read_bps_device = std::vector<spec::ThrottleDevice>{{8, 0, 1048576}};
  r.block_io->throttle_write_bps_device = std::vector<spec::ThrottleDevice>{{8, 0, 2097152}};
  r.block_io->throttle_read_iops_device = std::vector<spec::ThrottleDevice>{{8, 0, 100}};
  r.block_io->throttle_write_iops_device = std::vector<spec::ThrottleDevice>{{8, 0, 50}};
  const ResourcePlan plan = v2(r);
  CHECK(lines(plan) == Lines{"io io.bfq.weight=500", "io io.bfq.weight=8:0 100",
                             "io io.max=8:0 rbps=1048576", "io io.max=8:0 wbps=2097152",
                             "io io.max=8:0 riops=100", "io io.max=8:0 wiops=50"});
  CHECK(plan.writes[0].if_missing == IfMissing::kFallback);
  CHECK(plan.writes[0].fallback_file == "io.weight");
  CHECK(plan.writes[0].fallback_value == "4950");
  CHECK(plan.writes[1].if_missing == IfMissing::kSkip);
  CHECK(plan.warnings.size() == 1);  // leafWeight
}

TEST_CASE("translate_v2: unified files are written last, verbatim, line by line", "[cgroup]") {
  spec::LinuxResources r;
  r.pids = spec::PidsResources{10};
  r.unified = std::map<std::string, std::string>{
      {"pids.max", "20"}, {"io.max", "8:0 rbps=1\n8:16 wbps=2\n"}, {"cgroup.max.depth", "3"}};
  const ResourcePlan plan = v2(r);
  CHECK(lines(plan) == Lines{"pids pids.max=10", "cgroup cgroup.max.depth=3",
                             "io io.max=8:0 rbps=1", "io io.max=8:16 wbps=2", "pids pids.max=20"});
  CHECK(plan.writes[1].field == "linux.resources.unified[\"cgroup.max.depth\"]");
}

TEST_CASE("translate_v2: unified keys must name one controller file", "[cgroup]") {
  for (const char* bad :
       {"memory/../../x", "../memory.max", "..", ".", "memory", ".max", "memory.", "/memory.max"}) {
    spec::LinuxResources r;
    r.unified = std::map<std::string, std::string>{{bad, "1"}};
    INFO(bad);
    CHECK_THAT(v2_error(r), Catch::Contains("linux.resources.unified[\""));
  }
  CHECK(*unified_key_controller("memory.max") == "memory");
  CHECK(*unified_key_controller("hugetlb.2MB.max") == "hugetlb");
}

TEST_CASE("translate_v2: device rules are not files on v2", "[cgroup]") {
  spec::LinuxResources r;
  r.devices = {{false, std::nullopt, std::nullopt, std::nullopt, "rwm"}};
  CHECK(v2(r).writes.empty());
}

TEST_CASE("v2_limits_need_cgroup: runc's six controllers when offered, and unified keys", "[cgroup]") {
  const std::vector<std::string> all{"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma"};
  spec::LinuxResources pids;
  pids.pids = spec::PidsResources{10};
  CHECK(*v2_limits_need_cgroup(pids, all));
  // A controller the hierarchy does not offer could not limit anything anyway (runc).
  CHECK_FALSE(*v2_limits_need_cgroup(pids, {"memory"}));
  spec::LinuxResources cpuset;
  cpuset.cpu = spec::CpuResources{};
  cpuset.cpu->cpus = "0";
  CHECK(*v2_limits_need_cgroup(cpuset, all));
  CHECK_FALSE(*v2_limits_need_cgroup(cpuset, {"cpu"}));
  SECTION("values v2 has no file for, and rdma, are not limits here") {
    spec::LinuxResources r;
    r.memory = spec::MemoryResources{};
    r.memory->swappiness = 10;
    r.network = spec::NetworkResources{7, std::nullopt};
    r.rdma = std::map<std::string, spec::RdmaLimit>{{"mlx5_0", spec::RdmaLimit{1, 2}}};
    CHECK_FALSE(*v2_limits_need_cgroup(r, all));
  }
  SECTION("a unified key counts whatever the hierarchy offers") {
    spec::LinuxResources r;
    r.unified = std::map<std::string, std::string>{{"memory.high", "1000000"}};
    CHECK(*v2_limits_need_cgroup(r, {}));
  }
  SECTION("a value translate_v2 refuses is its error") {
    spec::LinuxResources r;
    r.memory = spec::MemoryResources{};
    r.memory->swap = 1000;  // swap without a memory limit
    auto need = v2_limits_need_cgroup(r, all);
    REQUIRE_FALSE(need);
    CHECK_THAT(need.error().to_string(), Catch::Contains("linux.resources.memory.swap"));
  }
}

}  // namespace cruntime::cgroup
