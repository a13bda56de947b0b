// The message for a seccomp agent at linux.seccomp.listenerPath (cli-contract §8.8);
// send_seccomp_listener itself is declared in security.hpp.
#pragma once

#include <string>
#include <string_view>

#include "cruntime/spec/seccomp.hpp"

namespace cruntime::security {

// {"ociVersion","fds":["seccompFd"],"pid":N,"metadata"?:…,"state":<state_json>}; state_json
// must already be a JSON object.
std::string seccomp_listener_message(const spec::Seccomp& seccomp, std::string_view state_json,
                                     int pid);

}  // namespace cruntime::security
