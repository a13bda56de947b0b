// Unit tests for the LSM detection rules and the attr writes, against a fake procfs tree.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <catch2/catch.hpp>

#include "cruntime/base/fs.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/security/lsm_attr.hpp"
#include "cruntime/sys/proc.hpp"
#include "support/child.hpp"
#include "support/host.hpp"
#include "support/temp_dir.hpp"

using namespace cruntime;

namespace {

// A directory shaped like the part of a procfs the writers use: thread-self/attr/<files>,
// each file empty and writable. `apparmor_dir` adds attr/apparmor/exec (newer kernels).
struct FakeProc {
  test::TempDir dir;
  UniqueFd fd;

  explicit FakeProc(bool apparmor_dir) {
    REQUIRE(fs::mkdir_p(dir.join("thread-self/attr")));
    for (const char* name : {"exec", "keycreate", "current"}) touch(std::string("attr/") + name);
    if (apparmor_dir) {
      REQUIRE(fs::mkdir_p(dir.join("thread-self/attr/apparmor")));
      touch("attr/apparmor/exec");
    }
    auto opened = fs::open(dir.path(), O_PATH | O_DIRECTORY);
    REQUIRE(opened);
    fd = std::move(*opened);
  }
  void touch(const std::string& name) const {
    REQUIRE(fs::write_file_atomic(dir.join("thread-self/" + name), ""));
  }
  std::string read(const std::string& name) const {
    auto text = fs::read_file(dir.join("thread-self/" + name));
    REQUIRE(text);
    return *text;
  }
};

}  // namespace

TEST_CASE("apparmor_parameter_enabled: only a parameter reading Y", "[security]") {
  CHECK(security::apparmor_parameter_enabled("Y\n"));
  CHECK(security::apparmor_parameter_enabled("Y"));
  CHECK_FALSE(security::apparmor_parameter_enabled("N\n"));
  CHECK_FALSE(security::apparmor_parameter_enabled(""));  // no apparmor module
  CHECK_FALSE(security::apparmor_parameter_enabled("y\n"));
}

TEST_CASE("selinux_context_enabled: a writable selinuxfs and a context other than kernel",
          "[security]") {
  CHECK(security::selinux_context_enabled(true,
                                          std::string("system_u:system_r:unconfined_t:s0\0", 34)));
  CHECK(security::selinux_context_enabled(
      true, "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\n"));
  // SELinux built in, no policy loaded: every task is "kernel".
  CHECK_FALSE(security::selinux_context_enabled(true, std::string("kernel\0", 7)));
  CHECK_FALSE(security::selinux_context_enabled(true, "kernel\n"));
  // No selinuxfs, or one mounted read-only (how runtimes hide SELinux from a container).
  CHECK_FALSE(security::selinux_context_enabled(false, "system_u:system_r:container_t:s0"));
}

TEST_CASE("host_lsm_support agrees with the module parameter and selinuxfs", "[security]") {
  auto parameter = fs::read_file("/sys/module/apparmor/parameters/enabled");
  CHECK(security::apparmor_enabled() == (parameter && parameter->starts_with('Y')));
  struct stat st{};
  if (::stat("/sys/fs/selinux/enforce", &st) != 0) CHECK_FALSE(security::selinux_enabled());
  CHECK(security::host_lsm_support() ==
        security::LsmSupport{security::apparmor_enabled(), security::selinux_enabled()});
}

TEST_CASE("apparmor_exec_command: what aa_change_onexec writes", "[security]") {
  CHECK(security::apparmor_exec_command("docker-default") == "exec docker-default");
  CHECK(security::apparmor_exec_command("unconfined") == "exec unconfined");
}

TEST_CASE("set_apparmor_exec_profile: attr/apparmor/exec when the kernel has it", "[security]") {
  FakeProc proc(true);
  REQUIRE(security::set_apparmor_exec_profile(proc.fd.get(), "cri-containerd.apparmor.d"));
  CHECK(proc.read("attr/apparmor/exec") == "exec cri-containerd.apparmor.d");
  CHECK(proc.read("attr/exec").empty());
}

TEST_CASE("set_apparmor_exec_profile: attr/exec on a kernel without attr/apparmor", "[security]") {
  FakeProc proc(false);
  REQUIRE(security::set_apparmor_exec_profile(proc.fd.get(), "docker-default"));
  CHECK(proc.read("attr/exec") == "exec docker-default");
}

TEST_CASE("set_apparmor_exec_profile: no attr file at all is an error naming the path",
          "[security]") {
  test::TempDir empty;
  auto fd = fs::open(empty.path(), O_PATH | O_DIRECTORY);
  REQUIRE(fd);
  auto result = security::set_apparmor_exec_profile(fd->get(), "p");
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == ENOENT);
  CHECK(result.error().to_string().find("/proc/thread-self/attr/exec") != std::string::npos);
}

