// linux.seccomp in the init: build the filter from the spec (libseccomp) and load it.
#pragma once

#include <optional>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/seccomp.hpp"

namespace cruntime::security {

// True when a rule uses SCMP_ACT_NOTIFY.
bool seccomp_uses_notify(const spec::Seccomp& seccomp);
// Build and load the filter. Returns the notify fd when a rule uses SCMP_ACT_NOTIFY.
Result<std::optional<UniqueFd>> load_seccomp(const spec::Seccomp& seccomp);

}  // namespace cruntime::security
