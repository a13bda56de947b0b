// Every check `create` (and partly `exec`) can make before touching the system.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::container {

// A config that passed every check `create` can make before touching the system.
struct PreparedBundle {
  std::string bundle;  // absolute, symlink-free
  std::string rootfs;  // absolute, symlink-free directory
  std::unique_ptr<const spec::Config> config;  // validated; heap so its address survives moves
  std::string pid_file;                        // absolute or empty
  int listen_fds = 0;                          // socket activation fds (LISTEN_FDS for us)
};

// With options.notify_socket, the config also gets the notify socket's mount and env
// (notify_socket.hpp), under the container's directory in global.root.
Result<PreparedBundle> prepare_bundle(const GlobalOptions& global, std::string_view id,
                                      const CreateOptions& options);
// Every fd 3 .. 3+count-1 is open (--preserve-fds, LISTEN_FDS).
Result<void> check_preserved_fds(int count);
// security.md promise 13: an AppArmor profile on a host without AppArmor, or an SELinux label on
// a host without SELinux, is refused with one line rather than dropped: a process must not run
// less confined than its config says (create and exec; runc refuses both too).
Result<void> check_lsm_labels(const spec::Process& process, const security::LsmSupport& host);
// linux.intelRdt, before anything is made: resctrl must be mounted at /sys/fs/resctrl, and the
// 1.2 flags enableCMT/enableMBM are refused (create applies the rest: cgroup/resctrl.hpp).
Result<void> check_intel_rdt(const spec::Config& config);
// process.terminal needs a console socket (or run's own relay), and only then.
Result<void> check_terminal(const spec::Config& config, const CreateOptions& options);
bool wants_terminal(const spec::Config& config);

}  // namespace cruntime::container