TEST_CASE("set_selinux_exec_label and keycreate write the label as given", "[security]") {
  FakeProc proc(true);
  const std::string label = "system_u:system_r:container_t:s0:c1,c2";
  REQUIRE(security::set_selinux_exec_label(proc.fd.get(), label));
  REQUIRE(security::set_selinux_keycreate_label(proc.fd.get(), label));
  CHECK(proc.read("attr/exec") == label);
  CHECK(proc.read("attr/keycreate") == label);
  CHECK(proc.read("attr/apparmor/exec").empty());
}

TEST_CASE("set_selinux_keycreate_label: a kernel without attr/keycreate is not an error",
          "[security]") {
  FakeProc proc(false);
  REQUIRE(::unlink(proc.dir.join("thread-self/attr/keycreate").c_str()) == 0);
  CHECK(security::set_selinux_keycreate_label(proc.fd.get(), "system_u:system_r:container_t:s0"));
  // The exec label has no such excuse.
  REQUIRE(::unlink(proc.dir.join("thread-self/attr/exec").c_str()) == 0);
  CHECK_FALSE(security::set_selinux_exec_label(proc.fd.get(), "system_u:system_r:container_t:s0"));
}

TEST_CASE("attr writers refuse a path that leaves the procfs tree", "[security]") {
  // thread-self as a symlink out of the tree (RESOLVE_BENEATH): a container-made /proc could
  // point the write anywhere.
  test::TempDir outside;
  REQUIRE(fs::mkdir_p(outside.join("attr")));
  REQUIRE(fs::write_file_atomic(outside.join("attr/exec"), ""));
  test::TempDir proc;
  REQUIRE(::symlink(outside.path().c_str(), proc.join("thread-self").c_str()) == 0);
  auto fd = fs::open(proc.path(), O_PATH | O_DIRECTORY);
  REQUIRE(fd);
  CHECK_FALSE(security::set_selinux_exec_label(fd->get(), "system_u:system_r:container_t:s0"));
  auto text = fs::read_file(outside.join("attr/exec"));
  REQUIRE(text);
  CHECK(text->empty());
}

TEST_CASE("attr writers reach the real procfs: thread-self resolves without leaving the mount",
          "[security]") {
  // A label no LSM takes: EINVAL from the kernel proves the write got to attr/exec through
  // thread-self (not ENOENT, and not EXDEV from RESOLVE_NO_XDEV). In a child: a write that did
  // take would label its next execve, and the test process never needs that.
  std::string report = test::in_child([]() -> std::string {
    auto proc = sys::open_procfs();
    if (!proc) return proc.error().to_string();
    auto label = security::set_selinux_exec_label(proc->get(), "not a context");
    if (label || label.error().code() != EINVAL) return "selinux exec label: expected EINVAL";
    auto profile =
        security::set_apparmor_exec_profile(proc->get(), "cruntime-test-no-such-profile");
    if (profile) return "an AppArmor profile that does not exist was accepted";
    // With AppArmor: no such profile (ENOENT); without: no LSM takes "exec ..." (EINVAL).
    const int expected = security::apparmor_enabled() ? ENOENT : EINVAL;
    if (profile.error().code() != expected) return "apparmor: " + profile.error().to_string();
    return "";
  });
  CHECK(report == "");
}

TEST_CASE("attr writers refuse a file mounted over the attr file", "[security][root]") {
  if (test::skip_unless_root("bind mounts in a private mount namespace")) return;
  FakeProc proc(false);
  test::TempDir other;
  const std::string decoy = other.join("decoy");
  REQUIRE(fs::write_file_atomic(decoy, ""));
  std::string report = test::in_child([&]() -> std::string {
    if (::unshare(CLONE_NEWNS) != 0) return "unshare CLONE_NEWNS failed";
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      return "make / private failed";
    }
    const std::string target = proc.dir.join("thread-self/attr/exec");
    if (::mount(decoy.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return "bind failed";
    }
    // Opened after the mount: a handle from before sees the namespace it was opened in.
    auto root = fs::open(proc.dir.path(), O_PATH | O_DIRECTORY);
    if (!root) return root.error().to_string();
    auto result = security::set_selinux_exec_label(root->get(), "system_u:system_r:container_t:s0");
    if (result) return "the write went through a bind mount";
    if (result.error().code() != EXDEV) return result.error().to_string();
    auto text = fs::read_file(decoy);
    if (!text || !text->empty()) return "the decoy was written";
    return "";
  });
  CHECK(report == "");
}
