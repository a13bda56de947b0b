// validate() on bad config.json text (parse_config → validate) in linux.resources and
// linux.seccomp; each case asserts the exact JSON path and message.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spec/validate_cases.hpp"

using cruntime::test::check_bad_cases;

namespace {

std::string resources(const std::string& fragment) {
  return R"({"linux": {"resources": {)" + fragment + "}}}";
}

std::string seccomp(const std::string& fragment) {
  return R"({"linux": {"seccomp": {)" + fragment + "}}}";
}

}  // namespace

TEST_CASE("validate: bad linux.resources devices and memory", "[spec]") {
  check_bad_cases({
      {resources(R"("devices": [{"allow": false, "access": "rwm"},
                               {"allow": true, "type": "x", "access": "r"}])"),
       "linux.resources.devices[1].type", R"(unknown device type "x" (want a, c or b))"},
      {resources(R"("devices": [{"allow": true, "type": "c", "access": "rwx"}])"),
       "linux.resources.devices[0].access",
       R"(must only contain the letters r, w and m, got "rwx")"},
      {resources(R"("devices": [{"allow": true, "type": "c", "access": ""}])"),
       "linux.resources.devices[0].access", "must not be empty"},
      {resources(R"("devices": [{"allow": true, "type": "c", "major": -2, "access": "r"}])"),
       "linux.resources.devices[0].major", "must be -1 (any) or a device number, got -2"},
      {resources(R"("memory": {"limit": 1048576, "swap": 1024})"), "linux.resources.memory.swap",
       "must be at least memory.limit (1048576), got 1024 (swap is the memory+swap total)"},
      {resources(R"("memory": {"swap": 1048576})"), "linux.resources.memory.swap",
       "needs memory.limit as well (swap is the memory+swap total)"},
      {resources(R"("memory": {"useHierarchy": false})"), "linux.resources.memory.useHierarchy",
       "false cannot be applied: the kernel always accounts memory hierarchically"},
      {resources(R"("memory": {"limit": -2})"), "linux.resources.memory.limit",
       "must be -1 (unlimited) or a byte count, got -2"},
      {resources(R"("memory": {"swappiness": 101})"), "linux.resources.memory.swappiness",
       "must be between 0 and 100, got 101"},
  });
}

TEST_CASE("validate: bad linux.resources cpu, blockIO, hugepages, pids, rdma, unified", "[spec]") {
  check_bad_cases({
      {resources(R"("cpu": {"shares": 1})"), "linux.resources.cpu.shares",
       "must be between 2 and 262144, got 1"},
      {resources(R"("cpu": {"shares": 262145})"), "linux.resources.cpu.shares",
       "must be between 2 and 262144, got 262145"},
      {resources(R"("cpu": {"quota": 50000, "burst": 60000})"), "linux.resources.cpu.burst",
       "must not exceed cpu.quota (50000), got 60000"},
      {resources(R"("cpu": {"period": 999})"), "linux.resources.cpu.period",
       "must be between 1000 and 1000000 microseconds, got 999"},
      {resources(R"("cpu": {"cpus": "a"})"), "linux.resources.cpu.cpus",
       R"(invalid CPU list "a" (want a list like "0-3,7"))"},
      {resources(R"("cpu": {"mems": "1-"})"), "linux.resources.cpu.mems",
       R"(invalid memory node list "1-" (want a list like "0-3,7"))"},
      {resources(R"("cpu": {"idle": 2})"), "linux.resources.cpu.idle", "must be 0 or 1, got 2"},
      {resources(R"("blockIO": {"weight": 5})"), "linux.resources.blockIO.weight",
       "must be between 10 and 1000, got 5"},
      {resources(R"("blockIO": {"weightDevice": [{"major": 8, "minor": 0}]})"),
       "linux.resources.blockIO.weightDevice[0]", "needs weight or leafWeight"},
      {resources(R"("blockIO": {"throttleReadBpsDevice": [{"major": -8, "minor": 0,
                                                           "rate": 1}]})"),
       "linux.resources.blockIO.throttleReadBpsDevice[0].major", "must not be negative, got -8"},
      {resources(R"("hugepageLimits": [{"pageSize": "2M", "limit": 1}])"),
       "linux.resources.hugepageLimits[0].pageSize",
       R"(invalid page size "2M" (want a size like "2MB" or "1GB"))"},
      {resources(R"("hugepageLimits": [{"pageSize": "1GB", "limit": 1},
                                      {"pageSize": "02MB", "limit": 1}])"),
       "linux.resources.hugepageLimits[1].pageSize",
       R"(invalid page size "02MB" (want a size like "2MB" or "1GB"))"},
      {resources(R"("pids": {"limit": -2})"), "linux.resources.pids.limit",
       "must be -1 (unlimited) or a number of tasks, got -2"},
      {resources(R"("rdma": {"mlx5_1": {}})"), "linux.resources.rdma.mlx5_1",
       "needs hcaHandles or hcaObjects"},
      {resources(R"("unified": {"../memory.max": "1"})"),
       R"(linux.resources.unified["../memory.max"])",
       R"(must be a cgroup file name like "memory.max", got "../memory.max")"},
      {resources(R"("unified": {"memory/max": "1"})"), R"(linux.resources.unified["memory/max"])",
       R"(must be a cgroup file name like "memory.max", got "memory/max")"},
      {resources(R"("unified": {"": "1"})"), R"(linux.resources.unified[""])",
       R"(must be a cgroup file name like "memory.max", got "")"},
  });
}

