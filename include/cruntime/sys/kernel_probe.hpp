// Which of the newer system calls the running kernel has, probed by calling
// them in a way that creates nothing (`cruntime check`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::sys {

// One probe: the system call's name, how it was called, and the errno it
// returned (0: it succeeded). ENOSYS alone means the kernel lacks it: EBADF,
// EINVAL or EPERM come from checks the kernel makes after it found the call.
struct SyscallProbe {
  std::string_view name;  // "clone3"
  std::string_view how;   // "clone3(NULL, 0): EINVAL when present"
  int err = 0;
  bool present() const;
};

// pidfd_open (5.3), clone3 (5.3), open_tree (5.2), mount_setattr (5.12), in
// this order.
std::vector<SyscallProbe> probe_syscalls();

// Whether the kernel knows MOUNT_ATTR_IDMAP (5.12): mount_setattr(-1, "",
// AT_EMPTY_PATH) asking for it with a user namespace fd that is not open fails
// with EBADF when it does, EINVAL when the attribute is unknown. EPERM: the
// caller may not mount, nothing is known.
SyscallProbe probe_idmap_attr();

// Id-maps a new, never attached tmpfs (fsopen + fsmount) with the user
// namespace `userns_fd`. Closing the mount fd frees it, so nothing is left
// behind. Needs CAP_SYS_ADMIN. EINVAL from mount_setattr: tmpfs cannot be
// id-mapped on this kernel (before 6.3).
Result<void> idmap_new_tmpfs(int userns_fd);

// uname(2)'s release: "6.1.0-18-amd64".
std::string kernel_release();

}  // namespace cruntime::sys
