// Host detection of AppArmor and SELinux: module parameter, selinuxfs and our own context.
#include "cruntime/security/lsm.hpp"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <string>

#include "cruntime/base/fs.hpp"

namespace cruntime::security {
namespace {

// runc's apparmor.IsEnabled also wants securityfs at /sys/kernel/security/apparmor, but only
// profile loading goes through securityfs: the attr/ interface applying a profile works without
// it (a runtime in a container that did not mount securityfs still confines its containers),
// and runc itself applies a profile without asking IsEnabled. The module parameter is what the
// kernel's AppArmor follows (it is cleared when the LSM is left out of lsm=).
constexpr const char* kAppArmorParameter = "/sys/module/apparmor/parameters/enabled";
// Where the kernel documents and systemd and libselinux mount selinuxfs (since Linux 3.0; the
// old /selinux mount point is not looked for).
constexpr const char* kSelinuxfs = "/sys/fs/selinux";
constexpr size_t kMaxAttrBytes = 4096;

// The contents of a small file, or "" when it cannot be read (no such module, no /proc).
std::string read_small_file(const std::string& path) {
  auto text = fs::read_file(path, kMaxAttrBytes);
  return text ? *text : std::string();
}

bool selinuxfs_writable() {
  struct statfs st{};
  if (::statfs(kSelinuxfs, &st) != 0) return false;
  return st.f_type == SELINUX_MAGIC && (st.f_flags & ST_RDONLY) == 0;
}

}  // namespace

bool apparmor_parameter_enabled(std::string_view text) { return text.starts_with('Y'); }

bool selinux_context_enabled(bool selinuxfs_writable, std::string_view current_context) {
  if (!selinuxfs_writable) return false;
  // The kernel ends the context with a NUL (and some LSMs with a newline).
  while (!current_context.empty() &&
         (current_context.back() == '\0' || current_context.back() == '\n')) {
    current_context.remove_suffix(1);
  }
  return current_context != "kernel";
}

bool apparmor_enabled() { return apparmor_parameter_enabled(read_small_file(kAppArmorParameter)); }

bool selinux_enabled() {
  if (!selinuxfs_writable()) return false;
  return selinux_context_enabled(true, read_small_file("/proc/thread-self/attr/current"));
}

LsmSupport host_lsm_support() { return {apparmor_enabled(), selinux_enabled()}; }

}  // namespace cruntime::security
