// A container's linux.seccomp, built by the runtime before it clones the init or an exec'd
// process (through the program cache under the state root).
#pragma once

#include <optional>

#include "cruntime/base/error.hpp"
#include "cruntime/container/state_store.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::container {

// nullopt when the config has no filter; errors are framed "linux.seccomp: ...".
Result<std::optional<security::SeccompProgram>> build_container_seccomp(const spec::Config& config,
                                                                        const StateRoot& root);

}  // namespace cruntime::container
