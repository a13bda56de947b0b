// Credentials of the container process: capabilities, user switch, no_new_privs, seccomp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::security {

// "CAP_SYS_ADMIN" → 21; nullopt when unknown to this build or kernel.
std::optional<int> capability_number(std::string_view name);
// Every capability name this build knows, "CAP_CHOWN"... (for `features`).
std::vector<std::string> known_capabilities();
// The build's table only, whatever the kernel: "CAP_BPF" → 39.
std::optional<int> capability_index(std::string_view name);
// 21 → "CAP_SYS_ADMIN"; numbers newer than this build come back as "CAP_41".
std::string capability_name(int number);
// How many capabilities the running kernel has (cap_last_cap + 1).
int kernel_capability_count();

// 1. Drop everything not in capabilities.bounding from the bounding set (needs CAP_SETPCAP).
Result<void> drop_bounding_set(const spec::Capabilities& caps);
// 2. setgroups(additionalGids, empty list clears), setresgid, setresuid with PR_SET_KEEPCAPS
// so the permitted set survives; umask (0022 when unset, as runc).
Result<void> switch_user(const spec::User& user);
// 3. effective/permitted/inheritable via capset, then raise ambient. Unknown names: warning.
Result<void> apply_capabilities(const spec::Capabilities& caps);
Result<void> set_no_new_privs();

// Build and load the filter. Returns the notify fd when a rule uses SCMP_ACT_NOTIFY.
bool seccomp_uses_notify(const spec::Seccomp& seccomp);
Result<std::optional<UniqueFd>> load_seccomp(const spec::Seccomp& seccomp);
// send_seccomp_listener (the parent side) is in seccomp_listener.hpp.

}  // namespace cruntime::security
