// process.capabilities in the init (libcap): the bounding set drop, then E/P/I and ambient.
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/spec/process.hpp"

namespace cruntime::security {

// 1. Drop everything not in capabilities.bounding from the bounding set (needs CAP_SETPCAP).
Result<void> drop_bounding_set(const spec::Capabilities& caps);
// 3. effective/permitted/inheritable via capset, then raise ambient. Unknown names: warning.
// (Step 2 is user.hpp's switch_user.)
Result<void> apply_capabilities(const spec::Capabilities& caps);

}  // namespace cruntime::security
