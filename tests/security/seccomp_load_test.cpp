// Tests that load real seccomp filters in forked children and check what the kernel then does:
// errno values, argument conditions (MASKED_EQ, OR of one index, AND of several), KILL actions,
// notify fds, and the errors for bad input. no_new_privs first, so no privilege is needed,
// except for the [root] case that loads without it.
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/security/user.hpp"
#include "cruntime/spec/io.hpp"
#include "support/child.hpp"
#include "support/golden.hpp"
#include "support/host.hpp"

namespace cruntime::security {
namespace {

using test::ChildOutcome;
using test::run_in_child;

spec::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                          std::optional<uint32_t> errno_ret = std::nullopt,
                          std::vector<spec::SeccompArg> args = {}) {
  spec::SeccompSyscall out{std::move(names), std::move(action), errno_ret, std::nullopt};
  if (!args.empty()) out.args = std::move(args);
  return out;
}

spec::SeccompArg arg(uint32_t index, uint64_t value, std::string op,
                     std::optional<uint64_t> value_two = std::nullopt) {
  return spec::SeccompArg{index, value, value_two, std::move(op)};
}

spec::Seccomp allow_except(std::vector<spec::SeccompSyscall> rules) {
  spec::Seccomp out;
  out.default_action = "SCMP_ACT_ALLOW";
  out.syscalls = std::move(rules);
  return out;
}

// "0" when the raw syscall succeeded, else its errno.
std::string result_of(long rc) { return rc < 0 ? std::to_string(errno) : "0"; }

std::string status_line(std::string_view key) {
  Result<std::string> status = fs::read_file("/proc/self/status");
  if (!status) return "unreadable";
  for (const std::string& line : strings::split(*status, '\n')) {
    if (line.starts_with(std::string(key) + ":")) return std::string(strings::trim(line));
  }
  return "missing " + std::string(key);
}

// Loads `seccomp` (after no_new_privs) in a child, then runs probe(out) under the filter.
template <class Probe>
ChildOutcome with_filter(const spec::Seccomp& seccomp, Probe probe) {
  return run_in_child([&](std::string& out) {
    if (auto r = set_no_new_privs(); !r) {
      out += r.error().to_string();
      return 2;
    }
    auto notify = load_seccomp(seccomp);
    if (!notify) {
      out += "load: " + notify.error().to_string();
      return 3;
    }
    probe(out);
    return 0;
  });
}

// The error load_seccomp returns for a bad config (in a child, in case it loaded anyway).
std::string load_error(const spec::Seccomp& seccomp) {
  ChildOutcome outcome = with_filter(seccomp, [](std::string& out) { out += "loaded"; });
  return outcome.output;
}

}  // namespace

TEST_CASE("load_seccomp: SCMP_ACT_ERRNO makes uname fail with exactly errnoRet", "[security]") {
  auto outcome =
      with_filter(allow_except({rule({"uname"}, "SCMP_ACT_ERRNO", 99U)}), [](std::string& out) {
        utsname name;
        out += "uname=" + result_of(::syscall(SYS_uname, &name)) + "\n";
        out += "getpid=" + result_of(::syscall(SYS_getpid)) + "\n";
        out += status_line("Seccomp") + "\n";
      });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK_THAT(outcome.output, Catch::Contains("uname=99\n"));
  CHECK_THAT(outcome.output, Catch::Contains("getpid=0\n"));
  CHECK_THAT(outcome.output, Catch::Contains("Seccomp:\t2"));
}

TEST_CASE("load_seccomp: SCMP_CMP_MASKED_EQ takes value as the mask, valueTwo as the datum",
          "[security]") {
  // umask(mode) fails when (mode & 0070) == 0070.
  spec::SeccompArg masked = arg(0, 0070, "SCMP_CMP_MASKED_EQ", 0070);
  auto outcome = with_filter(allow_except({rule({"umask"}, "SCMP_ACT_ERRNO", 42U, {masked})}),
                             [](std::string& out) {
                               out += "0077=" + result_of(::syscall(SYS_umask, 0077)) + "\n";
                               out += "0070=" + result_of(::syscall(SYS_umask, 0070)) + "\n";
                               out += "0022=" + result_of(::syscall(SYS_umask, 0022)) + "\n";
                             });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK_THAT(outcome.output, Catch::Contains("0077=42\n") && Catch::Contains("0070=42\n"));
  CHECK_THAT(outcome.output, Catch::Contains("0022=0\n"));
}

