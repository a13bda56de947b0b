// validate(), check() and warnings(): valid configs pass, problems come in document order, the
// check() error text, and what is only a warning (unknown capabilities, consoleSize, ...).
#include "cruntime/spec/validate.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/spec/io.hpp"
#include "spec/validate_cases.hpp"
#include "support/golden.hpp"

namespace spec = cruntime::spec;
using cruntime::test::patched_config;
using cruntime::test::problems_of;

namespace {

// Nearly every field, all with valid values.
constexpr std::string_view kFullPatch = R"({
  "root": {"path": "/var/lib/rootfs", "readonly": true},
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/proc/cpuinfo", "source": "/var/lib/lxcfs/proc/cpuinfo", "options": ["bind"]},
    {"destination": "/data", "source": "/srv/data", "options": ["rbind", "ridmap"],
     "uidMappings": [{"containerID": 0, "hostID": 200000, "size": 1000}],
     "gidMappings": [{"containerID": 0, "hostID": 200000, "size": 1000}]},
    {"destination": "/cache", "source": "/srv/cache", "options": ["bind", "idmap"]},
    {"destination": "/tmp/", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=64m"]}
  ],
  "process": {
    "terminal": true, "consoleSize": {"height": 25, "width": 80},
    "user": {"uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [5, 6]},
    "args": ["/bin/sh", "-c", "true"], "env": ["PATH=/bin", "EMPTY=", "EQ=a=b"], "cwd": "/home",
    "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
                     "inheritable": [], "permitted": ["CAP_KILL"], "ambient": ["CAP_KILL"]},
    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 4096},
                {"type": "RLIMIT_CORE", "soft": 0, "hard": 18446744073709551615}],
    "noNewPrivileges": true, "apparmorProfile": "any text", "selinuxLabel": "any:label",
    "oomScoreAdj": -1000,
    "scheduler": {"policy": "SCHED_DEADLINE", "runtime": 100, "deadline": 200, "period": 300,
                  "flags": ["SCHED_FLAG_RESET_ON_FORK"]},
    "ioPriority": {"class": "IOPRIO_CLASS_IDLE", "priority": 7},
    "execCPUAffinity": {"initial": "0-3,7", "final": ""}
  },
  "hostname": "web", "domainname": "example.org",
  "hooks": {"prestart": [{"path": "/usr/bin/hook", "args": ["hook", "x"], "env": ["A=1"],
                          "timeout": 5}],
            "poststop": [{"path": "/usr/bin/cleanup"}]},
  "annotations": {"org.example.key": "value"},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network", "path": "/var/run/netns/x"},
                   {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "user"},
                   {"type": "cgroup"}, {"type": "time"}],
    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "timeOffsets": {"monotonic": {"secs": 100, "nanosecs": 999999999}, "boottime": {"secs": -5}},
    "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438},
                {"type": "p", "path": "/run/fifo"}],
    "netDevices": {"eth1": {"name": "net%d"}, "eth2": {}},
    "cgroupsPath": "system.slice:cruntime:abc",
    "resources": {
      "devices": [{"allow": false, "access": "rwm"},
                  {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"},
                  {"allow": true, "type": "b", "major": -1, "access": "m"}],
      "memory": {"limit": 1073741824, "reservation": -1, "swap": 2147483648, "swappiness": 60},
      "cpu": {"shares": 1024, "quota": 100000, "burst": 50000, "period": 100000,
              "cpus": "0-3,7", "mems": "0", "idle": 1},
      "pids": {"limit": 0},
      "blockIO": {"weight": 500, "weightDevice": [{"major": 8, "minor": 0, "leafWeight": 10}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 0}, {"pageSize": "64KB", "limit": 1}],
      "rdma": {"mlx5_1": {"hcaHandles": 3}},
      "unified": {"memory.high": "max", "io.max": "8:0 rbps=1", "hugetlb.1GB.max": "0"}
    },
    "intelRdt": {"closID": "/", "memBwSchema": "MB:0=20", "schemata": ["L3:0=f"]},
    "memoryPolicy": {"mode": "MPOL_PREFERRED", "flags": ["MPOL_F_STATIC_NODES"]},
    "sysctl": {"net.ipv4.ip_forward": "1", "net/ipv4/conf/eth0.100/rp_filter": "1",
               "kernel.shmmax": "1", "fs.mqueue.msg_max": "10", "kernel.domainname": "x",
               "user.max_user_namespaces": "0"},
    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"],
                "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
                "listenerPath": "/run/agent.sock", "listenerMetadata": "meta",
                "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                             {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"},
                             {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                              "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]},
    "rootfsPropagation": "rslave",
    "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
    "mountLabel": "system_u:object_r:container_file_t:s0",
    "personality": {"domain": "LINUX32"}
  }
})";

}  // namespace

TEST_CASE("validate: the base config and a config using nearly every field are valid", "[spec]") {
  CHECK(problems_of("{}").empty());
  CHECK(problems_of(kFullPatch).empty());
  CHECK(spec::warnings(patched_config(kFullPatch)).empty());
}

TEST_CASE("validate: real configs written by runc and containerd pass", "[spec]") {
  for (const char* name : {"runc-spec.json", "containerd-cri.json"}) {
    INFO(name);
    auto config = spec::load_config(cruntime::test::golden_path(name));
    REQUIRE(config);
    CHECK(spec::validate(*config).empty());
    CHECK(spec::warnings(*config).empty());
  }
}

