// process.user and noNewPrivileges in the init: groups, gid, uid (keeping caps), umask, no_new_privs.
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/spec/process.hpp"

namespace cruntime::security {

// 2. setgroups(additionalGids, empty list clears), setresgid, setresuid with PR_SET_KEEPCAPS
// so the permitted set survives; umask (0022 when unset, as runc). Runs between
// capabilities.hpp's drop_bounding_set and apply_capabilities.
Result<void> switch_user(const spec::User& user);
Result<void> set_no_new_privs();

}  // namespace cruntime::security
