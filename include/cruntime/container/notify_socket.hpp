// sd_notify pass-through (cli-contract §8.6, runc's notify_socket.go): with NOTIFY_SOCKET in the
// caller's environment, the container's NOTIFY_SOCKET is a socket in its state directory, and
// `start`/`run` relay the container's READY to the caller's socket with the right MAINPID.
//
//   create/run   config += bind <root>/<id>/notify → /run/notify (ro), env NOTIFY_SOCKET=
//                /run/notify/notify.sock; mkdir <root>/<id>/notify (0755)
//   run/start    connect the caller's NOTIFY_SOCKET; bind notify/notify.sock (0777); release init
//   then         wait for a READY= line (or the init's exit); send the caller "READY=…\n",
//                "MAINPID=<pid>\n", then "BARRIER=1" + a pipe, and wait ≤30 s for the pipe to close
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/process/console_relay.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::container {

inline constexpr std::string_view kNotifyDirName = "notify";          // in <root>/<id>/
inline constexpr std::string_view kNotifySocketName = "notify.sock";  // in kNotifyDirName
inline constexpr std::string_view kNotifyDirInContainer = "/run/notify";

// The bind mount of <container_dir>/notify at /run/notify (bind, nosuid, noexec, nodev, ro) after
// the config's own mounts, and NOTIFY_SOCKET=/run/notify/notify.sock at the end of process.env
// (the last occurrence of a variable wins). runc edits the config the same way, so the snapshot in
// the state directory shows both.
void add_notify_socket(spec::Config& config, std::string_view container_dir);

// <container dir>/notify (0755), the mount's source, made before the init is cloned.
Result<void> make_notify_dir(int container_dir_fd, std::string_view container_dir);

// The first line of one datagram from the container that starts with "READY=", if any (runc
// relays that line only; STATUS= and the rest are dropped).
std::optional<std::string_view> ready_line(std::string_view datagram);

// The two sockets of one relay: connected to the caller's NOTIFY_SOCKET, and bound in the state
// directory for the container. Both close with the relay, so the container's later messages are
// refused instead of piling up unread.
class NotifyRelay {
 public:
  // Connect to the caller's NOTIFY_SOCKET: a path, or "@name" for an abstract socket (systemd's
  // syntax). Done before anything is created or started, so a wrong value changes nothing.
  static Result<NotifyRelay> connect(std::string_view host);

  // Bind <container dir>/notify/notify.sock (0777, any container user may send). Before the init
  // is released: a READY sent at once must find the socket.
  Result<void> bind(int container_dir_fd, std::string_view container_dir);

  // Block until the container sends a READY= line, or the process behind `pidfd` exits. On READY,
  // send the caller that line, then MAINPID=<main_pid>, then the sd_notify barrier (BARRIER=1
  // with a pipe; at most 30 s for the caller to close it, then a warning). An exit before READY
  // sends nothing and is not an error (runc). There is no timeout, as in runc: the caller
  // (systemd's TimeoutStartSec) decides how long a start may take. With `console` (foreground
  // `run` with a terminal) the pty is relayed meanwhile: output before READY must not block.
  Result<void> relay_ready(int pidfd, pid_t main_pid,
                           process::ConsoleRelay* console = nullptr) const;

 private:
  NotifyRelay(UniqueFd host, std::string host_name)
      : host_(std::move(host)), host_name_(std::move(host_name)) {}

  UniqueFd host_;
  std::string host_name_;
  UniqueFd socket_;
};

}  // namespace cruntime::container