TEST_CASE("load_seccomp: conditions on one argument index are ORed (runc)", "[security]") {
  spec::SeccompArg first = arg(0, 0011, "SCMP_CMP_EQ");
  spec::SeccompArg second = arg(0, 0022, "SCMP_CMP_EQ");
  auto outcome =
      with_filter(allow_except({rule({"umask"}, "SCMP_ACT_ERRNO", 43U, {first, second})}),
                  [](std::string& out) {
                    out += "0011=" + result_of(::syscall(SYS_umask, 0011)) + "\n";
                    out += "0022=" + result_of(::syscall(SYS_umask, 0022)) + "\n";
                    out += "0033=" + result_of(::syscall(SYS_umask, 0033)) + "\n";
                  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK_THAT(outcome.output, Catch::Contains("0011=43\n") && Catch::Contains("0022=43\n"));
  CHECK_THAT(outcome.output, Catch::Contains("0033=0\n"));
}

TEST_CASE("load_seccomp: conditions on different arguments are ANDed", "[security]") {
  spec::SeccompArg which = arg(0, PRIO_PROCESS, "SCMP_CMP_EQ");
  spec::SeccompArg who = arg(1, 999999, "SCMP_CMP_EQ");
  auto outcome = with_filter(
      allow_except({rule({"getpriority"}, "SCMP_ACT_ERRNO", 44U, {which, who})}),
      [](std::string& out) {
        out += "both=" + result_of(::syscall(SYS_getpriority, PRIO_PROCESS, 999999)) + "\n";
        out += "first=" + result_of(::syscall(SYS_getpriority, PRIO_PROCESS, 0)) + "\n";
        out += "second=" + result_of(::syscall(SYS_getpriority, PRIO_USER, 999999)) + "\n";
      });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK_THAT(outcome.output, Catch::Contains("both=44\n"));
  CHECK_THAT(outcome.output, Catch::Contains("first=0\n"));
  CHECK_THAT(outcome.output, !Catch::Contains("second=44"));
}

TEST_CASE("load_seccomp: SCMP_ACT_KILL and SCMP_ACT_KILL_PROCESS end the process with SIGSYS",
          "[security]") {
  for (const char* action : {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD"}) {
    INFO(action);
    auto outcome = with_filter(allow_except({rule({"getppid"}, action)}), [](std::string& out) {
      out += "getppid=" + result_of(::syscall(SYS_getppid));
    });
    CHECK(outcome.killed_by(SIGSYS));
    CHECK(outcome.output.empty());
  }
}

TEST_CASE("load_seccomp: unknown syscall names and rules equal to the default are skipped",
          "[security]") {
  auto outcome =
      with_filter(allow_except({rule({"no_such_syscall_xyz", "uname"}, "SCMP_ACT_ERRNO", 98U),
                                rule({"read", "write"}, "SCMP_ACT_ALLOW")}),
                  [](std::string& out) {
                    utsname name;
                    out += "uname=" + result_of(::syscall(SYS_uname, &name));
                  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output == "uname=98");
}

TEST_CASE("load_seccomp: a containerd default profile loads and behaves", "[security]") {
  auto config = spec::load_config(test::golden_path("containerd-cri.json"));
  REQUIRE(config);
  REQUIRE(config->linux_config);
  REQUIRE(config->linux_config->seccomp);
  auto outcome = with_filter(*config->linux_config->seccomp, [](std::string& out) {
    // clone3 → errnoRet 38 (ENOSYS); personality is allowed by four single-value rules (ORed),
    // other personas get the default; getcpu is not listed → the default SCMP_ACT_ERRNO, EPERM.
    // (Its conditional socket rule is shadowed by socket's unconditional ALLOW: libseccomp
    // keeps the less specific rule, as it does under runc.)
    out += "clone3=" + result_of(::syscall(SYS_clone3, nullptr, 0)) + "\n";
    out += "query=" + result_of(::syscall(SYS_personality, 0xffffffffUL)) + "\n";
    out += "persona4=" + result_of(::syscall(SYS_personality, 4UL)) + "\n";
    long route = ::syscall(SYS_socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    out += "route=" + result_of(route) + "\n";
    unsigned cpu = 0;
    out += "getcpu=" + result_of(::syscall(SYS_getcpu, &cpu, nullptr, nullptr)) + "\n";
  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK_THAT(outcome.output, Catch::Contains("clone3=38\n"));
  CHECK_THAT(outcome.output, Catch::Contains("query=0\n"));
  CHECK_THAT(outcome.output, Catch::Contains(fmt::format("persona4={}\n", EPERM)));
  CHECK_THAT(outcome.output, Catch::Contains("route=0\n"));
  CHECK_THAT(outcome.output, Catch::Contains(fmt::format("getcpu={}\n", EPERM)));
}

TEST_CASE("load_seccomp: flags LOG, TSYNC and SPEC_ALLOW are accepted", "[security]") {
  spec::Seccomp seccomp = allow_except({rule({"uname"}, "SCMP_ACT_ERRNO", 97U)});
  seccomp.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC",
                   "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  auto outcome = with_filter(seccomp, [](std::string& out) {
    utsname name;
    out += "uname=" + result_of(::syscall(SYS_uname, &name));
  });
  INFO(outcome.output);
  CHECK(outcome.output == "uname=97");
}

TEST_CASE("load_seccomp: an empty object installs no filter", "[security]") {
  auto outcome =
      with_filter(spec::Seccomp{}, [](std::string& out) { out += status_line("Seccomp"); });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output == "Seccomp:\t0");
}

TEST_CASE("load_seccomp: SCMP_ACT_NOTIFY hands back a CLOEXEC notify fd", "[security]") {
  spec::Seccomp seccomp = allow_except({rule({"mknodat"}, "SCMP_ACT_NOTIFY")});
  seccomp.listener_path = "/run/agent.sock";
  CHECK(seccomp_uses_notify(seccomp));
  CHECK_FALSE(seccomp_uses_notify(allow_except({rule({"mknodat"}, "SCMP_ACT_ERRNO")})));
  auto outcome = run_in_child([&](std::string& out) {
    if (!set_no_new_privs()) return 2;
    auto notify = load_seccomp(seccomp);
    if (!notify) {
      out += notify.error().to_string();
      return 3;
    }
    if (!*notify) return 4;
    const int fd = (*notify)->get();
    char target[128] = {};
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    if (::readlink(link.c_str(), target, sizeof target - 1) < 0) return 5;
    out += target;
    out += (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0 ? " cloexec" : " inherited";
    return 0;
  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output == "anon_inode:seccomp notify cloexec");
}

// What a child needs between loading a deny-by-default filter and _exit: the probe's string
// building (malloc), the report write and the exit.
std::vector<spec::SeccompSyscall> child_needs() {
  return {rule({"write", "exit_group", "exit", "brk", "mmap", "munmap", "mremap", "madvise",
                "futex", "rt_sigprocmask"},
               "SCMP_ACT_ALLOW")};
}

spec::Seccomp deny_by_default(std::string action, std::vector<spec::SeccompSyscall> rules) {
  spec::Seccomp out;
  out.default_action = std::move(action);
  out.syscalls = child_needs();
  out.syscalls->insert(out.syscalls->end(), rules.begin(), rules.end());
  return out;
}

// The highest syscall the profiles below name: process_madvise (440 on every arch since 5.10).
long highest_named() { return seccomp_syscall_resolve_name("process_madvise"); }

TEST_CASE("load_seccomp: under an ERRNO default, syscalls above every named one get ENOSYS",
          "[security]") {
  REQUIRE(highest_named() > 0);
  auto seccomp = deny_by_default(
      "SCMP_ACT_ERRNO",
      {rule({"getcpu"}, "SCMP_ACT_ERRNO", 77U), rule({"process_madvise"}, "SCMP_ACT_ERRNO", 78U)});
  auto outcome = with_filter(seccomp, [](std::string& out) {
    out += "1000=" + result_of(::syscall(1000)) + "\n";
    out += "next=" + result_of(::syscall(highest_named() + 1, -1, nullptr, 0, 0, 0)) + "\n";
    out += "named=" + result_of(::syscall(highest_named(), -1, nullptr, 0, 0, 0)) + "\n";
    out += "getcpu=" + result_of(::syscall(SYS_getcpu, nullptr, nullptr, nullptr)) + "\n";
    out += "getppid=" + result_of(::syscall(SYS_getppid)) + "\n";
  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output ==
        fmt::format("1000={0}\nnext={0}\nnamed=78\ngetcpu=77\ngetppid={1}\n", ENOSYS, EPERM));
}

TEST_CASE("load_seccomp: defaultErrnoRet applies below the highest named syscall", "[security]") {
  auto seccomp = deny_by_default("SCMP_ACT_ERRNO", {rule({"process_madvise"}, "SCMP_ACT_ALLOW")});
  seccomp.default_errno_ret = 71U;
  auto outcome = with_filter(seccomp, [](std::string& out) {
    out += "getppid=" + result_of(::syscall(SYS_getppid)) + "\n";
    out += "1000=" + result_of(::syscall(1000)) + "\n";
  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output == fmt::format("getppid=71\n1000={}\n", ENOSYS));
}

TEST_CASE("load_seccomp: under a KILL default, unknown syscalls get ENOSYS, known ones kill",
          "[security]") {
  auto seccomp =
      deny_by_default("SCMP_ACT_KILL_PROCESS", {rule({"process_madvise"}, "SCMP_ACT_ALLOW")});
  auto unknown =
      with_filter(seccomp, [](std::string& out) { out += "1000=" + result_of(::syscall(1000)); });
  INFO(unknown.output);
  REQUIRE(unknown.exited_with(0));
  CHECK(unknown.output == fmt::format("1000={}", ENOSYS));
  auto known = with_filter(
      seccomp, [](std::string& out) { out += "getppid=" + result_of(::syscall(SYS_getppid)); });
  CHECK(known.killed_by(SIGSYS));
  CHECK(known.output.empty());
}

TEST_CASE("load_seccomp: an ALLOW default gets no stub: the filter's rules above stay",
          "[security]") {
  // Without a stub the kernel answers an unknown number itself (ENOSYS); a rule on a
  // high syscall keeps working.
  auto outcome = with_filter(
      allow_except({rule({"process_madvise"}, "SCMP_ACT_ERRNO", 79U)}), [](std::string& out) {
        out += "named=" + result_of(::syscall(highest_named(), -1, nullptr, 0, 0, 0)) + "\n";
        out += "1000=" + result_of(::syscall(1000)) + "\n";
      });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output == fmt::format("named=79\n1000={}\n", ENOSYS));
}

TEST_CASE("load_seccomp: notify with the stub and TSYNC still hands back the listener fd",
          "[security]") {
  auto seccomp = deny_by_default(
      "SCMP_ACT_ERRNO",
      {rule({"getcpu"}, "SCMP_ACT_NOTIFY"), rule({"process_madvise", "fcntl"}, "SCMP_ACT_ALLOW")});
  seccomp.flags = {"SECCOMP_FILTER_FLAG_TSYNC"};
  auto outcome = run_in_child([&](std::string& out) {
    if (!set_no_new_privs()) return 2;
    auto notify = load_seccomp(seccomp);
    if (!notify) {
      out += notify.error().to_string();
      return 3;
    }
    if (!*notify) return 4;
    const int fd = (*notify)->get();
    out += (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0 ? "cloexec\n" : "inherited\n";
    out += "1000=" + result_of(::syscall(1000)) + "\n";
    return 0;
  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output == fmt::format("cloexec\n1000={}\n", ENOSYS));
}

TEST_CASE("load_seccomp: bad input is an error naming the field", "[security]") {
  SECTION("unknown action") {
    auto seccomp =
        allow_except({rule({"uname"}, "SCMP_ACT_ERRNO"), rule({"read"}, "SCMP_ACT_FOO")});
    CHECK(load_error(seccomp) == "load: syscalls[1]: action: unknown action \"SCMP_ACT_FOO\"");
  }
  SECTION("errnoRet on an action without one") {
    auto seccomp = allow_except({rule({"uname"}, "SCMP_ACT_KILL", 5U)});
    CHECK_THAT(load_error(seccomp),
               Catch::Contains("syscalls[0]: action: errnoRet is only allowed"));
  }
  SECTION("unknown operator and argument index") {
    spec::SeccompArg bad_op = arg(0, 1, "SCMP_CMP_XOR");
    spec::SeccompArg bad_index = arg(6, 1, "SCMP_CMP_EQ");
    CHECK(load_error(allow_except({rule({"uname"}, "SCMP_ACT_ERRNO", std::nullopt, {bad_op})})) ==
          "load: syscalls[0]: args[0].op: unknown operator \"SCMP_CMP_XOR\"");
    CHECK(
        load_error(allow_except({rule({"uname"}, "SCMP_ACT_ERRNO", std::nullopt, {bad_index})})) ==
        "load: syscalls[0]: args[0].index: must be below 6, got 6");
  }
  SECTION("architecture and flag") {
    auto seccomp = allow_except({});
    seccomp.architectures = {"SCMP_ARCH_X86", "SCMP_ARCH_PDP11"};
    CHECK(load_error(seccomp) ==
          "load: architectures[1]: unknown architecture \"SCMP_ARCH_PDP11\"");
    seccomp.architectures.reset();
    seccomp.flags = {"SECCOMP_FILTER_FLAG_NOPE"};
    CHECK(load_error(seccomp) == "load: flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\"");
  }
  SECTION("default action") {
    spec::Seccomp notify_default = allow_except({rule({"uname"}, "SCMP_ACT_ERRNO")});
    notify_default.default_action = "SCMP_ACT_NOTIFY";
    CHECK_THAT(load_error(notify_default), Catch::Contains("cannot be the default action"));
    spec::Seccomp missing_default = allow_except({rule({"uname"}, "SCMP_ACT_ERRNO")});
    missing_default.default_action.clear();
    CHECK(load_error(missing_default) == "load: defaultAction: unknown action \"\"");
  }
  SECTION("notify on the syscalls the runtime needs to deliver the fd") {
    auto seccomp = allow_except({rule({"uname", "sendmsg"}, "SCMP_ACT_NOTIFY")});
    CHECK_THAT(load_error(seccomp),
               Catch::Contains("names[1]: SCMP_ACT_NOTIFY cannot be used for sendmsg"));
  }
  SECTION("empty syscall name") {
    CHECK(load_error(allow_except({rule({""}, "SCMP_ACT_ERRNO")})) ==
          "load: syscalls[0]: names[0]: must not be empty");
  }
}

TEST_CASE("load_seccomp as root without no_new_privs leaves NoNewPrivs unset", "[security][root]") {
  if (test::skip_unless_root("needs root (CAP_SYS_ADMIN)")) return;
  auto outcome = run_in_child([](std::string& out) {
    auto notify = load_seccomp(allow_except({rule({"uname"}, "SCMP_ACT_ERRNO", 96U)}));
    if (!notify) {
      out += notify.error().to_string();
      return 3;
    }
    utsname name;
    out += "uname=" + result_of(::syscall(SYS_uname, &name)) + "\n";
    out += status_line("NoNewPrivs") + "\n";
    return 0;
  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  CHECK(outcome.output == "uname=96\nNoNewPrivs:\t0\n");
}

}  // namespace cruntime::security

namespace cruntime::security {
namespace {

// The fuzz target (tests/fuzz/seccomp_fuzz.cpp) builds filters in its own process: building
// must leave the caller unfiltered.
TEST_CASE("build_seccomp: builds the program and flags without loading anything", "[security]") {
  spec::Seccomp seccomp = allow_except({rule({"uname"}, "SCMP_ACT_NOTIFY")});
  seccomp.default_action = "SCMP_ACT_ERRNO";
  const std::string mode_before = status_line("Seccomp");
  auto built = build_seccomp(seccomp);
  REQUIRE(built);
  REQUIRE(*built);
  // The -ENOSYS stub (ERRNO default) goes in front of libseccomp's filter.
  CHECK((*built)->program.size() > 4);
  CHECK(((*built)->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0);
  CHECK(status_line("Seccomp") == mode_before);

  auto none = build_seccomp(spec::Seccomp{});
  REQUIRE(none);
  CHECK_FALSE(*none);
}

}  // namespace
}  // namespace cruntime::security
