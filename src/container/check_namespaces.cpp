// `cruntime check`, namespaces: the kinds the kernel has, whether
// (unprivileged) user namespaces may be created, and the caller's subordinate
// id ranges.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/container/check_probes.hpp"
#include "cruntime/process/idmap_helper.hpp"
#include "cruntime/process/subid.hpp"

namespace cruntime::container {
namespace {

struct NamespaceKind {
  std::string_view spec_name;  // linux.namespaces[].type
  std::string_view proc_name;  // /proc/self/ns/<name>
  bool in_default = false;     // the `cruntime spec` config asks for it
};
constexpr NamespaceKind kKinds[] = {
    {"pid", "pid", true},    {"network", "net", true}, {"ipc", "ipc", true},
    {"uts", "uts", true},    {"mount", "mnt", true},   {"cgroup", "cgroup", true},
    {"user", "user", false}, {"time", "time", false},
};

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The trimmed text of a /proc/sys file; nullopt when the kernel has no such
// knob.
std::optional<std::string> sysctl(const std::string& path) {
  auto text = fs::read_file(path, 256);
  if (!text) return std::nullopt;
  return std::string(strings::trim(*text));
}

HostCheck kinds_check(const CheckContext& ctx) {
  HostCheck c = make_check("namespaces");
  std::vector<std::string> missing;
  for (const NamespaceKind& kind : kKinds) {
    if (exists(fmt::format("/proc/self/ns/{}", kind.proc_name))) {
      c.values.emplace_back(kind.spec_name);
      continue;
    }
    missing.emplace_back(kind.spec_name);
    const bool needed = kind.in_default || (kind.spec_name == "user" && ctx.rootless);
    if (needed) c.blocks = true;
  }
  c.value = strings::join(c.values, " ");
  c.reason = "kinds the kernel has (/proc/self/ns)";
  if (!missing.empty()) {
    c.status = c.blocks ? CheckStatus::kMissing : CheckStatus::kWarning;
    c.reason += fmt::format("; missing: {}", strings::join(missing, ", "));
    c.impact = "a container that asks for a missing kind fails to create";
  }
  return c;
}

// kernel.unprivileged_userns_clone (Debian's patch), user.max_user_namespaces
// (upstream) and kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10+).
HostCheck userns_check(const CheckContext& ctx) {
  HostCheck c = make_check("userns");
  const auto max = sysctl("/proc/sys/user/max_user_namespaces");
  const auto clone = sysctl("/proc/sys/kernel/unprivileged_userns_clone");
  const auto restrict = sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
  std::vector<std::string> facts;
  if (max) facts.push_back(fmt::format("user.max_user_namespaces={}", *max));
  if (clone) facts.push_back(fmt::format("kernel.unprivileged_userns_clone={}", *clone));
  if (restrict)
    facts.push_back(fmt::format("kernel.apparmor_restrict_unprivileged_userns={}", * restrict));
  c.values = facts;
  const std::string facts_text =
      facts.empty() ? "no user namespace sysctls" : strings::join(facts, ", ");
  if (!exists("/proc/self/ns/user") || (max && *max == "0")) {
    c.status = CheckStatus::kMissing;
    c.value = "disabled";
    c.reason = fmt::format("user namespaces are off for everyone ({})", facts_text);
    c.impact =
        "a container with a user namespace (and every rootless one) "
        "fails to create";
    c.blocks = ctx.rootless;
    return c;
  }
  const bool unprivileged_off = clone && *clone == "0";
  const bool restricted = restrict && * restrict == "1";
  if (unprivileged_off || restricted) {
    c.status = ctx.rootless ? CheckStatus::kMissing : CheckStatus::kWarning;
    c.value = "root-only";
    c.reason = fmt::format("only privileged callers get usable user namespaces ({})", facts_text);
    c.impact =
        "rootless containers fail to create; root's user namespace "
        "containers work";
    c.blocks = ctx.rootless;
    return c;
  }
  c.value = "enabled";
  c.reason = fmt::format("unprivileged users may create user namespaces ({})", facts_text);
  return c;
}

std::optional<std::vector<std::string>> read_ranges(const std::string& file,
                                                    const CheckContext& ctx) {
  auto text = fs::read_file(file);
  if (!text) return std::nullopt;
  std::vector<std::string> out;
  for (const process::SubIdRange& r : process::parse_subid_ranges(*text, ctx.user, ctx.euid)) {
    out.push_back(fmt::format("{}:{}", r.start, r.count));
  }
  return out;
}

HostCheck helpers_check(const CheckContext& ctx) {
  HostCheck c = make_check("userns.helpers");
  for (const process::MapHelper* helper : {&process::kNewUidMap, &process::kNewGidMap}) {
    if (auto path = process::find_in_path(helper->name, ctx.path_env)) c.values.push_back(*path);
  }
  if (c.values.size() == 2) {
    c.value = "yes";
    c.reason = "newuidmap and newgidmap found in PATH";
    return c;
  }
  c.value = "no";
  c.status = ctx.rootless ? CheckStatus::kWarning : CheckStatus::kOk;
  c.reason = "newuidmap/newgidmap not both in PATH (Debian package uidmap)";
  if (ctx.rootless) c.impact = "a rootless container can map only the caller's own uid and gid";
  return c;
}

}  // namespace

HostCheck subid_check(std::string_view name, std::string_view file,
                      const std::optional<std::vector<std::string>>& ranges,
                      const CheckContext& ctx) {
  HostCheck c = make_check(std::string(name));
  const std::string who = ctx.user.empty() ? fmt::format("uid {}", ctx.euid)
                                           : fmt::format("{} (uid {})", ctx.user, ctx.euid);
  if (ranges) c.values = *ranges;
  c.value = std::to_string(c.values.size());
  if (!c.values.empty()) {
    c.reason = fmt::format("ranges of {} in {} (start:count)", who, file);
    return c;
  }
  c.reason = ranges ? fmt::format("no range of {} in {}", who, file)
                    : fmt::format("{} is missing or unreadable", file);
  if (ctx.rootless) {
    c.status = CheckStatus::kWarning;
    c.impact =
        "a rootless container can map only the caller's own id (one "
        "mapping of size 1)";
  } else {
    c.reason += "; root maps any ids itself";
  }
  return c;
}

std::vector<HostCheck> check_namespaces(const CheckContext& ctx) {
  return {kinds_check(ctx), userns_check(ctx),
          subid_check("userns.subuid", "/etc/subuid", read_ranges("/etc/subuid", ctx), ctx),
          subid_check("userns.subgid", "/etc/subgid", read_ranges("/etc/subgid", ctx), ctx),
          helpers_check(ctx)};
}

}  // namespace cruntime::container
