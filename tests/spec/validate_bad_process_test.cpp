// validate() on bad config.json text (parse_config → validate): ociVersion, root, mounts,
// process, hostname, hooks and annotations; each case asserts the exact JSON path and message.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spec/validate_cases.hpp"

using cruntime::test::BadCase;
using cruntime::test::check_bad_cases;

TEST_CASE("validate: bad ociVersion and root", "[spec]") {
  check_bad_cases({
      {R"({"ociVersion": "invalid"})", "ociVersion", R"("invalid" is not a SemVer version)"},
      {R"({"ociVersion": "1.0"})", "ociVersion", R"("1.0" is not a SemVer version)"},
      {R"({"ociVersion": "2.0.0"})", "ociVersion",
       "unsupported major version 2 (cruntime supports 1.x)"},
      {R"({"ociVersion": "0.9.0"})", "ociVersion",
       "unsupported major version 0 (cruntime supports 1.x)"},
      {R"({"ociVersion": ""})", "ociVersion", "must not be empty"},
      {R"({"root": null})", "root", "missing required field"},
      {R"({"root": {"path": ""}})", "root.path", "must not be empty"},
  });
}

TEST_CASE("validate: bad mounts", "[spec]") {
  const std::string maps = R"("uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
                              "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}])";
  check_bad_cases({
      {R"({"mounts": [{"destination": "proc", "type": "proc", "source": "proc"}]})",
       "mounts[0].destination", R"(must be an absolute path, got "proc")"},
      {R"({"mounts": [{"destination": "/data/../etc", "type": "tmpfs", "source": "tmpfs"}]})",
       "mounts[0].destination", R"(must not contain ".." components, got "/data/../etc")"},
      {R"({"mounts": [{"destination": "/tmp"}, {"destination": ""}]})", "mounts[1].destination",
       "must not be empty"},
      {R"({"mounts": [{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}]})",
       "mounts[0].type",
       R"(only a "proc" filesystem or a bind mount may be mounted at /proc, got "tmpfs")"},
      {R"({"mounts": [{"destination": "//proc/./kcore", "source": "/tmp/x",
                       "options": ["bind"]}]})",
       "mounts[0].destination",
       "mounts inside /proc are only allowed over /proc/{cpuinfo,diskstats,meminfo,stat,swaps,"
       "uptime,loadavg,slabinfo,sys/kernel/ns_last_pid,sys/crypto/fips_enabled}, "
       R"(got "//proc/./kcore")"},
      {R"({"mounts": [{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
                       "options": ["idmap"], )" +
           maps + "}]}",
       "mounts[0].options", R"(id-mapped mounts must be bind mounts ("bind" or "rbind"))"},
      {R"({"mounts": [{"destination": "/data", "source": "/srv", "options": ["rbind", "ridmap"],
                       "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]})",
       "mounts[0].gidMappings", "must be set and non-empty together with uidMappings"},
      {R"({"mounts": [{"destination": "/data", "source": "/srv", "options": ["bind", "idmap"]}]})",
       "mounts[0].options",
       R"("idmap"/"ridmap" needs uidMappings and gidMappings, or a "user" namespace in )"
       "linux.namespaces"},
      {R"({"mounts": [{"destination": "/data", "source": "/srv", "options": ["bind", "idmap"],
                       "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 0}],
                       "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]})",
       "mounts[0].uidMappings[0].size", "must be greater than 0"},
  });
}

