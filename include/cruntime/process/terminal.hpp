// The container's terminal: a pty from the container's devpts, master sent to --console-socket.
#pragma once

#include <sys/types.h>

#include <optional>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

// The init binds its pty onto /dev/console; a process `exec` starts leaves the console alone.
enum class ConsoleBinding { kBindDevConsole, kLeaveDevConsole };

// Inside the container's mount namespace and root: open /dev/ptmx (the container's devpts),
// unlock, get the peer with TIOCGPTPEER, check it is a real pty, apply consoleSize, chown the
// slave to the process's uid (the group stays devpts' gid= group), bind it onto /dev/console
// when asked, send the master over `console_socket` (one SCM_RIGHTS fd, payload = the pty's
// name, "/dev/pts/N"), TIOCSCTTY (the caller already called setsid), dup2 the slave onto 0/1/2.
Result<void> setup_terminal(int console_socket, const spec::Process& process,
                            ConsoleBinding binding);

// Unix98 pty slaves have majors 136..143 (Documentation/admin-guide/devices.txt).
bool is_pty_slave_device(dev_t rdev);
// `fd` is a character device that is a pty slave (security.md promise 2: the console is a PTY).
Result<void> check_pty_slave(int fd);

}  // namespace cruntime::process
