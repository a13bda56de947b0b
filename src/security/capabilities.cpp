// process.capabilities: the bounding-set drop, the effective/permitted/inheritable sets (capset)
// and the ambient raise. Unknown names are a warning and never widen a set (config.md, runc).
#include "cruntime/security/capabilities.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/security/capability_names.hpp"
#include "cruntime/spec/process_names.hpp"

namespace cruntime::security {
namespace {

using CapState = CHandle<_cap_struct, cap_free>;
using CapMask = uint64_t;  // bit N = capability N; the kernel has fewer than 64

bool has(CapMask mask, int cap) { return (mask >> cap) & 1U; }

// Names → a mask of capabilities the running kernel has. The spec asks for a warning, not an
// error, on names the runtime or kernel does not know.
CapMask resolve(const std::optional<std::vector<std::string>>& names, std::string_view set) {
  CapMask mask = 0;
  if (!names) return mask;
  std::vector<std::string> unknown;
  for (const auto& name : *names) {
    if (std::optional<int> number = capability_number(name)) {
      mask |= CapMask{1} << *number;
    } else {
      unknown.push_back(name);
    }
  }
  if (!unknown.empty()) {
    log::warn("process.capabilities.{}: ignoring unknown or unavailable capabilities: {}", set,
              strings::join(unknown, ", "));
  }
  return mask;
}

std::vector<cap_value_t> values(CapMask mask) {
  std::vector<cap_value_t> out;
  for (int cap = 0; cap < 64; ++cap) {
    if (has(mask, cap)) out.push_back(static_cast<cap_value_t>(cap));
  }
  return out;
}

Result<void> set_flag(cap_t state, cap_flag_t flag, CapMask mask) {
  std::vector<cap_value_t> list = values(mask);
  if (list.empty()) return {};  // cap_init() starts with every flag clear
  if (cap_set_flag(state, flag, static_cast<int>(list.size()), list.data(), CAP_SET) != 0) {
    return fail(Error::sys(errno, "cap_set_flag"));
  }
  return {};
}

// Ambient capabilities need the capability in both permitted and inheritable; like runc, a
// capability that cannot be raised is reported and skipped rather than failing the container.
Result<void> set_ambient(CapMask mask) {
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    // EINVAL: a kernel before 4.3 has no ambient set, so there is nothing to clear.
    if (errno != EINVAL) return fail(Error::sys(errno, "clear the ambient capabilities"));
    if (mask != 0) log::warn("process.capabilities.ambient: the kernel has no ambient set");
    return {};
  }
  for (cap_value_t cap : values(mask)) {
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
      const Error err = Error::sys(errno, "raise ambient " + spec::capability_name(cap));
      log::warn("process.capabilities.ambient: {}", err.to_string());
    }
  }
  return {};
}

}  // namespace

Result<void> drop_bounding_set(const spec::Capabilities& caps) {
  // An absent list is an empty one: keep nothing (runc does the same).
  const CapMask keep = resolve(caps.bounding, "bounding");
  const int count = kernel_capability_count();
  for (int cap = 0; cap < count; ++cap) {
    if (has(keep, cap)) continue;
    const int present = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (present == 0) continue;
    if (present < 0) {
      if (errno == EINVAL) continue;  // not a capability of this kernel
      return fail(Error::sys(errno, "read the bounding set"));
    }
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      return fail(
          Error::sys(errno, fmt::format("drop {} from the bounding set", spec::capability_name(cap))));
    }
  }
  return {};
}

Result<void> apply_capabilities(const spec::Capabilities& caps) {
  CapState state(cap_init());
  if (!state) return fail(Error::sys(errno, "cap_init"));
  CR_TRY_CTX(set_flag(state.get(), CAP_EFFECTIVE, resolve(caps.effective, "effective")),
             "effective");
  CR_TRY_CTX(set_flag(state.get(), CAP_PERMITTED, resolve(caps.permitted, "permitted")),
             "permitted");
  CR_TRY_CTX(set_flag(state.get(), CAP_INHERITABLE, resolve(caps.inheritable, "inheritable")),
             "inheritable");
  // capset: effective must be a subset of permitted, and inheritable may only grow within
  // the bounding set.
  if (cap_set_proc(state.get()) != 0) {
    return fail(Error::sys(errno, "capset (effective, permitted, inheritable)"));
  }
  return set_ambient(resolve(caps.ambient, "ambient"));
}

}  // namespace cruntime::security
