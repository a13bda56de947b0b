// validate() on bad config.json text (parse_config → validate) in the `linux` object: namespaces,
// id mappings, timeOffsets, devices, netDevices, sysctl and the small fields; exact path + message.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spec/validate_cases.hpp"

using cruntime::test::BadCase;
using cruntime::test::check_bad_cases;
using cruntime::test::kWithUserNs;

namespace {

// {"linux": {<fragment>}}
std::string lx(const std::string& fragment) { return R"({"linux": {)" + fragment + "}}"; }

// The base namespaces plus `extra` entries (a JSON fragment), as a linux patch fragment.
std::string ns_plus(const std::string& extra) {
  return R"("namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                           {"type": "uts"}, {"type": "mount"}, )" +
         extra + "]";
}

}  // namespace

TEST_CASE("validate: bad linux.namespaces", "[spec]") {
  check_bad_cases({
      {lx(ns_plus(R"({"type": "foo"})")), "linux.namespaces[5].type",
       R"(unknown namespace type "foo")"},
      {lx(ns_plus(R"({"type": "PID"})")), "linux.namespaces[5].type",
       R"(unknown namespace type "PID")"},
      {lx(ns_plus(R"({"type": "pid"})")), "linux.namespaces[5].type",
       R"(duplicate namespace type "pid" (also at linux.namespaces[0]))"},
      {lx(R"("namespaces": [{"type": "pid", "path": "proc/1/ns/pid"}, {"type": "uts"}])"),
       "linux.namespaces[0].path", R"(must be an absolute path, got "proc/1/ns/pid")"},
      {lx(R"("namespaces": [{"type": "uts"}, {"type": "network", "path": ""}])"),
       "linux.namespaces[1].path", R"(must be an absolute path, got "")"},
  });
}

TEST_CASE("validate: bad user namespace and id mappings", "[spec]") {
  const std::string user = R"({"type": "user"})";
  const std::string gid = R"("gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}])";
  check_bad_cases({
      {lx(R"("uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}])"),
       "linux.uidMappings", R"(needs a "user" namespace in linux.namespaces)"},
      {lx(ns_plus(user)), "linux.namespaces[5]",
       "a new user namespace needs linux.uidMappings and linux.gidMappings"},
      {lx(ns_plus(user) + ", " + gid), "linux.uidMappings",
       "must be set and non-empty for a new user namespace"},
      {lx(ns_plus(user) + R"(, "uidMappings": [], )" + gid), "linux.uidMappings",
       "must be set and non-empty for a new user namespace"},
      {lx(ns_plus(user) + ", " + gid +
          R"(, "uidMappings": [{"containerID": 4294967000, "hostID": 1000, "size": 296}])"),
       "linux.uidMappings[0]", "containerID + size must not exceed 4294967295, got 4294967296"},
      {lx(ns_plus(user) + ", " + gid +
          R"(, "uidMappings": [{"containerID": 0, "hostID": 4294967295, "size": 1}])"),
       "linux.uidMappings[0]", "hostID + size must not exceed 4294967295, got 4294967296"},
      {lx(ns_plus(user) + ", " + gid + R"(, "uidMappings": [
           {"containerID": 0, "hostID": 100000, "size": 1000},
           {"containerID": 500, "hostID": 200000, "size": 1000}])"),
       "linux.uidMappings[1]", "container range [500, 1500) overlaps linux.uidMappings[0]"},
      {lx(ns_plus(user) + ", " + gid + R"(, "uidMappings": [
           {"containerID": 0, "hostID": 100000, "size": 1000},
           {"containerID": 1000, "hostID": 100999, "size": 10}])"),
       "linux.uidMappings[1]", "host range [100999, 101009) overlaps linux.uidMappings[0]"},
      {lx(ns_plus(user) + ", " + gid +
          R"(, "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 0}])"),
       "linux.uidMappings[0].size", "must be greater than 0"},
  });
}

