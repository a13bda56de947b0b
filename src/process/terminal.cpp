// process.terminal inside the init: a pty from the container's devpts, the slave checked, bound
// onto /dev/console and made the controlling terminal, the master sent to the console socket.
#include "cruntime/process/terminal.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "cruntime/base/fs.hpp"
#include "cruntime/sys/fd_passing.hpp"

namespace cruntime::process {
namespace {

constexpr unsigned kPtmxMajor = 5;  // TTYAUX_MAJOR
constexpr unsigned kPtmxMinor = 2;
constexpr unsigned kPtySlaveMajorFirst = 136;  // UNIX98_PTY_SLAVE_MAJOR
constexpr unsigned kPtySlaveMajorCount = 8;    // UNIX98_PTY_MAJOR_COUNT

struct Pty {
  UniqueFd master;
  UniqueFd slave;
  std::string name;  // "/dev/pts/N"
};

Result<void> check_ptmx(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(Error::sys(errno, "fstat /dev/ptmx"));
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != kPtmxMajor || minor(st.st_rdev) != kPtmxMinor) {
    return fail_msg("/dev/ptmx is not the pty multiplexer (char 5:2)");
  }
  return {};
}

// The slave through the master (TIOCGPTPEER, 4.13+), so no path lookup can be redirected; the
// /dev/pts/N path only on kernels without it.
Result<UniqueFd> open_peer(int master, const std::string& name) {
  int fd = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && (errno == EINVAL || errno == ENOTTY)) {
    fd = ::open(name.c_str(), O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return fail(Error::sys(errno, fmt::format("open {}", name)));
  }
  if (fd < 0) return fail(Error::sys(errno, "ioctl TIOCGPTPEER"));
  // Kept above stdio: it is dup2'ed onto 0/1/2 and then closed.
  return fs::above_stdio(UniqueFd(fd));
}

// After pivot_root "/dev/ptmx" is the container's: usually a symlink to pts/ptmx of its own
// devpts instance, which is followed on purpose.
Result<Pty> open_pty() {
  Pty pty;
  int fd = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return fail(Error::sys(errno, "open /dev/ptmx"));
  pty.master.reset(fd);
  CR_TRY(check_ptmx(pty.master.get()));
  int unlock = 0;
  if (::ioctl(pty.master.get(), TIOCSPTLCK, &unlock) != 0) {
    return fail(Error::sys(errno, "unlock the pty (TIOCSPTLCK)"));
  }
  unsigned int number = 0;
  if (::ioctl(pty.master.get(), TIOCGPTN, &number) != 0) {
    return fail(Error::sys(errno, "pty number (TIOCGPTN)"));
  }
  pty.name = fmt::format("/dev/pts/{}", number);
  pty.slave = CR_TRY(open_peer(pty.master.get(), pty.name));
  CR_TRY_CTX(check_pty_slave(pty.slave.get()), "{}", pty.name);
  return pty;
}

Result<void> configure_slave(const Pty& pty, const spec::Process& process) {
  // The owner becomes the process's user; the group stays the one devpts gave the slave (the
  // devpts gid= option, "tty" (5) in the default config), as runc and a login's pty do.
  if (::fchown(pty.slave.get(), process.user.uid, static_cast<gid_t>(-1)) != 0) {
    return fail(Error::sys(errno, fmt::format("chown {} to uid {}", pty.name, process.user.uid)));
  }
  // config.md: consoleSize applies only when both dimensions are set.
  if (process.console_size && process.console_size->height > 0 && process.console_size->width > 0) {
    winsize size{};
    size.ws_row = static_cast<unsigned short>(process.console_size->height);
    size.ws_col = static_cast<unsigned short>(process.console_size->width);
    if (::ioctl(pty.slave.get(), TIOCSWINSZ, &size) != 0) {
      return fail(Error::sys(errno, "consoleSize: TIOCSWINSZ"));
    }
  }
  return {};
}

// /dev/console inside the container: an existing non-symlink file, or an empty 0666 file we
// create, as the mount point for the slave.
Result<UniqueFd> open_console_target() {
  UniqueFd dev_fd(::open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dev_fd) return fail(Error::sys(errno, "open /dev"));
  UniqueFd console(::openat(dev_fd.get(), "console", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!console && errno == ENOENT) {
    console.reset(::openat(dev_fd.get(), "console",
                           O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (console && ::fchmod(console.get(), 0666) != 0) {  // undo the umask
      return fail(Error::sys(errno, "chmod /dev/console"));
    }
  }
  if (!console) return fail(Error::sys(errno, "open /dev/console"));
  struct stat st {};
  if (::fstat(console.get(), &st) != 0) return fail(Error::sys(errno, "stat /dev/console"));
  // O_NOFOLLOW|O_PATH opens a symlink itself rather than failing: refuse it here.
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
    return fail_msg("/dev/console is neither a file nor a device (a symlink or directory?)");
  }
  return console;
}

Result<void> bind_console(const Pty& pty) {
  UniqueFd console = CR_TRY(open_console_target());
  // Through /proc/self/fd so the mount lands on the inode just checked, not on whatever the
  // path names now; the plain paths only when the container has no /proc (nothing else runs
  // in it yet, so they still name the same files).
  std::string source = fmt::format("/proc/self/fd/{}", pty.slave.get());
  std::string target = fmt::format("/proc/self/fd/{}", console.get());
  if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) == 0) return {};
  if (errno != ENOENT)
    return fail(Error::sys(errno, fmt::format("bind {} onto /dev/console", pty.name)));
  if (::mount(pty.name.c_str(), "/dev/console", nullptr, MS_BIND, nullptr) != 0) {
    return fail(Error::sys(errno, fmt::format("bind {} onto /dev/console", pty.name)));
  }
  return {};
}

Result<void> become_controlling_terminal(const Pty& pty) {
  if (::ioctl(pty.slave.get(), TIOCSCTTY, 0) != 0) {
    return fail(
        Error::sys(errno, fmt::format("make {} the controlling terminal (TIOCSCTTY)", pty.name)));
  }
  for (int target = 0; target <= 2; ++target) {
    if (::dup2(pty.slave.get(), target) < 0) {
      return fail(Error::sys(errno, fmt::format("dup2 {} onto fd {}", pty.name, target)));
    }
  }
  return {};
}

}  // namespace