TEST_CASE("validate: uid=/gid= of a new filesystem must be mapped by a new user namespace",
          "[spec]") {
  // The caller's own ids only, as `spec --rootless` maps them.
  const std::string rootless_linux = R"("linux": {
      "namespaces": [{"type": "mount"}, {"type": "uts"}, {"type": "user"}],
      "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
      "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]})";
  auto with_mount = [&](const std::string& options) {
    return R"({"mounts": [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                           "options": )" + options + "}], " + rootless_linux + "}";
  };
  check_bad_cases({
      {with_mount(R"(["newinstance", "gid=5", "mode=0620"])"), "mounts[0].options",
       R"("gid=5": gid 5 is not mapped by linux.gidMappings)"},
      {with_mount(R"(["uid=1000"])"), "mounts[0].options",
       R"("uid=1000": uid 1000 is not mapped by linux.uidMappings)"},
  });
  // Mapped ids, values that are not plain numbers, binds (which take no data), and containers
  // without a new user namespace are left alone.
  CHECK(cruntime::test::problems_of(with_mount(R"(["gid=0", "uid=0"])")).empty());
  CHECK(cruntime::test::problems_of(with_mount(R"(["gid=tty"])")).empty());
  CHECK(cruntime::test::problems_of(
            R"({"mounts": [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                            "options": ["gid=5"]}]})")
            .empty());
}

TEST_CASE("validate: bad process args, cwd, env, user", "[spec]") {
  check_bad_cases({
      {R"({"process": {"args": []}})", "process.args", "must contain at least one entry"},
      {R"({"process": {"commandLine": "cmd.exe /c dir"}})", "process.commandLine",
       "is for Windows containers only; on Linux use process.args"},
      {R"({"process": {"args": null}})", "process.args", "must contain at least one entry"},
      {R"({"process": {"args": ["", "-c"]}})", "process.args[0]", "must not be empty"},
      {R"({"process": {"cwd": "tmp"}})", "process.cwd", R"(must be an absolute path, got "tmp")"},
      {R"({"process": {"cwd": ""}})", "process.cwd", R"(must be an absolute path, got "")"},
      {R"({"process": {"env": ["PATH=/bin", "FOO"]}})", "process.env[1]",
       R"(must have the form KEY=VALUE, got "FOO")"},
      {R"({"process": {"env": ["=value"]}})", "process.env[0]",
       R"(has an empty variable name: "=value")"},
      {R"({"process": {"user": {"uid": 0, "gid": 0, "umask": 512}}})", "process.user.umask",
       "must be at most 0777, got 01000"},
      // (uid_t)-1 means "unchanged" to setresuid(2): the process would stay root.
      {R"({"process": {"user": {"uid": 4294967295, "gid": 0}}})", "process.user.uid",
       "4294967295 is not a valid user id"},
      {R"({"process": {"user": {"uid": 0, "gid": 4294967295}}})", "process.user.gid",
       "4294967295 is not a valid group id"},
      {R"({"process": {"user": {"uid": 0, "gid": 0, "additionalGids": [1, 4294967295]}}})",
       "process.user.additionalGids[1]", "4294967295 is not a valid group id"},
      {R"({"process": {"oomScoreAdj": 1001}})", "process.oomScoreAdj",
       "must be between -1000 and 1000, got 1001"},
      {R"({"process": {"oomScoreAdj": -1001}})", "process.oomScoreAdj",
       "must be between -1000 and 1000, got -1001"},
  });
}

TEST_CASE("validate: bad process rlimits", "[spec]") {
  check_bad_cases({
      {R"({"process": {"rlimits": [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]}})",
       "process.rlimits[0].type", R"(unknown rlimit type "RLIMIT_FOO")"},
      {R"({"process": {"rlimits": [{"type": "nofile", "soft": 1, "hard": 1}]}})",
       "process.rlimits[0].type", R"(unknown rlimit type "nofile")"},
      {R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1},
                                   {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
                                   {"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]}})",
       "process.rlimits[2].type",
       R"(duplicate rlimit type "RLIMIT_NOFILE" (also at process.rlimits[0]))"},
      {R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]}})",
       "process.rlimits[0].soft", "soft limit 2048 exceeds hard limit 1024"},
  });
}

