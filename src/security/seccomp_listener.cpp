// Parent side of SCMP_ACT_NOTIFY (cli-contract §8.8): hand the init's notify fd and the
// container-process state to the agent at linux.seccomp.listenerPath.
#include "cruntime/security/seccomp_listener.hpp"

#include <span>
#include <string>
#include <string_view>

#include "cruntime/base/strings.hpp"
#include "cruntime/security/security.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/version.hpp"
#include "cruntime/sys/fd_passing.hpp"

namespace cruntime::security {

std::string seccomp_listener_message(const spec::Seccomp& seccomp, std::string_view state_json,
                                     int pid) {
  // runtime-spec's ContainerProcessState; metadata is omitted when empty (omitempty).
  std::string out = "{\"ociVersion\":" + strings::json_quote(spec::kOciVersion);
  out += ",\"fds\":[\"seccompFd\"],\"pid\":" + std::to_string(pid);
  if (seccomp.listener_metadata && !seccomp.listener_metadata->empty()) {
    out += ",\"metadata\":" + strings::json_quote(*seccomp.listener_metadata);
  }
  out += ",\"state\":";
  out += state_json;
  out += '}';
  return out;
}

Result<void> send_seccomp_listener(const spec::Seccomp& seccomp, std::string_view state_json,
                                   int pid, int notify_fd) {
  if (!seccomp.listener_path || seccomp.listener_path->empty()) {
    return fail_msg("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
  }
  const std::string& path = *seccomp.listener_path;
  UniqueFd sock = CR_TRY_CTX(sys::connect_unix(path), "linux.seccomp.listenerPath");
  // One sendmsg carries the whole message and the fd; the agent reads it as one unit.
  const std::string message = seccomp_listener_message(seccomp, state_json, pid);
  CR_TRY_CTX(sys::send_with_fds(sock.get(), message, std::span<const int>(&notify_fd, 1)),
             "send the seccomp notify fd to {}", path);
  return {};
}

}  // namespace cruntime::security
