// Unit tests for the per-field setup leaves: rlimits, sysctl, oom score, scheduling, cpu lists.
// Settings that stick to a process are applied in a forked child (tests/support/child.hpp).
// Their name tables are tested in tests/spec/process_names_test.cpp.
#include <sched.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/process/oom_score.hpp"
#include "cruntime/process/rlimits.hpp"
#include "cruntime/process/scheduling.hpp"
#include "cruntime/process/sysctl.hpp"
#include "support/child.hpp"
#include "support/host.hpp"

namespace process = cruntime::process;
namespace spec = cruntime::spec;
using cruntime::test::in_child;

namespace {

template <class T>
std::string error_of(const cruntime::Result<T>& r) {
  return r ? std::string() : r.error().to_string();
}

}  // namespace

TEST_CASE("apply_rlimits: limits are set; failures name the rlimit and the values", "[process]") {
  std::string report = in_child([] {
    std::vector<spec::Rlimit> limits{{"RLIMIT_NOFILE", 100, 200}, {"RLIMIT_CORE", 0, 0}};
    if (auto r = process::apply_rlimits(limits); !r) return r.error().to_string();
    rlimit nofile{};
    rlimit core{};
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    ::getrlimit(RLIMIT_CORE, &core);
    if (nofile.rlim_cur != 100 || nofile.rlim_max != 200 || core.rlim_max != 0)
      return std::string("not applied");
    return std::string();
  });
  CHECK(report == "");

  // Above fs.nr_open even root gets EPERM, and a failed setrlimit changes nothing.
  std::vector<spec::Rlimit> too_high{{"RLIMIT_NOFILE", 1024, 1ULL << 40}};
  CHECK(error_of(process::apply_rlimits(too_high)) ==
        "RLIMIT_NOFILE: setrlimit soft 1024 hard 1099511627776: Operation not permitted (EPERM)");
  std::vector<spec::Rlimit> unknown{{"RLIMIT_BOGUS", 1, 1}};
  CHECK(error_of(process::apply_rlimits(unknown)) == "unknown rlimit type \"RLIMIT_BOGUS\"");
}

TEST_CASE("parse_cpu_list: cpuset(7) lists, strictly", "[process]") {
  auto list = process::parse_cpu_list("0-3,7");
  REQUIRE(list);
  CHECK(*list == std::vector<unsigned>{0, 1, 2, 3, 7});
  list = process::parse_cpu_list("7,0-1,1,5-5");
  REQUIRE(list);
  CHECK(*list == std::vector<unsigned>{0, 1, 5, 7});
  for (const char* bad : {"", ",", "1,", ",1", "1,,2", "1-", "-1", "3-1", "a", "1-b", " 1", "1 ",
                          "+1", "0x1", "1-2-3", "99999999", "65536"}) {
    INFO(bad);
    CHECK_FALSE(process::parse_cpu_list(bad));
  }
  CHECK(error_of(process::parse_cpu_list("3-1")) ==
        "invalid cpu list \"3-1\": range 3-1 is reversed");
}

TEST_CASE("apply_cpu_affinity: final wins over initial, empty lists change nothing", "[process]") {
  auto affinity_after = [](spec::ExecCPUAffinity affinity) {
    return in_child([affinity] {
      if (auto r = process::apply_cpu_affinity(affinity); !r) return r.error().to_string();
      cpu_set_t set;
      CPU_ZERO(&set);
      ::sched_getaffinity(0, sizeof set, &set);
      std::string cpus;
      for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set)) cpus += std::to_string(cpu) + ",";
      }
      return cpus;
    });
  };
  // A cpu this process may run on: not necessarily 0 where the runner is pinned elsewhere.
  cpu_set_t own;
  CPU_ZERO(&own);
  REQUIRE(::sched_getaffinity(0, sizeof own, &own) == 0);
  int first = 0;
  while (first < CPU_SETSIZE - 1 && !CPU_ISSET(first, &own)) ++first;
  const std::string cpu = std::to_string(first);
  CHECK(affinity_after({.initial = cpu, .final_cpus = std::nullopt}) == cpu + ",");
  CHECK(affinity_after({.initial = "1-200", .final_cpus = cpu}) == cpu + ",");
  CHECK(affinity_after({.initial = cpu, .final_cpus = ""}) == cpu + ",");
  std::string untouched = affinity_after({.initial = std::nullopt, .final_cpus = ""});
  CHECK(untouched == affinity_after({}));
  CHECK_THAT(affinity_after({.initial = std::nullopt, .final_cpus = "0-x"}),
             Catch::StartsWith("final: invalid cpu list \"0-x\""));
}

TEST_CASE("apply_scheduler: SCHED_BATCH with nice 5 takes effect", "[process]") {
  std::string report = in_child([] {
    spec::Scheduler s;
    s.policy = "SCHED_BATCH";
    s.nice = 5;
    s.flags = std::vector<std::string>{"SCHED_FLAG_RESET_ON_FORK"};
    if (auto r = process::apply_scheduler(s); !r) return r.error().to_string();
    int policy = ::sched_getscheduler(0);
    if ((policy & ~SCHED_RESET_ON_FORK) != SCHED_BATCH) return "policy " + std::to_string(policy);
    if ((policy & SCHED_RESET_ON_FORK) == 0) return std::string("reset-on-fork not set");
    if (::getpriority(PRIO_PROCESS, 0) != 5) return std::string("nice not 5");
    return std::string();
  });
  CHECK(report == "");
  spec::Scheduler bad;
  bad.policy = "SCHED_ISO";  // listed by the spec, rejected by Linux
  CHECK_THAT(error_of(process::apply_scheduler(bad)), Catch::StartsWith("sched_setattr SCHED_ISO"));
  bad.policy = "SCHED_OTHER";
  bad.flags = std::vector<std::string>{"SCHED_FLAG_NOPE"};
  CHECK(error_of(process::apply_scheduler(bad)) == "unknown scheduler flag \"SCHED_FLAG_NOPE\"");
}