TEST_CASE("validate: bad process scheduler, ioPriority, execCPUAffinity", "[spec]") {
  check_bad_cases({
      {R"({"process": {"scheduler": {"policy": "SCHED_FOO"}}})", "process.scheduler.policy",
       R"(unknown scheduler policy "SCHED_FOO")"},
      {R"({"process": {"scheduler": {"policy": "SCHED_OTHER", "priority": 5}}})",
       "process.scheduler.priority", "only allowed with SCHED_FIFO or SCHED_RR, not SCHED_OTHER"},
      {R"({"process": {"scheduler": {"policy": "SCHED_FIFO", "priority": 100}}})",
       "process.scheduler.priority", "must be between 1 and 99 for SCHED_FIFO, got 100"},
      {R"({"process": {"scheduler": {"policy": "SCHED_RR", "priority": 10, "runtime": 5}}})",
       "process.scheduler.runtime", "only allowed with SCHED_DEADLINE, not SCHED_RR"},
      {R"({"process": {"scheduler": {"policy": "SCHED_BATCH", "period": 5}}})",
       "process.scheduler.period", "only allowed with SCHED_DEADLINE, not SCHED_BATCH"},
      {R"({"process": {"scheduler": {"policy": "SCHED_OTHER", "nice": 20}}})",
       "process.scheduler.nice", "must be between -20 and 19, got 20"},
      {R"({"process": {"scheduler": {"policy": "SCHED_FIFO", "priority": 1, "nice": -5}}})",
       "process.scheduler.nice", "only allowed with SCHED_OTHER or SCHED_BATCH, not SCHED_FIFO"},
      {R"({"process": {"scheduler": {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_FOO"]}}})",
       "process.scheduler.flags[0]", R"(unknown scheduler flag "SCHED_FLAG_FOO")"},
      {R"({"process": {"scheduler": {"policy": "SCHED_DEADLINE", "runtime": 200,
                                     "deadline": 100, "period": 300}}})",
       "process.scheduler.deadline", "must be at least runtime (200), got 100"},
      {R"({"process": {"ioPriority": {"class": "IOPRIO_CLASS_FOO", "priority": 0}}})",
       "process.ioPriority.class",
       R"(unknown I/O priority class "IOPRIO_CLASS_FOO" )"
       "(want IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)"},
      {R"({"process": {"ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 8}}})",
       "process.ioPriority.priority", "must be between 0 and 7, got 8"},
      {R"({"process": {"execCPUAffinity": {"initial": "3-1"}}})", "process.execCPUAffinity.initial",
       R"(invalid CPU list "3-1" (want a list like "0-3,7"))"},
      {R"({"process": {"execCPUAffinity": {"final": "0,,2"}}})", "process.execCPUAffinity.final",
       R"(invalid CPU list "0,,2" (want a list like "0-3,7"))"},
  });
}

TEST_CASE("validate: hostname, domainname, hooks, annotations", "[spec]") {
  const std::string no_uts = R"("linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]})";
  check_bad_cases({
      {"{" + no_uts + "}", "hostname", R"(needs a "uts" namespace in linux.namespaces)"},
      {R"({"hostname": null, "domainname": "example.org", )" + no_uts + "}", "domainname",
       R"(needs a "uts" namespace in linux.namespaces)"},
      {R"({"hostname": ")" + std::string(65, 'h') + R"("})", "hostname",
       "must be at most 64 bytes long, got 65"},
      {R"({"hooks": {"prestart": [{"path": "hook.sh"}]}})", "hooks.prestart[0].path",
       R"(must be an absolute path, got "hook.sh")"},
      {R"({"hooks": {"createRuntime": [{"path": "/bin/true"}, {"path": "/bin/true",
                                                              "timeout": -1}]}})",
       "hooks.createRuntime[1].timeout", "must be greater than 0, got -1"},
      {R"({"hooks": {"poststop": [{"path": "/bin/true", "timeout": 0}]}})",
       "hooks.poststop[0].timeout", "must be greater than 0, got 0"},
      {R"({"hooks": {"startContainer": [{"path": "/bin/true", "env": ["NOEQUALS"]}]}})",
       "hooks.startContainer[0].env[0]", R"(must have the form KEY=VALUE, got "NOEQUALS")"},
      {R"({"annotations": {"org.example": "x", "": "y"}})", R"(annotations[""])",
       "key must not be empty"},
  });
}
