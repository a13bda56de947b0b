// Rootless mode (--rootless, cli-contract §3): who counts as unprivileged, and when a container
// may run without a cgroup of its own.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/detect.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::container {

// --rootless true|false|auto. auto: an euid other than 0, or root inside a user namespace that
// is not the initial one (runc's rule for the cgroupfs driver).
Result<bool> resolve_rootless(std::string_view mode);

// Whether linux.resources asks for limits that only a cgroup of the container's own can
// enforce, on this host (runc's rule). Device rules never count: a user namespace cannot make
// device nodes anyway (runc skips them too). v2: cgroup::v2_limits_need_cgroup against the
// controllers the hierarchy root offers (unreadable: every value counts). v1: any other field.
Result<bool> asks_for_limits(const spec::Config& config, const cgroup::Layout& layout);

// A cgroup the runtime could not create: in rootless mode, a permission error for a container
// without its own cgroupsPath and without limits is no reason to fail (runc): success then.
// Otherwise the error, naming the field that needs the cgroup when that is the reason.
Result<void> runs_without_cgroup(bool rootless, const spec::Config& config,
                                 const cgroup::Layout& layout, Error error);

// runc (RootlessEUID): a runtime running with an euid other than 0 gives the container's
// processes no supplementary groups, so a non-empty process.user.additionalGids is refused up
// front — also where newgidmap left setgroups(2) allowed in the user namespace.
Result<void> check_additional_gids(uid_t euid, const spec::User& user);

// What rootless mode supports and refuses, as `features` annotations (key, text): kept here,
// next to the code they describe.
std::vector<std::pair<std::string, std::string>> rootless_feature_annotations();

// runc: id-mapped mounts are for a runtime with euid 0; an unprivileged caller gets one line
// naming the mount instead of the kernel's EPERM from deep inside the create.
Result<void> check_idmapped_mounts(uid_t euid, const spec::Config& config);

}  // namespace cruntime::container
