// linux.seccomp in the init: build the filter from the spec (libseccomp) and load it.
#pragma once

#include <linux/filter.h>

#include <optional>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/seccomp.hpp"

namespace cruntime::security {

// A filter built but not loaded: the BPF program (the -ENOSYS stub, then libseccomp's filter)
// and the seccomp(2) flags to load it with.
struct SeccompProgram {
  std::vector<sock_filter> program;
  unsigned int flags = 0;
};

// True for an empty linux.seccomp object (no defaultAction, no rules), which asks for no filter.
bool seccomp_is_empty(const spec::Seccomp& seccomp);
// True when a rule uses SCMP_ACT_NOTIFY.
bool seccomp_uses_notify(const spec::Seccomp& seccomp);
// Build the filter (libseccomp in memory; no syscall with an effect on the caller). nullopt for
// an empty linux.seccomp object, which asks for no filter.
Result<std::optional<SeccompProgram>> build_seccomp(const spec::Seccomp& seccomp);
// Load a built program into the calling process with seccomp(2). Returns the notify fd when the
// program was built with a notify rule (SECCOMP_FILTER_FLAG_NEW_LISTENER).
Result<std::optional<UniqueFd>> install_seccomp(const SeccompProgram& program);
// Build and load the filter. Returns the notify fd when a rule uses SCMP_ACT_NOTIFY.
Result<std::optional<UniqueFd>> load_seccomp(const spec::Seccomp& seccomp);

}  // namespace cruntime::security