TEST_CASE("apply_io_priority: class and level reach the process group", "[process]") {
  std::string report = in_child([] {
    ::setpgid(0, 0);  // the priority applies to the whole group: keep the test runner out of it
    if (auto r = process::apply_io_priority({"IOPRIO_CLASS_BE", 6}); !r)
      return r.error().to_string();
    long got = ::syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    return got == ((2 << 13) | 6) ? std::string() : "ioprio " + std::to_string(got);
  });
  CHECK(report == "");
  CHECK(error_of(process::apply_io_priority({"IOPRIO_CLASS_BE", 8})) ==
        "I/O priority 8 is outside 0..7");
  CHECK(error_of(process::apply_io_priority({"BE", 1})) == "unknown I/O priority class \"BE\"");
}

TEST_CASE("apply_personality: LINUX32 is set; unknown domains fail", "[process]") {
  std::string report = in_child([] {
    spec::Personality p{"LINUX32", std::vector<std::string>{"ADDR_NO_RANDOMIZE"}};  // flags: warned
    if (auto r = process::apply_personality(p); !r) return r.error().to_string();
    int now = ::personality(0xffffffff);
    return (now & PER_MASK) == PER_LINUX32 ? std::string() : "personality " + std::to_string(now);
  });
  CHECK(report == "");
  CHECK(error_of(process::apply_personality({"WINDOWS", std::nullopt})) ==
        "unknown personality domain \"WINDOWS\" (want LINUX or LINUX32)");
}

TEST_CASE("sysctl_components: dotted and slashed keys map to /proc/sys names", "[process]") {
  using V = std::vector<std::string>;
  CHECK(*process::sysctl_components("net.ipv4.ip_forward") == V{"net", "ipv4", "ip_forward"});
  CHECK(*process::sysctl_components("net/ipv4/ip_forward") == V{"net", "ipv4", "ip_forward"});
  CHECK(*process::sysctl_components("net/ipv4/conf/eth0.100/forwarding") ==
        V{"net", "ipv4", "conf", "eth0.100", "forwarding"});
  CHECK(*process::sysctl_components("net.ipv4.conf.eth0/100.forwarding") ==
        V{"net", "ipv4", "conf", "eth0.100", "forwarding"});
  CHECK(*process::sysctl_components("kernel.shmmax") == V{"kernel", "shmmax"});
  for (const char* bad : {"", ".", "..", "net..ipv4", "net/../../etc", "net/./x", ".net", "net.",
                          "/net/ipv4", "net/ipv4/", "net/../x"}) {
    INFO(bad);
    CHECK_FALSE(process::sysctl_components(bad));
  }
  CHECK(error_of(process::sysctl_components("net/../x")) == "invalid sysctl name \"net/../x\"");
}

TEST_CASE("apply_sysctl: a missing key names the key and the /proc/sys path", "[process]") {
  std::map<std::string, std::string> sysctl{{"net.ipv4.no_such_key", "1"}};
  CHECK(error_of(process::apply_sysctl(sysctl)) ==
        "net.ipv4.no_such_key: open /proc/sys/net/ipv4/no_such_key: No such file or directory "
        "(ENOENT)");
  CHECK(error_of(process::apply_sysctl({{"net/../x", "1"}})) ==
        "net/../x: invalid sysctl name \"net/../x\"");
}

TEST_CASE("apply_sysctl: writes land in the caller's network namespace", "[process][root]") {
  if (cruntime::test::skip_unless_root()) return;
  std::string report = in_child([] {
    if (::unshare(CLONE_NEWNET) != 0) return std::string("unshare CLONE_NEWNET failed");
    std::map<std::string, std::string> sysctl{{"net.ipv4.ip_forward", "1"},
                                              {"net/ipv4/conf/lo/forwarding", "1"}};
    if (auto r = process::apply_sysctl(sysctl); !r) return r.error().to_string();
    auto forward = cruntime::fs::read_file("/proc/sys/net/ipv4/ip_forward");
    auto lo = cruntime::fs::read_file("/proc/sys/net/ipv4/conf/lo/forwarding");
    if (!forward || !lo) return std::string("read back failed");
    return *forward == "1\n" && *lo == "1\n" ? std::string() : "read back " + *forward + *lo;
  });
  CHECK(report == "");
}

TEST_CASE("set_oom_score_adj: the value is written; out of range is refused", "[process]") {
  std::string report = in_child([] {
    if (auto r = process::set_oom_score_adj(0, 321); !r) return r.error().to_string();
    auto now = cruntime::fs::read_file("/proc/self/oom_score_adj");
    return now && *now == "321\n" ? std::string() : std::string("not written");
  });
  CHECK(report == "");
  CHECK(error_of(process::set_oom_score_adj(0, 1001)) == "oom_score_adj 1001 is outside -1000..1000");
}
