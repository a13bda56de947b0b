// Tests of capability_number against the running kernel and, in forked children as root, of the
// bounding drop, the user switch and the E/P/I/ambient sets as /proc/self/status reports them.
// The name table itself is tested in tests/spec/process_names_test.cpp.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/security/capabilities.hpp"
#include "cruntime/security/capability_names.hpp"
#include "cruntime/security/user.hpp"
#include "cruntime/spec/process_names.hpp"
#include "support/child.hpp"
#include "support/host.hpp"

namespace cruntime::security {
namespace {

using test::run_in_child;

// Appends the named /proc/self/status lines ("CapEff:\t...") to out, one per line.
void report_status(std::string& out, std::initializer_list<std::string_view> keys) {
  Result<std::string> status = fs::read_file("/proc/self/status");
  if (!status) {
    out += "cannot read /proc/self/status\n";
    return;
  }
  for (const std::string& line : strings::split(*status, '\n')) {
    for (std::string_view key : keys) {
      if (line.starts_with(std::string(key) + ":")) out += std::string(strings::trim(line)) + "\n";
    }
  }
}

bool has_line(const std::string& output, const std::string& line) {
  for (const std::string& l : strings::split(output, '\n')) {
    if (l == line) return true;
  }
  return false;
}

spec::User make_user(uint32_t uid, uint32_t gid, std::vector<uint32_t> groups = {}) {
  spec::User user;
  user.uid = uid;
  user.gid = gid;
  if (!groups.empty()) user.additional_gids = std::move(groups);
  return user;
}

std::string write_file(const char* path, std::string_view text) {
  auto fd = fs::open(path, O_WRONLY);
  if (!fd) return fd.error().to_string();
  auto written = fs::write_all(fd->get(), text);
  return written ? "" : written.error().to_string();
}

}  // namespace

TEST_CASE("capability_number: only capabilities the running kernel has", "[security]") {
  auto last = fs::read_file("/proc/sys/kernel/cap_last_cap");
  REQUIRE(last);
  auto last_cap = strings::parse_int<int>(strings::trim(*last));
  REQUIRE(last_cap);
  CHECK(kernel_capability_count() == *last_cap + 1);
  CHECK(capability_number("CAP_CHOWN") == 0);
  CHECK(capability_number("CAP_BOGUS") == std::nullopt);
  const auto table = spec::capability_table();
  for (size_t i = 0; i < table.size(); ++i) {
    CHECK(capability_number(table[i].name).has_value() == (static_cast<int>(i) <= *last_cap));
  }
}

TEST_CASE("set_no_new_privs: the kernel reports NoNewPrivs 1", "[security]") {
  auto outcome = run_in_child([](std::string& out) {
    if (auto r = set_no_new_privs(); !r) out += r.error().to_string();
    report_status(out, {"NoNewPrivs"});
    return 0;
  });
  CHECK(outcome.exited_with(0));
  CHECK(has_line(outcome.output, "NoNewPrivs:\t1"));
}

TEST_CASE("credentials as root: bounding drop, uid 1000 with one kept capability",
          "[security][root]") {
  if (test::skip_unless_root()) return;
  auto outcome = run_in_child([](std::string& out) {
    spec::Capabilities caps;
    caps.bounding = {"CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NOT_A_CAP"};
    caps.effective = {"CAP_KILL", "CAP_NOT_A_CAP"};
    caps.permitted = {"CAP_KILL"};
    caps.inheritable = {"CAP_KILL", "CAP_NET_BIND_SERVICE"};
    // CAP_NET_BIND_SERVICE is not permitted, so raising it fails: a warning, not an error.
    caps.ambient = {"CAP_KILL", "CAP_NET_BIND_SERVICE"};
    spec::User user = make_user(1000, 1001, {1234, 5678});
    if (auto r = drop_bounding_set(caps); !r) out += "drop: " + r.error().to_string() + "\n";
    if (auto r = switch_user(user); !r) out += "user: " + r.error().to_string() + "\n";
    if (auto r = apply_capabilities(caps); !r) out += "caps: " + r.error().to_string() + "\n";
    report_status(out, {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "Uid", "Gid", "Groups"});
    out += fmt::format("umask:{:04o}\n", ::umask(0));
    return 0;
  });
  INFO(outcome.output);
  REQUIRE(outcome.exited_with(0));
  // CAP_KILL = 5 → 0x20; CAP_NET_BIND_SERVICE = 10 → 0x400.
  CHECK(has_line(outcome.output, "CapEff:\t0000000000000020"));
  CHECK(has_line(outcome.output, "CapPrm:\t0000000000000020"));
  CHECK(has_line(outcome.output, "CapInh:\t0000000000000420"));
  CHECK(has_line(outcome.output, "CapBnd:\t0000000000000420"));
  CHECK(has_line(outcome.output, "CapAmb:\t0000000000000020"));
  CHECK(has_line(outcome.output, "Uid:\t1000\t1000\t1000\t1000"));
  CHECK(has_line(outcome.output, "Gid:\t1001\t1001\t1001\t1001"));
  CHECK(has_line(outcome.output, "Groups:\t1234 5678"));
  CHECK(has_line(outcome.output, "umask:0022"));  // runc's default when unset
}

TEST_CASE("credentials as root: an empty additionalGids clears groups, umask is applied",
          "[security][root]") {
  if (test::skip_unless_root()) return;
  auto outcome = run_in_child([](std::string& out) {
    gid_t inherited[] = {4242};
    if (::setgroups(1, inherited) != 0) out += "setup failed\n";
    spec::User user = make_user(0, 0);
    user.umask = 0027;
    if (auto r = switch_user(user); !r) out += r.error().to_string() + "\n";
    report_status(out, {"Groups", "CapEff"});
    out += fmt::format("umask:{:04o}\n", ::umask(0));
    return 0;
  });
  INFO(outcome.output);
  CHECK(has_line(outcome.output, "Groups:"));
  CHECK(has_line(outcome.output, "umask:0027"));
  // uid 0 keeps its capabilities when process.capabilities is absent.
  CHECK_FALSE(has_line(outcome.output, "CapEff:\t0000000000000000"));
}

TEST_CASE("apply_capabilities: effective outside permitted is a capset error", "[security][root]") {
  if (test::skip_unless_root()) return;
  auto outcome = run_in_child([](std::string& out) {
    spec::Capabilities caps;
    caps.effective = {"CAP_KILL", "CAP_CHOWN"};
    caps.permitted = {"CAP_KILL"};
    auto r = apply_capabilities(caps);
    out += r ? "ok" : r.error().to_string();
    return 0;
  });
  CHECK_THAT(outcome.output, Catch::Contains("capset") && Catch::Contains("EPERM"));
}

TEST_CASE("switch_user: unmapped ids and denied setgroups in a user namespace",
          "[security][root]") {
  if (test::skip_unless_root()) return;
  if (!test::can_make_user_namespace()) {
    WARN("skipped: this host allows no new user namespace (user.max_user_namespaces)");
    return;
  }
  auto outcome = run_in_child([](std::string& out) {
    const gid_t host_gid = ::getegid();  // unshare makes it the overflow gid
    if (::unshare(CLONE_NEWUSER) != 0) {
      out += "unshare failed";
      return 2;
    }
    // Map only our own gid (allowed after "deny"); leave every uid unmapped.
    out += write_file("/proc/self/setgroups", "deny");
    out += write_file("/proc/self/gid_map", fmt::format("0 {} 1", host_gid));
    spec::User with_groups = make_user(0, 0, {5});
    if (auto r = switch_user(with_groups); !r) out += r.error().to_string() + "\n";
    spec::User plain = make_user(0, 0);
    if (auto r = switch_user(plain); !r) out += r.error().to_string() + "\n";
    spec::User all_ones = make_user(4294967295U, 0);
    if (auto r = switch_user(all_ones); !r) out += r.error().to_string() + "\n";
    return 0;
  });
  INFO(outcome.output);
  CHECK_THAT(outcome.output,
             Catch::Contains("additionalGids: setgroups is denied in this user namespace"));
  CHECK_THAT(outcome.output, Catch::Contains("cannot setuid to unmapped uid 0"));
  CHECK_THAT(outcome.output, Catch::Contains("uid: 4294967295 is not a valid user id"));
}

}  // namespace cruntime::security