bool is_pty_slave_device(dev_t rdev) {
  const unsigned maj = major(rdev);
  return maj >= kPtySlaveMajorFirst && maj < kPtySlaveMajorFirst + kPtySlaveMajorCount;
}

Result<void> check_pty_slave(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(Error::sys(errno, "fstat"));
  if (!S_ISCHR(st.st_mode) || !is_pty_slave_device(st.st_rdev)) {
    return fail_msg("not a pty slave (mode {:o}, device {}:{})", st.st_mode & S_IFMT,
                    major(st.st_rdev), minor(st.st_rdev));
  }
  return {};
}

Result<void> setup_terminal(int console_socket, const spec::Process& process,
                            ConsoleBinding binding) {
  if (console_socket < 0) {
    return fail_msg(
        "the process needs a terminal but there is no console socket (--console-socket)");
  }
  Pty pty = CR_TRY(open_pty());
  CR_TRY(configure_slave(pty, process));
  if (binding == ConsoleBinding::kBindDevConsole) CR_TRY(bind_console(pty));
  const int master = pty.master.get();
  CR_TRY_CTX(sys::send_with_fds(console_socket, pty.name, std::span<const int>(&master, 1)),
             "send the pty master to the console socket");
  pty.master.reset();  // the container must not hold its own master
  CR_TRY(become_controlling_terminal(pty));
  return {};
}

}  // namespace cruntime::process
