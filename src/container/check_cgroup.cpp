// `cruntime check`, cgroups: the mode, the controllers a container can get, and
// whether the caller may create cgroups where the runtime puts them.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/container/check_probes.hpp"

namespace cruntime::container {
namespace {

// The controllers a config's linux.resources sections need, and the field each
// one serves.
struct ControllerUse {
  std::string_view controller;
  std::string_view field;
};
constexpr ControllerUse kV2Uses[] = {
    {"cpu", "linux.resources.cpu (shares, quota)"},
    {"cpuset", "linux.resources.cpu.cpus/mems"},
    {"io", "linux.resources.blockIO"},
    {"memory", "linux.resources.memory"},
    {"pids", "linux.resources.pids"},
    {"hugetlb", "linux.resources.hugepageLimits"},
};
constexpr ControllerUse kV1Uses[] = {
    {"cpu", "linux.resources.cpu (shares, quota)"},
    {"cpuset", "linux.resources.cpu.cpus/mems"},
    {"blkio", "linux.resources.blockIO"},
    {"memory", "linux.resources.memory"},
    {"pids", "linux.resources.pids"},
    {"hugetlb", "linux.resources.hugepageLimits"},
    {"devices", "linux.resources.devices (the device allow list)"},
    {"freezer", "`cruntime pause`"},
};

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& word : strings::split(strings::trim(text), ' ')) {
    if (!word.empty()) out.push_back(word);
  }
  return out;
}

bool writable(const std::string& path) {
  return ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0;
}

HostCheck mode_check(const CheckContext& ctx, const Result<cgroup::Layout>& layout) {
  HostCheck c = make_check("cgroup.mode");
  if (!layout) {
    c.status = CheckStatus::kMissing;
    c.reason = fmt::format("no usable cgroup hierarchy: {}", layout.error().to_string());
    c.impact = ctx.rootless ? "containers run without a cgroup; linux.resources limits fail"
                            : "every container fails to get its cgroup";
    c.blocks = !ctx.rootless;
    return c;
  }
  c.value = std::string(cgroup_mode_value(layout->mode));
  switch (layout->mode) {
    case cgroup::Mode::kUnified:
      c.reason = fmt::format("cgroup2 at {} (unified hierarchy)", layout->unified_root);
      break;
    case cgroup::Mode::kHybrid:
      c.status = CheckStatus::kWarning;
      c.reason = fmt::format(
          "v1 controllers under {} and a cgroup2 mount "
          "without controllers (statfs and "
          "/proc/self/mountinfo)",
          cgroup::kCgroupRoot);
      c.impact =
          "linux.resources.unified and --systemd-cgroup are refused; "
          "limits use cgroup v1";
      break;
    case cgroup::Mode::kLegacy:
      c.status = CheckStatus::kWarning;
      c.reason = fmt::format("cgroup v1 only under {}", cgroup::kCgroupRoot);
      c.impact =
          "linux.resources.unified and --systemd-cgroup are refused; "
          "limits use cgroup v1";
      break;
  }
  return c;
}

// What the uses in `table` lack of `available`, as "controller (field)" texts.
template <size_t N>
std::vector<std::string> missing_uses(const ControllerUse (&table)[N],
                                      const std::vector<std::string>& available) {
  std::vector<std::string> out;
  for (const ControllerUse& use : table) {
    if (std::find(available.begin(), available.end(), use.controller) == available.end()) {
      out.push_back(fmt::format("{} ({})", use.controller, use.field));
    }
  }
  return out;
}

HostCheck controllers_v1(const cgroup::Layout& layout) {
  HostCheck c = make_check("cgroup.controllers");
  for (const cgroup::Hierarchy& h : layout.hierarchies) {
    for (const std::string& controller : h.controllers) {
      if (!controller.starts_with("name=")) c.values.push_back(controller);
    }
  }
  std::sort(c.values.begin(), c.values.end());
  c.value = strings::join(c.values, " ");
  c.reason = "mounted cgroup v1 hierarchies (/proc/self/mountinfo, /proc/cgroups)";
  const std::vector<std::string> missing = missing_uses(kV1Uses, c.values);
  if (!missing.empty()) {
    c.status = CheckStatus::kWarning;
    c.reason += fmt::format("; not mounted: {}", strings::join(missing, ", "));
    c.impact = "a container that sets a field of a missing controller fails";
  }
  return c;
}

