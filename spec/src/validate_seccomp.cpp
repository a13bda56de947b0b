// Pure checks of linux.seccomp (config-linux.md "Seccomp", cli-contract §12.3 and §8.8): action,
// architecture, flag and operator names as libseccomp knows them, errnoRet, args and the listener.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cruntime/spec/seccomp_names.hpp"
#include "validate_detail.hpp"

namespace cruntime::spec::detail {
namespace {

const std::string kBase = "linux.seccomp";
// struct seccomp_data has six syscall arguments.
constexpr uint32_t kSyscallArgs = 6;

// Checks one action and its errnoRet. Returns true when the action is SCMP_ACT_NOTIFY.
bool check_action(const std::string& action, const std::optional<uint32_t>& errno_ret,
                  const std::string& action_path, const std::string& errno_path, Problems& out) {
  const std::optional<SeccompAction> known = parse_seccomp_action(action);
  if (!known) {
    out.add(action_path, "unknown seccomp action " + quote(action));
    return false;
  }
  if (errno_ret && !seccomp_action_takes_errno(*known)) {
    out.add(errno_path, "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + action);
  }
  return *known == SeccompAction::kNotify;
}

template <class T>
void check_names(const std::optional<std::vector<std::string>>& list,
                 std::span<const Named<T>> table, const std::string& where,
                 std::string_view what, Problems& out) {
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) {
    if (!value_of(table, (*list)[i])) {
      out.add(at(where, i), fmt::format("unknown seccomp {} {}", what, quote((*list)[i])));
    }
  }
}

// Returns true when the rule uses SCMP_ACT_NOTIFY.
bool check_syscall(const SeccompSyscall& rule, const std::string& base, Problems& out) {
  if (rule.names.empty()) out.add(base + ".names", "must contain at least one syscall name");
  for (size_t i = 0; i < rule.names.size(); ++i) {
    if (rule.names[i].empty()) out.add(at(base + ".names", i), "must not be empty");
  }
  const bool notify = check_action(rule.action, rule.errno_ret, base + ".action",
                                   base + ".errnoRet", out);
  if (!rule.args) return notify;
  for (size_t i = 0; i < rule.args->size(); ++i) {
    const SeccompArg& arg = (*rule.args)[i];
    const std::string entry = at(base + ".args", i);
    if (arg.index >= kSyscallArgs) {
      out.add(entry + ".index", fmt::format("must be below {}, got {}", kSyscallArgs, arg.index));
    }
    if (!parse_seccomp_operator(arg.op)) {
      out.add(entry + ".op", "unknown seccomp operator " + quote(arg.op));
    }
  }
  return notify;
}

}  // namespace

void check_seccomp(const Seccomp& s, Problems& out) {
  const bool has_rules = s.syscalls && !s.syscalls->empty();
  // An empty object (no defaultAction, no rules) means "no filter", as in runc.
  if (s.default_action.empty() && !has_rules) return;
  if (check_action(s.default_action, s.default_errno_ret, kBase + ".defaultAction",
                   kBase + ".defaultErrnoRet", out)) {
    // The filter is loaded before execve: a notifying default would stop the runtime's own last
    // syscalls with nobody listening yet (runc refuses it too).
    out.add(kBase + ".defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
  }
  check_names(s.architectures, seccomp_arch_table(), kBase + ".architectures", "architecture", out);
  check_names(s.flags, seccomp_flag_table(), kBase + ".flags", "flag", out);
  if (s.listener_path) require_absolute(out, kBase + ".listenerPath", *s.listener_path);
  if (s.listener_metadata && !s.listener_path) {
    out.add(kBase + ".listenerMetadata", "only allowed together with linux.seccomp.listenerPath");
  }
  if (!s.syscalls) return;
  for (size_t i = 0; i < s.syscalls->size(); ++i) {
    const std::string base = at(kBase + ".syscalls", i);
    if (check_syscall((*s.syscalls)[i], base, out) && !s.listener_path) {
      out.add(base + ".action", "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    }
  }
}

}  // namespace cruntime::spec::detail
