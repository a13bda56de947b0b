// Parent side of SCMP_ACT_NOTIFY (cli-contract §8.8): the message for a seccomp agent at
// linux.seccomp.listenerPath, and sending it with the notify fd.
#pragma once

#include <string>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/seccomp.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::security {

// runtime-spec's ContainerProcessState:
// {"ociVersion","fds":["seccompFd"],"pid":N,"metadata"?:…,"state":<state in the hooks' shape>}.
std::string seccomp_listener_message(const spec::Seccomp& seccomp, const spec::State& state,
                                     int pid);

// Connect to listenerPath and send that message with the notify fd in one sendmsg.
Result<void> send_seccomp_listener(const spec::Seccomp& seccomp, const spec::State& state, int pid,
                                   int notify_fd);

}  // namespace cruntime::security