TEST_CASE("validate: a config without process or linux is valid (spec: process is for start)",
          "[spec]") {
  CHECK(problems_of(R"({"process": null, "hostname": null, "linux": null})").empty());
}

TEST_CASE("validate: seccomp without defaultAction and rules means no filter (runc)", "[spec]") {
  spec::Config config = patched_config("{}");
  config.linux_config->seccomp = spec::Seccomp{};
  CHECK(spec::validate(config).empty());
  config.linux_config->seccomp->syscalls = std::vector<spec::SeccompSyscall>{};
  CHECK(spec::validate(config).empty());
}

TEST_CASE("validate: problems are reported in document order, all of them", "[spec]") {
  const auto problems = problems_of(R"({
    "ociVersion": "x",
    "process": {"cwd": "rel", "rlimits": [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]},
    "hooks": {"poststart": [{"path": "/bin/true", "timeout": 0}]},
    "linux": {"namespaces": [{"type": "pid"}, {"type": "pid"}, {"type": "mount"}],
              "maskedPaths": ["rel"]}
  })");
  const std::vector<spec::Problem> expected = {
      {"ociVersion", R"("x" is not a SemVer version)"},
      {"process.cwd", R"(must be an absolute path, got "rel")"},
      {"process.rlimits[0].type", R"(unknown rlimit type "RLIMIT_BOGUS")"},
      {"hostname", R"(needs a "uts" namespace in linux.namespaces)"},
      {"hooks.poststart[0].timeout", "must be greater than 0, got 0"},
      {"linux.namespaces[1].type",
       R"(duplicate namespace type "pid" (also at linux.namespaces[0]))"},
      {"linux.maskedPaths[0]", R"(must be an absolute path, got "rel")"},
  };
  CHECK(problems == expected);
}

TEST_CASE("check: ok for a valid config, else the first problem and a count", "[spec]") {
  CHECK(spec::check(patched_config("{}")));

  auto one = spec::check(patched_config(R"({"linux": {"namespaces": [{"type": "uts"},
                                                                      {"type": "foo"}]}})"));
  REQUIRE_FALSE(one);
  CHECK(one.error().to_string() ==
        R"(config.json: linux.namespaces[1].type: unknown namespace type "foo")");
  CHECK(one.error().code() == 0);

  auto two = spec::check(patched_config(R"({"ociVersion": "2.0.0", "process": {"cwd": "x"}})"));
  REQUIRE_FALSE(two);
  CHECK(two.error().to_string() ==
        "config.json: ociVersion: unsupported major version 2 (cruntime supports 1.x) "
        "(and 1 more problem)");

  auto three = spec::check(patched_config(
      R"({"ociVersion": "2.0.0", "process": {"cwd": "x", "args": []}, "root": null})"));
  REQUIRE_FALSE(three);
  CHECK(three.error().to_string() ==
        "config.json: ociVersion: unsupported major version 2 (cruntime supports 1.x) "
        "(and 3 more problems)");
}

TEST_CASE("validate: configs built in C++ (no JSON) are checked the same way", "[spec]") {
  spec::Config config;
  config.oci_version = "1.0.2-dev";
  config.root = spec::Root{"rootfs", std::nullopt};
  CHECK(spec::validate(config).empty());

  config.process = spec::Process{};
  config.process->args = std::vector<std::string>{"sh"};
  config.process->cwd = "/";
  config.process->env = std::vector<std::string>{std::string("A=\0", 3)};
  const std::vector<spec::Problem> expected = {
      {"process.env[0]", R"(must not contain a NUL byte, got "A=\u0000")"}};
  CHECK(spec::validate(config) == expected);
}

TEST_CASE("warnings: unknown capabilities, consoleSize, kernel memory, personality flags, "
          "idmap without the option",
          "[spec]") {
  const spec::Config config = patched_config(R"({
    "mounts": [{"destination": "/data", "source": "/srv", "options": ["bind"],
                "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
                "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}],
    "process": {"consoleSize": {"height": 1, "width": 1},
                "capabilities": {"bounding": ["CAP_KILL", "CAP_BOGUS"], "ambient": ["kill"]}},
    "linux": {"resources": {"memory": {"kernel": 1, "kernelTCP": 2}},
              "personality": {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}}
  })");
  // None of these is an error: the spec says to log and carry on.
  CHECK(spec::validate(config).empty());
  const std::vector<spec::Problem> expected = {
      {"mounts[0].options",
       R"(uidMappings/gidMappings without "idmap" or "ridmap": treated as "idmap")"},
      {"process.consoleSize", "ignored because process.terminal is not true"},
      {"process.capabilities.bounding[1]", R"(unknown capability "CAP_BOGUS" (ignored))"},
      {"process.capabilities.ambient[0]", R"(unknown capability "kill" (ignored))"},
      {"linux.resources.memory.kernel",
       "ignored: kernel memory limits are not supported by current kernels"},
      {"linux.resources.memory.kernelTCP",
       "ignored: kernel memory limits are not supported by current kernels"},
      {"linux.personality.flags", "ignored: no personality flags are supported"},
  };
  CHECK(spec::warnings(config) == expected);
}
