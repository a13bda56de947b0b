// The systemd driver's unit properties: new units, linux.resources (runc's v2 table and its
// CPU quota rounding), cpuset byte masks, org.systemd.property.* annotations.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/cgroup/systemd_properties.hpp"

namespace cruntime::cgroup {
namespace {

constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();
constexpr int kDebian12 = 252;

// "Name=<value as to_string>" for each property, in order.
std::vector<std::string> names_and_values(const std::vector<UnitProperty>& properties) {
  std::vector<std::string> out;
  for (const UnitProperty& p : properties) out.push_back(p.name + "=" + p.value.to_string());
  return out;
}

ResourceProperties built(const spec::LinuxResources& resources, int version = kDebian12) {
  auto out = resource_properties(resources, version);
  INFO((out ? std::string() : out.error().to_string()));
  REQUIRE(out);
  return *out;
}

std::vector<std::string> properties_of(const spec::LinuxResources& resources,
                                       int version = kDebian12) {
  return names_and_values(built(resources, version).properties);
}

TEST_CASE("unit_properties: a scope in its slice with the init, delegated, accounted", "[cgroup]") {
  const SystemdPlacement scope{"machine.slice", "libpod-x.scope", "/machine.slice/libpod-x.scope"};
  CHECK(names_and_values(unit_properties(scope, 4242, "cruntime container x")) ==
        std::vector<std::string>{
            "Description=s \"cruntime container x\"", "Slice=s \"machine.slice\"",
            "Delegate=b true", "PIDs=au [4242]", "MemoryAccounting=b true", "CPUAccounting=b true",
            "IOAccounting=b true", "TasksAccounting=b true", "DefaultDependencies=b false"});
  const SystemdPlacement slice{"kubepods.slice", "kubepods-pod1.slice",
                               "/kubepods.slice/kubepods-pod1.slice"};
  const auto slice_properties = names_and_values(unit_properties(slice, 4242, "d"));
  CHECK(slice_properties[1] == "Wants=as [\"kubepods.slice\"]");
  CHECK(std::find(slice_properties.begin(), slice_properties.end(), "PIDs=au [4242]") ==
        slice_properties.end());
}

TEST_CASE("resource_properties: memory", "[cgroup]") {
  spec::LinuxResources r;
  r.memory = spec::MemoryResources{};
  r.memory->limit = 64 << 20;
  r.memory->reservation = 32 << 20;
  r.memory->swap = 96 << 20;  // memory+swap: 32 MiB of swap
  CHECK(properties_of(r) == std::vector<std::string>{"MemoryMax=t 67108864", "MemoryLow=t 33554432",
                                                     "MemorySwapMax=t 33554432"});
  SECTION("-1 is systemd's infinity, and lifts swap too (runc)") {
    r.memory = spec::MemoryResources{};
    r.memory->limit = -1;
    CHECK(properties_of(r) ==
          std::vector<std::string>{fmt::format("MemoryMax=t {}", kInfinity),
                                   fmt::format("MemorySwapMax=t {}", kInfinity)});
  }
  SECTION("swap below the limit is the config's error") {
    r.memory->swap = 1 << 20;
    auto out = resource_properties(r, kDebian12);
    REQUIRE_FALSE(out);
    CHECK_THAT(out.error().to_string(), Catch::StartsWith("linux.resources.memory.swap: "));
  }
}

TEST_CASE("resource_properties: cpu shares, idle, quota and period, cpusets", "[cgroup]") {
  spec::LinuxResources r;
  r.cpu = spec::CpuResources{};
  SECTION("shares → CPUWeight with runc's conversion") {
    r.cpu->shares = 1024;
    CHECK(properties_of(r) == std::vector<std::string>{"CPUWeight=t 100"});
    r.cpu->shares = 2;
    CHECK(properties_of(r) == std::vector<std::string>{"CPUWeight=t 1"});
    r.cpu->shares = 262144;
    CHECK(properties_of(r) == std::vector<std::string>{"CPUWeight=t 10000"});
  }
  SECTION("idle 1 is CPUWeight=0 from v252 and wins over shares") {
    r.cpu->shares = 1024;
    r.cpu->idle = 1;
    CHECK(properties_of(r) == std::vector<std::string>{"CPUWeight=t 0"});
    const ResourceProperties old = built(r, 251);
    CHECK(names_and_values(old.properties) == std::vector<std::string>{"CPUWeight=t 100"});
    CHECK(old.skipped.size() == 1);
  }
  SECTION("a whole percentage of a CPU stays as it is") {
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    const ResourceProperties out = built(r);
    CHECK(names_and_values(out.properties) ==
          std::vector<std::string>{"CPUQuotaPeriodUSec=t 100000", "CPUQuotaPerSecUSec=t 500000"});
    CHECK(out.files.cpu->quota == 50000);
  }
  SECTION("a fraction of a percent is rounded up, and so is the quota the files get") {
    r.cpu->quota = 12345;
    r.cpu->period = 100000;  // 123450 µs/s → 130000
    const ResourceProperties out = built(r);
    CHECK(names_and_values(out.properties) ==
          std::vector<std::string>{"CPUQuotaPeriodUSec=t 100000", "CPUQuotaPerSecUSec=t 130000"});
    CHECK(out.files.cpu->quota == 13000);
  }
  SECTION("quota alone assumes the default period; -1 is infinity; period alone") {
    r.cpu->quota = 25000;
    CHECK(properties_of(r) == std::vector<std::string>{"CPUQuotaPerSecUSec=t 250000"});
    r.cpu->quota = -1;
    CHECK(properties_of(r) ==
          std::vector<std::string>{fmt::format("CPUQuotaPerSecUSec=t {}", kInfinity)});
    r.cpu->quota.reset();
    r.cpu->period = 50000;
    CHECK(properties_of(r) ==
          std::vector<std::string>{"CPUQuotaPeriodUSec=t 50000",
                                   fmt::format("CPUQuotaPerSecUSec=t {}", kInfinity)});
    CHECK(properties_of(r, 241) ==
          std::vector<std::string>{fmt::format("CPUQuotaPerSecUSec=t {}", kInfinity)});
  }
  SECTION("cpus and mems as byte masks from v244") {
    r.cpu->cpus = "0-2,9";
    r.cpu->mems = "0";
    CHECK(properties_of(r) ==
          std::vector<std::string>{"AllowedCPUs=ay [7, 2]", "AllowedMemoryNodes=ay [1]"});
    CHECK(properties_of(r, 243).empty());
    r.cpu->cpus = "2-1";
    auto out = resource_properties(r, kDebian12);
    REQUIRE_FALSE(out);
    CHECK_THAT(out.error().to_string(),
               Catch::StartsWith("linux.resources.cpu.cpus: invalid range"));
  }
}

TEST_CASE("resource_properties: pids, blockIO weight", "[cgroup]") {
  spec::LinuxResources r;
  r.pids = spec::PidsResources{100};
  CHECK(properties_of(r) == std::vector<std::string>{"TasksMax=t 100"});
  r.pids->limit = 0;  // systemd refuses 0; the file writer sets pids.max 0 afterwards
  CHECK(properties_of(r) == std::vector<std::string>{"TasksMax=t 1"});
  CHECK(built(r).files.pids->limit == 0);
  r.pids->limit = -1;
  CHECK(properties_of(r) == std::vector<std::string>{fmt::format("TasksMax=t {}", kInfinity)});
  r.pids.reset();
  r.block_io = spec::BlockIOResources{};
  r.block_io->weight = 500;  // 10..1000 → 1..10000, linear (runc)
  CHECK(properties_of(r) == std::vector<std::string>{"IOWeight=t 4950"});
}

TEST_CASE("resource_properties: the unified keys systemd has properties for", "[cgroup]") {
  spec::LinuxResources r;
  r.unified = std::map<std::string, std::string>{
      {"cpu.max", "max 50000"},   {"cpu.weight", "42"},       {"cpuset.cpus", "1"},
      {"memory.high", "1048576"}, {"memory.min", "max"},      {"pids.max", "0"},
      {"io.max", "8:0 rbps=1"},   {"memory.swap.max", "2048"}};
  CHECK(properties_of(r) ==
        std::vector<std::string>{
            "CPUQuotaPeriodUSec=t 50000", fmt::format("CPUQuotaPerSecUSec=t {}", kInfinity),
            "CPUWeight=t 42", "AllowedCPUs=ay [2]", "MemoryHigh=t 1048576",
            fmt::format("MemoryMin=t {}", kInfinity), "MemorySwapMax=t 2048", "TasksMax=t 1"});
  SECTION("cpu.idle 1 makes CPUWeight 0 and drops cpu.weight") {
    r.unified = std::map<std::string, std::string>{{"cpu.idle", "1"}, {"cpu.weight", "42"}};
    CHECK(properties_of(r) == std::vector<std::string>{"CPUWeight=t 0"});
  }
  SECTION("bad values and keys name the field") {
    r.unified = std::map<std::string, std::string>{{"memory.high", "lots"}};
    auto out = resource_properties(r, kDebian12);
    REQUIRE_FALSE(out);
    CHECK_THAT(out.error().to_string(),
               Catch::StartsWith("linux.resources.unified[\"memory.high\"]: "));
    r.unified = std::map<std::string, std::string>{{"../x", "1"}};
    CHECK_FALSE(resource_properties(r, kDebian12));
  }
}

TEST_CASE("creation_properties: memory.oom.group → OOMPolicy from v253", "[cgroup]") {
  spec::LinuxResources r;
  r.unified = std::map<std::string, std::string>{{"memory.oom.group", "1"}};
  CHECK(names_and_values(*creation_properties(r, 253)) ==
        std::vector<std::string>{"OOMPolicy=s \"kill\""});
  CHECK(creation_properties(r, kDebian12)->empty());
  (*r.unified)["memory.oom.group"] = "2";
  CHECK_FALSE(creation_properties(r, 253));
}

TEST_CASE("cpuset_bits: runc's RangeToBits", "[cgroup]") {
  CHECK(*cpuset_bits("0") == std::vector<uint8_t>{1});
  CHECK(*cpuset_bits("1,3-5") == std::vector<uint8_t>{0x3a});
  CHECK(*cpuset_bits(" 8 ,,") == std::vector<uint8_t>{0, 1});
  CHECK(*cpuset_bits("0-15") == std::vector<uint8_t>{0xff, 0xff});
  CHECK(cpuset_bits("63")->size() == 8);
  CHECK_FALSE(cpuset_bits(""));
  CHECK_FALSE(cpuset_bits("a"));
  CHECK_FALSE(cpuset_bits("3-"));
  CHECK_FALSE(cpuset_bits("5-3"));
  CHECK_FALSE(cpuset_bits("8192"));
}

TEST_CASE("cpu_quota_per_sec: whole percentages of a CPU", "[cgroup]") {
  int64_t quota = 150000;
  CHECK(cpu_quota_per_sec(quota, 100000) == 1500000);
  CHECK(quota == 150000);
  quota = 1;
  CHECK(cpu_quota_per_sec(quota, 100000) == 10000);  // 10 µs/s → 1% of a CPU
  CHECK(quota == 1000);
  quota = 33333;
  CHECK(cpu_quota_per_sec(quota, 0) == 340000);  // default period 100 ms
  CHECK(quota == 34000);
  quota = 0;
  CHECK(cpu_quota_per_sec(quota, 100000) == kInfinity);
}

TEST_CASE("annotation_properties: runc's names, values and Sec → USec", "[cgroup]") {
  auto one = [](const std::string& key, const std::string& value) {
    auto out = annotation_properties({{key, value}});
    INFO(key << "=" << value << ": " << (out ? std::string() : out.error().to_string()));
    REQUIRE(out);
    return names_and_values(*out);
  };
  using V = std::vector<std::string>;
  CHECK(one("org.systemd.property.TimeoutStopUSec", "uint64 123456789") ==
        V{"TimeoutStopUSec=t 123456789"});
  CHECK(one("org.systemd.property.TimeoutStopSec", "456") == V{"TimeoutStopUSec=t 456000000"});
  for (const char* typed : {"byte 234", "int16 234", "uint16 234", "int32 234", "uint32 234",
                            "int64 234", "uint64 234"}) {
    CHECK(one("org.systemd.property.TimeoutStopSec", typed) == V{"TimeoutStopUSec=t 234000000"});
  }
  CHECK(one("org.systemd.property.TimeoutStopSec", "234.789") == V{"TimeoutStopUSec=t 234789000"});
  CHECK(one("org.systemd.property.FOOSec", "123") == V{"FOOSec=i 123"});
  CHECK(one("org.systemd.property.Sec", "123") == V{"Sec=i 123"});
  CHECK(one("org.systemd.property.CollectMode", "'inactive-or-failed'") ==
        V{"CollectMode=s \"inactive-or-failed\""});
  CHECK(one("some.other.annotation", "0").empty());

  auto error_of = [](const std::string& key, const std::string& value) {
    auto out = annotation_properties({{key, value}});
    REQUIRE_FALSE(out);
    return out.error().to_string();
  };
  CHECK_THAT(error_of("org.systemd.property.TimeoutStopSec", "false"),
             Catch::StartsWith(
                 "annotations[\"org.systemd.property.TimeoutStopSec\"]: \"false\": not a number"));
  CHECK_THAT(error_of("org.systemd.property.TimeoutStopSec", "'covfefe'"),
             Catch::Contains("not a number"));
  CHECK_THAT(error_of("org.systemd.property.Xo", "1"), Catch::Contains("too short"));
  CHECK_THAT(error_of("org.systemd.property.Number1", "1"), Catch::Contains("not a letter"));
  CHECK_THAT(
      error_of("org.systemd.property.ValidName", "invalid-value"),
      Catch::StartsWith("annotations[\"org.systemd.property.ValidName\"]: \"invalid-value\": "));
}

}  // namespace
}  // namespace cruntime::cgroup