TEST_CASE("validate: bad linux.timeOffsets", "[spec]") {
  const std::string time = ns_plus(R"({"type": "time"})");
  check_bad_cases({
      {lx(R"("timeOffsets": {"monotonic": {"secs": 10}})"), "linux.timeOffsets",
       R"(needs a new "time" namespace in linux.namespaces)"},
      {lx(ns_plus(R"({"type": "time", "path": "/proc/1/ns/time"})") +
          R"(, "timeOffsets": {"boottime": {"secs": 10}})"),
       "linux.timeOffsets",
       "cannot be used with a joined time namespace (linux.namespaces[5].path)"},
      {lx(time + R"(, "timeOffsets": {"realtime": {"secs": 10}})"), "linux.timeOffsets.realtime",
       R"(unknown clock "realtime" (want monotonic or boottime))"},
      {lx(time + R"(, "timeOffsets": {"monotonic": {"secs": 1, "nanosecs": 1000000000}})"),
       "linux.timeOffsets.monotonic.nanosecs", "must be below 1000000000, got 1000000000"},
  });
}

TEST_CASE("validate: bad linux.devices and linux.netDevices", "[spec]") {
  check_bad_cases({
      {lx(R"("devices": [{"type": "x", "path": "/dev/x"}])"), "linux.devices[0].type",
       R"(unknown device type "x" (want c, b, u or p))"},
      {lx(R"("devices": [{"type": "c", "path": "/dev/fuse", "minor": 229}])"),
       "linux.devices[0].major", R"(required for device type "c")"},
      {lx(R"("devices": [{"type": "b", "path": "/dev/sda", "major": 8, "minor": -1}])"),
       "linux.devices[0].minor", "must not be negative, got -1"},
      {lx(R"("devices": [{"type": "c", "path": "/dev/big", "major": 4096, "minor": 0}])"),
       "linux.devices[0].major", "must be at most 4095, got 4096"},
      {lx(R"("devices": [{"type": "p", "path": "dev/fifo"}])"), "linux.devices[0].path",
       R"(must be an absolute path, got "dev/fifo")"},
      {lx(R"("devices": [{"type": "c", "path": "/dev/null", "major": 1, "minor": 3,
                          "fileMode": 4096}])"),
       "linux.devices[0].fileMode", "must be at most 07777, got 010000"},
      {lx(R"("devices": [{"type": "c", "path": "/dev/null", "major": 1, "minor": 3,
                          "uid": 4294967295}])"),
       "linux.devices[0].uid", "4294967295 is not a valid user id"},
      {lx(R"("devices": [{"type": "c", "path": "/dev/null", "major": 1, "minor": 3,
                          "gid": 4294967295}])"),
       "linux.devices[0].gid", "4294967295 is not a valid group id"},
      {lx(R"("netDevices": {"a/b": {}})"), R"(linux.netDevices["a/b"])",
       R"(invalid network device name "a/b")"},
      {lx(R"("netDevices": {"eth0": {"name": "averyveryverylongname"}})"),
       "linux.netDevices.eth0.name", R"(invalid network device name "averyveryverylongname")"},
      {lx(R"("namespaces": [{"type": "uts"}], "netDevices": {"eth0": {}})"), "linux.netDevices",
       R"(needs a "network" namespace in linux.namespaces)"},
  });
}

TEST_CASE("validate: bad linux.sysctl", "[spec]") {
  const std::string no_ns = R"("namespaces": [{"type": "uts"}, {"type": "mount"}])";
  check_bad_cases({
      {lx(R"("sysctl": {"vm.swappiness": "10"})"), R"(linux.sysctl["vm.swappiness"])",
       R"(sysctl "vm.swappiness" is not in a separate kernel namespace )"
       "(it would change the host)"},
      {lx(R"("sysctl": {"kernel.hostname": "x"})"), R"(linux.sysctl["kernel.hostname"])",
       R"(sysctl "kernel.hostname" is not allowed: use the "hostname" field)"},
      {lx(no_ns + R"(, "sysctl": {"net.ipv4.ip_forward": "1"})"),
       R"(linux.sysctl["net.ipv4.ip_forward"])",
       R"(sysctl "net.ipv4.ip_forward" needs a "network" namespace in linux.namespaces)"},
      {lx(no_ns + R"(, "sysctl": {"kernel/shmmax": "1"})"), R"(linux.sysctl["kernel/shmmax"])",
       R"(sysctl "kernel.shmmax" needs an "ipc" namespace in linux.namespaces)"},
      {lx(no_ns + R"(, "sysctl": {"fs.mqueue.msg_max": "1"})"),
       R"(linux.sysctl["fs.mqueue.msg_max"])",
       R"(sysctl "fs.mqueue.msg_max" needs an "ipc" namespace in linux.namespaces)"},
      {lx(R"("sysctl": {"user.max_user_namespaces": "0"})"),
       R"(linux.sysctl["user.max_user_namespaces"])",
       R"(sysctl "user.max_user_namespaces" needs a "user" namespace in linux.namespaces)"},
      {lx(R"("sysctl": {"net/ipv4/../../kernel/core_pattern": "|/x"})"),
       R"(linux.sysctl["net/ipv4/../../kernel/core_pattern"])",
       R"(invalid sysctl name "net/ipv4/../../kernel/core_pattern")"},
      {lx(R"("sysctl": {"net..ipv4": "1"})"), R"(linux.sysctl["net..ipv4"])",
       R"(invalid sysctl name "net..ipv4")"},
      {lx(R"("sysctl": {"": "1"})"), R"(linux.sysctl[""])", "key must not be empty"},
  });
}

