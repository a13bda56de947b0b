// Unit tests for exec's process: strict --user parsing and runc's command-line overrides
// (cli-contract §7.4, security.md promise 5).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/container/exec_cgroup.hpp"
#include "cruntime/container/exec_process.hpp"

using cruntime::container::apply_exec_overrides;
using cruntime::container::ExecOptions;
using cruntime::container::parse_cgroup_request;
using cruntime::container::parse_exec_user;
using cruntime::spec::Process;

TEST_CASE("parse_exec_user: UID and UID:GID, decimal only", "[container]") {
  auto user = parse_exec_user("1000");
  REQUIRE(user);
  CHECK(user->uid == 1000);
  CHECK_FALSE(user->gid);
  user = parse_exec_user("0:5");
  REQUIRE(user);
  CHECK(user->uid == 0);
  CHECK(user->gid == 5u);
  CHECK(parse_exec_user("4294967294:4294967294"));
}

TEST_CASE("parse_exec_user: malformed or out-of-range values are errors, never uid 0",
          "[container]") {
  for (const char* bad : {"4294967296", "4294967295", "-1", "abc", "1:", "1:x", ":1", "", " 1",
                          "1 ", "+1", "0x10", "1:2:3", "99999999999999999999"}) {
    INFO("value: '" << bad << "'");
    auto user = parse_exec_user(bad);
    REQUIRE_FALSE(user);
    CHECK(user.error().to_string().starts_with("--user: "));
  }
}

namespace {

Process template_process() {
  Process p;
  p.args = std::vector<std::string>{"sh"};
  p.cwd = "/";
  p.env = std::vector<std::string>{"PATH=/bin", "TERM=xterm"};
  p.terminal = true;
  p.user.uid = 1;
  p.user.gid = 2;
  p.capabilities.emplace();
  p.capabilities->bounding = std::vector<std::string>{"CAP_KILL"};
  p.capabilities->effective = std::vector<std::string>{"CAP_KILL"};
  p.capabilities->permitted = std::vector<std::string>{"CAP_KILL"};
  p.capabilities->inheritable = std::vector<std::string>{"CAP_KILL"};
  p.capabilities->ambient = std::vector<std::string>{};
  return p;
}

}  // namespace

TEST_CASE("apply_exec_overrides: args, cwd, env appended, terminal only with --tty", "[container]") {
  ExecOptions options;
  options.args = {"echo", "hi"};
  options.cwd = "/tmp";
  options.env = {"A=1", "PATH=/usr/bin"};
  auto p = apply_exec_overrides(template_process(), options);
  REQUIRE(p);
  CHECK(*p->args == std::vector<std::string>{"echo", "hi"});
  CHECK(p->cwd == "/tmp");
  CHECK(*p->env == std::vector<std::string>{"PATH=/bin", "TERM=xterm", "A=1", "PATH=/usr/bin"});
  CHECK(p->terminal == false);  // the config says true; exec needs -t
  options.tty = true;
  CHECK(apply_exec_overrides(template_process(), options)->terminal == true);
}

TEST_CASE("apply_exec_overrides: --user keeps the config's gid unless given; -g appends",
          "[container]") {
  ExecOptions options;
  options.args = {"id"};
  options.user = "1000";
  options.additional_gids = {"10", "20"};
  auto p = apply_exec_overrides(template_process(), options);
  REQUIRE(p);
  CHECK(p->user.uid == 1000);
  CHECK(p->user.gid == 2);
  CHECK(*p->user.additional_gids == std::vector<uint32_t>{10, 20});
  options.additional_gids = {"-5"};
  auto bad = apply_exec_overrides(template_process(), options);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string().starts_with("--additional-gids: "));
}

TEST_CASE("apply_exec_overrides: --cap grows bounding, effective, permitted; never inheritable "
          "or ambient (CVE-2022-29162)",
          "[container]") {
  ExecOptions options;
  options.args = {"true"};
  options.caps = {"CAP_SYS_ADMIN", "CAP_KILL"};
  auto p = apply_exec_overrides(template_process(), options);
  REQUIRE(p);
  const auto& caps = *p->capabilities;
  std::vector<std::string> both{"CAP_KILL", "CAP_SYS_ADMIN"};
  CHECK(*caps.bounding == both);
  CHECK(*caps.effective == both);
  CHECK(*caps.permitted == both);
  CHECK(*caps.inheritable == std::vector<std::string>{"CAP_KILL"});
  CHECK(caps.ambient->empty());
  options.caps = {"CAP_BOGUS"};
  CHECK_FALSE(apply_exec_overrides(template_process(), options));
}

TEST_CASE("apply_exec_overrides: no args, no-new-privs, labels", "[container]") {
  ExecOptions options;
  auto none = apply_exec_overrides(template_process(), options);
  REQUIRE_FALSE(none);
  CHECK(none.error().to_string() == "exec args cannot be empty");
  options.args = {"true"};
  options.no_new_privs = true;
  options.apparmor = "prof";
  options.process_label = "label";
  auto p = apply_exec_overrides(template_process(), options);
  REQUIRE(p);
  CHECK(p->no_new_privileges == true);
  CHECK(p->apparmor_profile == "prof");
  CHECK(p->selinux_label == "label");
}

TEST_CASE("parse_cgroup_request: controllers and a path below the container's cgroup",
          "[container]") {
  auto r = parse_cgroup_request("cpu,cpuacct:/a//b/");
  REQUIRE(r);
  CHECK(r->controllers == std::vector<std::string>{"cpu", "cpuacct"});
  CHECK(r->path == "a/b");
  r = parse_cgroup_request("sub");
  REQUIRE(r);
  CHECK(r->controllers.empty());
  CHECK(r->path == "sub");
  CHECK(parse_cgroup_request("/")->path.empty());
  CHECK_FALSE(parse_cgroup_request("pids:../x"));
  CHECK_FALSE(parse_cgroup_request("a/../../x"));
  CHECK_FALSE(parse_cgroup_request(",pids:x"));
}
