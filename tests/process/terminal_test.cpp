// Unit tests for the container terminal: the pty checks, and setup_terminal itself as root in a
// child with a private mount namespace, a tmpfs /dev and a fresh devpts instance.
#include "cruntime/process/terminal.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/sys/fd_passing.hpp"
#include "support/child.hpp"
#include "support/host.hpp"
#include "support/temp_dir.hpp"

using cruntime::UniqueFd;
using cruntime::process::check_pty_slave;
using cruntime::process::is_pty_slave_device;
using cruntime::process::setup_terminal;
using cruntime::test::in_child;

TEST_CASE("is_pty_slave_device: Unix98 slave majors 136-143 only", "[process]") {
  CHECK(is_pty_slave_device(makedev(136, 0)));
  CHECK(is_pty_slave_device(makedev(143, 1048575)));
  CHECK_FALSE(is_pty_slave_device(makedev(135, 0)));
  CHECK_FALSE(is_pty_slave_device(makedev(144, 0)));
  CHECK_FALSE(is_pty_slave_device(makedev(5, 2)));  // ptmx
  CHECK_FALSE(is_pty_slave_device(makedev(1, 3)));  // /dev/null
  CHECK_FALSE(is_pty_slave_device(makedev(4, 1)));  // a virtual console
}

TEST_CASE("check_pty_slave: a real slave passes, masters and other files do not", "[process]") {
  UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  REQUIRE(master);
  int unlock = 0;
  REQUIRE(::ioctl(master.get(), TIOCSPTLCK, &unlock) == 0);
  UniqueFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  REQUIRE(slave);
  CHECK(check_pty_slave(slave.get()));
  CHECK_FALSE(check_pty_slave(master.get()));
  UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  auto not_pty = check_pty_slave(null.get());
  REQUIRE_FALSE(not_pty);
  CHECK(not_pty.error().to_string() == "not a pty slave (mode 20000, device 1:3)");
  cruntime::test::TempDir dir;
  UniqueFd file(::open(dir.join("f").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  CHECK_FALSE(check_pty_slave(file.get()));
}

TEST_CASE("setup_terminal: without a console socket it fails before touching anything",
          "[process]") {
  auto r = setup_terminal(-1, cruntime::spec::Process{},
                          cruntime::process::ConsoleBinding::kBindDevConsole);
  REQUIRE_FALSE(r);
  CHECK(r.error().to_string() ==
        "the process needs a terminal but there is no console socket (--console-socket)");
}

namespace {

// The container's /dev as the init sees it after pivot_root: tmpfs, devpts newinstance, and
// /dev/ptmx -> pts/ptmx. Only this child's private mount namespace changes.
std::string make_container_dev() {
  if (::unshare(CLONE_NEWNS) != 0) return "unshare CLONE_NEWNS failed";
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return "make / private failed";
  if (::mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=755") != 0)
    return "mount tmpfs on /dev failed";
  if (::mkdir("/dev/pts", 0755) != 0) return "mkdir /dev/pts failed";
  if (::mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620,gid=5") != 0) {
    return "mount devpts failed";
  }
  if (::symlink("pts/ptmx", "/dev/ptmx") != 0) return "symlink /dev/ptmx failed";
  return "";
}

// What the container process sees on fd 0/1/2 and /dev/console after setup_terminal.
std::string check_container_side() {
  struct stat in {};
  struct stat console {};
  if (::fstat(0, &in) != 0 || ::stat("/dev/console", &console) != 0) return "stat failed";
  if (!is_pty_slave_device(in.st_rdev)) return "fd 0 is not a pty slave";
  if (console.st_rdev != in.st_rdev) return "/dev/console is not the slave";
  if (in.st_uid != 1000) return "slave not chowned to the process's uid";
  // The group is devpts' gid= (tty), not the process's gid.
  if (in.st_gid != 5) return "slave group is not devpts' gid=5";
  winsize size{};
  if (::ioctl(1, TIOCGWINSZ, &size) != 0 || size.ws_row != 24 || size.ws_col != 100)
    return "size not set";
  // TIOCGSID fails with ENOTTY unless the pty is the caller's controlling terminal.
  if (::tcgetsid(0) != ::getpid()) return "the pty is not this session's controlling terminal";
  const std::string hello = "hello from the container\n";
  if (::write(2, hello.data(), hello.size()) != static_cast<ssize_t>(hello.size()))
    return "write failed";
  return "";
}

}  // namespace

TEST_CASE("setup_terminal: pty from the container's devpts, console bound, master sent",
          "[process][root]") {
  if (cruntime::test::skip_unless_root()) return;
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  UniqueFd runtime_end(pair[0]);
  UniqueFd init_end(pair[1]);
  std::string report = in_child([&] {
    if (std::string made = make_container_dev(); !made.empty()) return made;
    if (::setsid() < 0) return std::string("setsid failed");
    cruntime::spec::Process process;
    process.user.uid = 1000;
    process.user.gid = 1000;
    process.console_size = cruntime::spec::ConsoleSize{24, 100};
    if (auto r = setup_terminal(init_end.get(), process,
                                cruntime::process::ConsoleBinding::kBindDevConsole);
        !r)
      return r.error().to_string();
    if (::fcntl(init_end.get(), F_GETFD) < 0) return std::string("console socket closed");
    return check_container_side();
  });
  REQUIRE(report == "");
  init_end.reset();
  auto got = cruntime::sys::recv_with_fds(runtime_end.get(), 4096, 4);
  REQUIRE(got);
  CHECK(got->data == "/dev/pts/0");  // the first pty of a new devpts instance
  REQUIRE(got->fds.size() == 1);
  struct stat master {};
  REQUIRE(::fstat(got->fds[0].get(), &master) == 0);
  CHECK(major(master.st_rdev) == 5);
  CHECK(minor(master.st_rdev) == 2);
  // What the container wrote is waiting on the master (ONLCR is still on: the relay clears it).
  std::string seen;
  char buf[256];
  ssize_t n = ::read(got->fds[0].get(), buf, sizeof buf);
  if (n > 0) seen.assign(buf, static_cast<size_t>(n));
  CHECK(seen == "hello from the container\r\n");
}