TEST_CASE("validate: bad linux paths, propagation, personality, memoryPolicy, intelRdt",
          "[spec]") {
  check_bad_cases({
      {lx(R"("cgroupsPath": "../../escape")"), "linux.cgroupsPath",
       R"(must not contain ".." components, got "../../escape")"},
      {lx(R"("rootfsPropagation": "rslavex")"), "linux.rootfsPropagation",
       R"(unknown propagation "rslavex" (want shared, slave, private, unbindable or rshared, )"
       "rslave, rprivate, runbindable)"},
      {lx(R"("maskedPaths": ["/proc/kcore", "proc/keys"])"), "linux.maskedPaths[1]",
       R"(must be an absolute path, got "proc/keys")"},
      {lx(R"("namespaces": [{"type": "uts"}], "readonlyPaths": ["/proc/sys"])"),
       "linux.readonlyPaths", R"(needs a "mount" namespace in linux.namespaces)"},
      {lx(R"("personality": {"domain": "LINUX64"})"), "linux.personality.domain",
       R"(unknown personality domain "LINUX64" (want LINUX or LINUX32))"},
      {lx(R"("memoryPolicy": {"mode": "MPOL_FOO"})"), "linux.memoryPolicy.mode",
       R"(unknown memory policy mode "MPOL_FOO")"},
      {lx(R"("memoryPolicy": {"mode": "MPOL_BIND"})"), "linux.memoryPolicy.nodes",
       "MPOL_BIND needs at least one node"},
      {lx(R"("memoryPolicy": {"mode": "MPOL_LOCAL", "nodes": "0-1"})"), "linux.memoryPolicy.nodes",
       R"(must be empty for MPOL_LOCAL, got "0-1")"},
      {lx(R"("memoryPolicy": {"mode": "MPOL_INTERLEAVE", "nodes": "0-x"})"),
       "linux.memoryPolicy.nodes", R"(invalid node list "0-x" (want a list like "0-3,7"))"},
      {lx(R"("memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0",
                              "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]})"),
       "linux.memoryPolicy.flags",
       "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be used together"},
      {lx(R"("memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_FOO"]})"),
       "linux.memoryPolicy.flags[0]", R"(unknown memory policy flag "MPOL_F_FOO")"},
      {lx(R"("intelRdt": {"closID": "a/b"})"), "linux.intelRdt.closID",
       R"(invalid CLOS id "a/b" (want a directory name, or "/" for the default))"},
      {lx(R"("intelRdt": {"memBwSchema": "L3:0=20"})"), "linux.intelRdt.memBwSchema",
       R"(must start with "MB:", got "L3:0=20")"},
      {lx(R"("intelRdt": {"schemata": ["L3:0=7f0", "MB:0=20\nL2:0=f"]})"),
       "linux.intelRdt.schemata[1]", "must not contain newlines"},
  });
}

TEST_CASE("validate: good user namespace configs pass", "[spec]") {
  CHECK(cruntime::test::problems_of(lx(std::string(kWithUserNs))).empty());
  // Joining a user namespace needs no mappings.
  CHECK(cruntime::test::problems_of(
            lx(ns_plus(R"({"type": "user", "path": "/proc/42/ns/user"})")))
            .empty());
  // Adjacent ranges do not overlap.
  CHECK(cruntime::test::problems_of(lx(ns_plus(R"({"type": "user"})") + R"(,
      "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1},
                      {"containerID": 1, "hostID": 100000, "size": 65536}],
      "gidMappings": [{"containerID": 0, "hostID": 4294967294, "size": 1}])"))
            .empty());
}