std::vector<HostCheck> controllers_v2(const std::string& dir) {
  HostCheck c = make_check("cgroup.controllers");
  HostCheck subtree = make_check("cgroup.subtree_control");
  auto available = cgroup::cgfs::read(dir, "cgroup.controllers");
  if (!available) {
    c.status = CheckStatus::kMissing;
    c.reason = available.error().to_string();
    c.impact = "linux.resources limits fail";
    subtree.status = CheckStatus::kMissing;
    subtree.reason = c.reason;
    return {c, subtree};
  }
  c.values = words(*available);
  c.value = strings::join(c.values, " ");
  c.reason = fmt::format("{}/cgroup.controllers, the parent of the containers' cgroups", dir);
  const std::vector<std::string> missing = missing_uses(kV2Uses, c.values);
  if (!missing.empty()) {
    c.status = CheckStatus::kWarning;
    c.reason += fmt::format("; not available: {}", strings::join(missing, ", "));
    c.impact = "a container that sets a field of a missing controller fails";
  }
  auto enabled = cgroup::cgfs::read(dir, "cgroup.subtree_control");
  if (!enabled) {
    subtree.status = CheckStatus::kWarning;
    subtree.reason = enabled.error().to_string();
    return {c, subtree};
  }
  subtree.values = words(*enabled);
  subtree.value = strings::join(subtree.values, " ");
  subtree.reason = fmt::format(
      "{}/cgroup.subtree_control: enabled for the "
      "cgroups below it (the runtime enables the "
      "others it needs when it may write the file)",
      dir);
  return {c, subtree};
}

HostCheck delegation_check(const CheckContext& ctx, const cgroup::Layout& layout) {
  HostCheck c = make_check("cgroup.delegation");
  if (ctx.systemd_cgroup) {
    c.value = "systemd";
    c.reason = "--systemd-cgroup: systemd creates the cgroups (see the systemd check)";
    return c;
  }
  std::vector<std::string> refused;
  std::vector<std::string> checked;
  for (const cgroup::CgroupParent& parent : cgroup::default_cgroup_parents(layout)) {
    // The container's cgroup is <dir>/cruntime/<id>: the caller must be able to
    // write the deepest of those two that exists (and, on v2, enable
    // controllers there).
    const std::string own = parent.dir + "/cruntime";
    const std::string dir = cgroup::cgfs::exists(own) ? own : parent.dir;
    checked.push_back(dir);
    bool ok = writable(dir);
    if (ok && layout.mode == cgroup::Mode::kUnified) {
      ok = writable(dir + "/cgroup.subtree_control") && writable(dir + "/cgroup.procs");
    }
    if (!ok) refused.push_back(dir);
  }
  if (refused.empty()) {
    c.value = "yes";
    c.values = checked;
    c.reason = ctx.rootless ? "the caller may create cgroups below every directory listed "
                              "(delegated to it)"
                            : "the caller may create cgroups below every directory listed";
    return c;
  }
  c.value = "no";
  c.values = refused;
  c.status = ctx.rootless ? CheckStatus::kWarning : CheckStatus::kMissing;
  c.reason = fmt::format("not writable for uid {} (faccessat W_OK): {}", ctx.euid,
                         strings::join(refused, ", "));
  c.impact = ctx.rootless ? "rootless containers run without a cgroup of their own; "
                            "linux.resources limits and linux.cgroupsPath fail"
                          : "creating a container's cgroup fails";
  c.blocks = !ctx.rootless;
  return c;
}

}  // namespace

std::string_view cgroup_mode_value(cgroup::Mode mode) {
  switch (mode) {
    case cgroup::Mode::kUnified:
      return "v2";
    case cgroup::Mode::kHybrid:
      return "hybrid";
    case cgroup::Mode::kLegacy:
      return "v1";
  }
  return "unknown";
}

std::vector<HostCheck> check_cgroups(const CheckContext& ctx, std::optional<cgroup::Mode>& mode) {
  const Result<cgroup::Layout> layout = cgroup::detect_layout();
  std::vector<HostCheck> out{mode_check(ctx, layout)};
  if (!layout) return out;
  mode = layout->mode;
  if (layout->mode == cgroup::Mode::kUnified) {
    const std::vector<cgroup::CgroupParent> parents = cgroup::default_cgroup_parents(*layout);
    for (HostCheck& c : controllers_v2(parents.front().dir)) out.push_back(std::move(c));
  } else {
    out.push_back(controllers_v1(*layout));
  }
  out.push_back(delegation_check(ctx, *layout));
  return out;
}

}  // namespace cruntime::container
