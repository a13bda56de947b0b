// Parent side of SCMP_ACT_NOTIFY (cli-contract §8.8): hand the init's notify fd and the
// container-process state to the agent at linux.seccomp.listenerPath.
#include "cruntime/security/seccomp_listener.hpp"

#include <span>
#include <string>

#include "cruntime/spec/io.hpp"
#include "cruntime/spec/version.hpp"
#include "cruntime/sys/fd_passing.hpp"

namespace cruntime::security {

std::string seccomp_listener_message(const spec::Seccomp& seccomp, const spec::State& state,
                                     int pid) {
  spec::ContainerProcessState message;
  message.oci_version = std::string(spec::kOciVersion);
  message.fds = {"seccompFd"};
  message.pid = pid;
  message.metadata = seccomp.listener_metadata.value_or("");
  message.state = state;
  return spec::dump_container_process_state(message);
}

Result<void> send_seccomp_listener(const spec::Seccomp& seccomp, const spec::State& state, int pid,
                                   int notify_fd) {
  if (!seccomp.listener_path || seccomp.listener_path->empty()) {
    return fail_msg("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
  }
  const std::string& path = *seccomp.listener_path;
  UniqueFd sock = CR_TRY_CTX(sys::connect_unix(path), "linux.seccomp.listenerPath");
  // One sendmsg carries the whole message and the fd; the agent reads it as one unit.
  const std::string message = seccomp_listener_message(seccomp, state, pid);
  CR_TRY_CTX(sys::send_with_fds(sock.get(), message, std::span<const int>(&notify_fd, 1)),
             "send the seccomp notify fd to {}", path);
  return {};
}

}  // namespace cruntime::security
