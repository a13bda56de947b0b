// Writes to /proc/thread-self/attr through a procfs handle: AppArmor's exec profile, SELinux's
// exec and keycreate contexts.
#include "cruntime/security/lsm_attr.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <unistd.h>

#include <cerrno>

#include "cruntime/sys/syscalls.hpp"

namespace cruntime::security {
namespace {

// thread-self is a plain symlink to <tgid>/task/<tid> inside the same procfs; nothing on the
// way may be a magic link, leave the procfs root or cross into another mount.
constexpr uint64_t kResolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;

Result<UniqueFd> open_attr(int proc_fd, std::string_view name) {
  auto file = sys::openat2(proc_fd, "thread-self/attr/" + std::string(name), O_WRONLY, kResolve);
  if (!file) {
    return fail(
        Error::sys(file.error().code(), fmt::format("open /proc/thread-self/attr/{}", name)));
  }
  return file;
}

// One write(2): the LSMs take each write as the whole value (a partial write is an error).
Result<void> write_attr(int fd, std::string_view name, std::string_view value) {
  ssize_t n = ::write(fd, value.data(), value.size());
  if (n == static_cast<ssize_t>(value.size())) return {};
  int err = n < 0 ? errno : EIO;
  return fail(
      Error::sys(err, fmt::format("write \"{}\" to /proc/thread-self/attr/{}", value, name)));
}

}  // namespace

std::string apparmor_exec_command(std::string_view profile) {
  return "exec " + std::string(profile);
}

Result<void> set_apparmor_exec_profile(int proc_fd, std::string_view profile) {
  std::string_view name = "apparmor/exec";
  auto file = open_attr(proc_fd, name);
  // runc's fallback: only a kernel without attr/apparmor/ at all uses the shared attr/exec.
  if (!file && file.error().code() == ENOENT) {
    name = "exec";
    file = open_attr(proc_fd, name);
  }
  if (!file) return fail(std::move(file).error());
  const std::string command = apparmor_exec_command(profile);
  auto written = write_attr(file->get(), name, command);
  // AppArmor answers ENOENT when no profile of that name is loaded.
  if (!written && written.error().code() == ENOENT) {
    return fail(
        Error::sys(ENOENT, fmt::format("AppArmor profile \"{}\" is not loaded (write \"{}\" "
                                       "to /proc/thread-self/attr/{})",
                                       profile, command, name)));
  }
  return written;
}

Result<void> set_selinux_exec_label(int proc_fd, std::string_view label) {
  UniqueFd file = CR_TRY(open_attr(proc_fd, "exec"));
  return write_attr(file.get(), "exec", label);
}

Result<void> set_selinux_keycreate_label(int proc_fd, std::string_view label) {
  auto file = open_attr(proc_fd, "keycreate");
  if (!file && file.error().code() == ENOENT) return {};
  if (!file) return fail(std::move(file).error());
  return write_attr(file->get(), "keycreate", label);
}

}  // namespace cruntime::security
