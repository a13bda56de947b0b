// The labels a process takes at its next execve, written to its /proc/thread-self/attr files
// (proc(5)): the AppArmor exec profile, the SELinux exec and keycreate contexts.
#pragma once

#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"

namespace cruntime::security {

// What aa_change_onexec(3) writes for `profile`: "exec <profile>".
std::string apparmor_exec_command(std::string_view profile);

// Each writes one attr file of the calling thread below `proc_fd`, the root of a procfs
// (sys::open_procfs), resolved with openat2 without crossing a mount (RESOLVE_NO_XDEV): a file
// bind-mounted over /proc/<pid>/attr/... would otherwise take the write, and the process would
// run unconfined (CVE-2019-16884) or the write would land in another procfs file. An attr file
// only accepts writes about its own task, so callers are single-threaded or mean this thread.

// process.apparmorProfile: the profile the next execve enters (aa_change_onexec), through
// attr/apparmor/exec, or attr/exec on kernels without AppArmor's own attr directory.
Result<void> set_apparmor_exec_profile(int proc_fd, std::string_view profile);

// process.selinuxLabel: the context the next execve enters (setexeccon(3), attr/exec).
Result<void> set_selinux_exec_label(int proc_fd, std::string_view label);

// process.selinuxLabel for the keyrings this process creates from now on (setkeycreatecon(3),
// attr/keycreate). A kernel without the file (no key support) is not an error (go-selinux).
Result<void> set_selinux_keycreate_label(int proc_fd, std::string_view label);

}  // namespace cruntime::security