TEST_CASE("validate: bad linux.seccomp", "[spec]") {
  const std::string allow = R"("defaultAction": "SCMP_ACT_ALLOW")";
  check_bad_cases({
      {seccomp(R"("defaultAction": "SCMP_ACT_FOO")"), "linux.seccomp.defaultAction",
       R"(unknown seccomp action "SCMP_ACT_FOO")"},
      {seccomp(R"("defaultAction": "", "syscalls": [{"names": ["read"],
                                                    "action": "SCMP_ACT_ALLOW"}])"),
       "linux.seccomp.defaultAction", R"(unknown seccomp action "")"},
      {seccomp(R"("defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 1)"),
       "linux.seccomp.defaultErrnoRet", "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
                                        "SCMP_ACT_KILL"},
      {seccomp(allow + R"(, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_FOO"])"),
       "linux.seccomp.architectures[1]", R"(unknown seccomp architecture "SCMP_ARCH_FOO")"},
      {seccomp(allow + R"(, "flags": ["SECCOMP_FILTER_FLAG_FOO"])"), "linux.seccomp.flags[0]",
       R"(unknown seccomp flag "SECCOMP_FILTER_FLAG_FOO")"},
      {seccomp(allow + R"(, "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_DENY"}])"),
       "linux.seccomp.syscalls[0].action", R"(unknown seccomp action "SCMP_ACT_DENY")"},
      {seccomp(allow + R"(, "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW",
                                          "errnoRet": 1}])"),
       "linux.seccomp.syscalls[0].errnoRet",
       "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW"},
      {seccomp(allow + R"(, "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}])"),
       "linux.seccomp.syscalls[0].names", "must contain at least one syscall name"},
      {seccomp(allow + R"(, "syscalls": [{"names": ["read", ""], "action": "SCMP_ACT_ERRNO"}])"),
       "linux.seccomp.syscalls[0].names[1]", "must not be empty"},
      {seccomp(allow + R"(, "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_FOO"}]}])"),
       "linux.seccomp.syscalls[0].args[0].op", R"(unknown seccomp operator "SCMP_CMP_FOO")"},
      {seccomp(allow + R"(, "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                         "args": [{"index": 6, "value": 8, "op": "SCMP_CMP_EQ"}]}])"),
       "linux.seccomp.syscalls[0].args[0].index", "must be below 6, got 6"},
      {seccomp(allow + R"(, "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}])"),
       "linux.seccomp.syscalls[0].action", "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"},
      {seccomp(R"("defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/run/agent.sock")"),
       "linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action"},
      {seccomp(allow + R"(, "listenerMetadata": "x")"), "linux.seccomp.listenerMetadata",
       "only allowed together with linux.seccomp.listenerPath"},
      {seccomp(allow + R"(, "listenerPath": "agent.sock")"), "linux.seccomp.listenerPath",
       R"(must be an absolute path, got "agent.sock")"},
  });
}

TEST_CASE("validate: cpu.quota with cpu.period 0 is valid (0 = not set, as runc and crun)",
          "[spec]") {
  // runc writes neither file for a 0 and the kernel's period (100 ms) stays; update keeps the
  // previous period (integration/bad_input.bats checks both against the kernel and runc).
  CHECK(cruntime::test::problems_of(resources(R"("cpu": {"quota": 50000, "period": 0})")).empty());
  CHECK(cruntime::test::problems_of(resources(R"("cpu": {"quota": 50000})")).empty());
}

TEST_CASE("check_resources: update's resources get create's rules, with create's paths", "[spec]") {
  auto parsed = cruntime::spec::parse_resources(R"({"cpu": {"shares": 1}})", "r.json");
  REQUIRE(parsed);
  auto checked = cruntime::spec::check_resources(*parsed, "update");
  REQUIRE_FALSE(checked);
  CHECK(checked.error().to_string() ==
        "update: linux.resources.cpu.shares: must be between 2 and 262144, got 1");
  parsed = cruntime::spec::parse_resources(R"({"memory": {"limit": 1048576, "swap": 1024},
                                               "pids": {"limit": -2}})",
                                           "r.json");
  REQUIRE(parsed);
  checked = cruntime::spec::check_resources(*parsed, "update");
  REQUIRE_FALSE(checked);
  CHECK(checked.error().to_string() ==
        "update: linux.resources.memory.swap: must be at least memory.limit (1048576), got 1024 "
        "(swap is the memory+swap total) (and 1 more problem)");
  parsed = cruntime::spec::parse_resources(R"({"cpu": {"quota": 20000, "period": 0}})", "r.json");
  REQUIRE(parsed);
  CHECK(cruntime::spec::check_resources(*parsed, "update"));
}
