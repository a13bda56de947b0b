// Which Linux security modules the host runs (AppArmor, SELinux), detected as runc does.
#pragma once

#include <string_view>

namespace cruntime::security {

struct LsmSupport {
  bool apparmor = false;
  bool selinux = false;
  bool operator==(const LsmSupport&) const = default;
};

// The text of /sys/module/apparmor/parameters/enabled says AppArmor is on: it starts with 'Y'
// (runc, crun and libapparmor read the same byte).
bool apparmor_parameter_enabled(std::string_view text);

// go-selinux's rule (runc's label package): SELinux is on when selinuxfs is mounted read-write
// and our own context is not "kernel", what a kernel with SELinux built in but no policy loaded
// reports. A read-only selinuxfs is how runtimes tell the software in a container that SELinux
// is off for it. `current_context` is the text of /proc/thread-self/attr/current.
bool selinux_context_enabled(bool selinuxfs_writable, std::string_view current_context);

// The host's state, read once per call from /sys and /proc.
bool apparmor_enabled();
bool selinux_enabled();
LsmSupport host_lsm_support();

}  // namespace cruntime::security
