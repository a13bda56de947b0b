// The manager factory: linux.cgroupsPath → a cgroup per host mode; reopening one from state.json.
#include "cruntime/cgroup/manager.hpp"

#include <sys/stat.h>

#include <map>
#include <utility>

#include <fmt/format.h>

#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/fs1.hpp"
#include "cruntime/cgroup/fs2.hpp"
#include "cruntime/cgroup/systemd_manager.hpp"
#include "cruntime/cgroup/systemd_properties.hpp"

namespace cruntime::cgroup {
namespace {

// The components of a cgroup path without empty and "." ones. ".." is refused rather than
// resolved: a config must not reach outside the subtree it names (runc's CleanPath clamps it).
Result<std::vector<std::string>> components(std::string_view path) {
  if (path.find('\n') != std::string_view::npos || path.find('\0') != std::string_view::npos) {
    return fail_msg("\"{}\" contains a newline or NUL", path);
  }
  std::vector<std::string> parts;
  for (std::string& part : strings::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail_msg("\"{}\" must not contain \"..\"", path);
    parts.push_back(std::move(part));
  }
  return parts;
}

// "/a/b" + "c/d" → "/a/b/c/d"; "/" + "c" → "/c".
std::string join_paths(std::string_view base, std::string_view relative) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + "/" + std::string(relative);
}

// "/a/b" → "/a"; "/a" and "/" → "/".
std::string parent_cgroup(std::string_view cgroup) {
  const size_t slash = cgroup.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(cgroup.substr(0, slash));
}

// Our cgroup as a path below the hierarchy's mount point (runc's GetOwnCgroupPath): when the
// mount shows a sub-tree (a bind or a cgroup namespace), its root is cut off.
std::string own_below_mount(const Hierarchy& h) {
  const std::string& own = h.own_cgroup.empty() ? std::string("/") : h.own_cgroup;
  if (h.mount_root.empty() || h.mount_root == "/") return own;
  if (own == h.mount_root) return "/";
  if (own.starts_with(h.mount_root + "/")) return own.substr(h.mount_root.size());
  return own;
}

// A path read back from state.json: absolute, clean, below the root.
Result<std::string> stored_cgroup(std::string_view path) {
  if (!path.starts_with('/')) return fail_msg("\"{}\" is not an absolute cgroup path", path);
  const std::vector<std::string> parts = CR_TRY(components(path));
  if (parts.empty()) return fail_msg("\"{}\" names the hierarchy root", path);
  return "/" + strings::join(parts, "/");
}

Result<std::unique_ptr<Manager>> open_v1(const Layout& layout, const std::string& stored,
                                         const cgfs::DirHooks& hooks) {
  std::vector<Fs1Manager::Placement> placements;
  if (stored.starts_with('/')) {
    const std::string relative = CR_TRY(stored_cgroup(stored));
    for (const Hierarchy& h : layout.hierarchies) placements.push_back({h, relative});
  } else {
    // One "<controllers>:<path>" line per hierarchy (Fs1Manager::path()).
    std::map<std::string, std::string> by_key;
    for (const std::string& line : strings::split(stored, '\n')) {
      const size_t colon = line.find(':');
      if (colon == std::string::npos) return fail_msg("malformed cgroup path line \"{}\"", line);
      by_key[line.substr(0, colon)] =
          CR_TRY(stored_cgroup(std::string_view(line).substr(colon + 1)));
    }
    for (const Hierarchy& h : layout.hierarchies) {
      auto it = by_key.find(h.key());
      if (it != by_key.end()) placements.push_back({h, it->second});
    }
  }
  if (placements.empty()) return fail_msg("no hierarchy of \"{}\" is mounted", stored);
  return std::unique_ptr<Manager>(
      std::make_unique<Fs1Manager>(layout.mode, std::move(placements), true, hooks));
}

Result<std::unique_ptr<Manager>> make_systemd_manager(const Layout& layout,
                                                      const ManagerOptions& options) {
  SystemdManager::Options systemd;
  // Rootless: the user's own systemd (runc), whose slices live below its service's cgroup.
  systemd.user = options.rootless;
  systemd.placement = CR_TRY(systemd_placement(options.cgroups_path, options.id,
                                               systemd.user ? "user.slice" : "system.slice"));
  systemd.annotations = CR_TRY(annotation_properties(options.annotations));
  // runc drives systemd's v1 hierarchies too (its systemd v1 manager); cruntime does not yet.
  if (layout.mode != Mode::kUnified) {
    return fail_msg("--systemd-cgroup: only cgroup v2 hosts are supported");
  }
  systemd.root = layout.unified_root;
  systemd.description = fmt::format("cruntime container {}", options.id);
  systemd.delegate_to = options.delegate_to;
  log::debug("cgroup: systemd unit {} in {} ({})", systemd.placement.unit, systemd.placement.slice,
             systemd.placement.cgroup);
  return std::unique_ptr<Manager>(std::make_unique<SystemdManager>(std::move(systemd)));
}

}  // namespace

Result<CgroupsPath> resolve_cgroups_path(const std::optional<std::string>& cgroups_path,
                                         std::string_view id) {
  const std::string raw =
      cgroups_path && !cgroups_path->empty() ? *cgroups_path : fmt::format("cruntime/{}", id);
  const std::vector<std::string> parts = CR_TRY_CTX(components(raw), "linux.cgroupsPath");
  if (parts.empty()) {
    return fail_msg("linux.cgroupsPath: \"{}\" names the hierarchy root, not a cgroup below it",
                    raw);
  }
  CgroupsPath out;
  out.absolute = raw.starts_with('/');
  out.path = (out.absolute ? "/" : "") + strings::join(parts, "/");
  return out;
}

Result<std::unique_ptr<Manager>> make_manager(const Layout& layout, const ManagerOptions& options,
                                              const cgfs::DirHooks& hooks) {
  if (options.systemd) return make_systemd_manager(layout, options);
  const CgroupsPath where = CR_TRY(resolve_cgroups_path(options.cgroups_path, options.id));
  if (layout.mode == Mode::kUnified) {
    // runc: our own cgroup usually holds processes already, which rules out enabling
    // controllers below it (no internal processes), so relative paths go below its parent.
    const std::string relative =
        where.absolute ? where.path
                       : join_paths(parent_cgroup(layout.own_unified_cgroup), where.path);
    log::debug("cgroup: v2 cgroup {} below {}", relative, layout.unified_root);
    return std::unique_ptr<Manager>(
        std::make_unique<Fs2Manager>(layout.unified_root, relative, false, hooks, options.rootless));
  }
  std::vector<Fs1Manager::Placement> placements;
  for (const Hierarchy& h : layout.hierarchies) {
    placements.push_back(
        {h, where.absolute ? where.path : join_paths(own_below_mount(h), where.path)});
  }
  if (placements.empty()) return fail_msg("no cgroup hierarchy is mounted");
  return std::unique_ptr<Manager>(
      std::make_unique<Fs1Manager>(layout.mode, std::move(placements), false, hooks,
                                   options.rootless));
}

std::vector<CgroupParent> default_cgroup_parents(const Layout& layout) {
  // "/sys/fs/cgroup" + "/a/b"; the cgroup "/" is the mount point itself.
  auto below = [](const std::string& mount, const std::string& cgroup) {
    return cgroup == "/" || cgroup.empty() ? mount : mount + cgroup;
  };
  if (layout.mode == Mode::kUnified) {
    return {{"", below(layout.unified_root, parent_cgroup(layout.own_unified_cgroup))}};
  }
  std::vector<CgroupParent> out;
  for (const Hierarchy& h : layout.hierarchies) {
    out.push_back({h.key(), below(h.mount_point, own_below_mount(h))});
  }
  return out;
}

// sd_booted(3): systemd as init leaves this directory; without it there is no systemd to ask.
bool systemd_running() {
  struct stat st {};
  return ::lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::unique_ptr<Manager>> make_manager(const ManagerOptions& options) {
  if (options.systemd && !systemd_running()) {
    return fail_msg(
        "--systemd-cgroup: systemd is not running on this host (no /run/systemd/system)");
  }
  const Layout layout = CR_TRY(detect_layout());
  return make_manager(layout, options);
}

Result<std::unique_ptr<Manager>> open_manager(const Layout& layout,
                                              const std::string& stored_cgroup_path,
                                              const cgfs::DirHooks& hooks) {
  if (stored_cgroup_path.empty()) return fail_msg("no cgroup path was recorded for the container");
  if (layout.mode != Mode::kUnified) {
    return CR_TRY_CTX(open_v1(layout, stored_cgroup_path, hooks), "cgroup path from the state");
  }
  if (stored_cgroup_path.find('\n') != std::string::npos || !stored_cgroup_path.starts_with('/')) {
    return fail_msg("cgroup path \"{}\" was recorded on a cgroup v1 host, this one is unified",
                    stored_cgroup_path);
  }
  const std::string relative =
      CR_TRY_CTX(stored_cgroup(stored_cgroup_path), "cgroup path from the state");
  return std::unique_ptr<Manager>(
      std::make_unique<Fs2Manager>(layout.unified_root, relative, true, hooks));
}

Result<std::unique_ptr<Manager>> open_systemd_manager(const Layout& layout,
                                                      const std::string& stored_cgroup_path,
                                                      const std::string& unit, bool user) {
  if (layout.mode != Mode::kUnified) {
    return fail_msg("systemd unit {} was made on a cgroup v2 host, this one is {}", unit,
                    mode_name(layout.mode));
  }
  const std::string relative =
      CR_TRY_CTX(stored_cgroup(stored_cgroup_path), "cgroup path from the state");
  return std::unique_ptr<Manager>(
      std::make_unique<SystemdManager>(layout.unified_root, unit, relative, user));
}

Result<std::unique_ptr<Manager>> open_manager(const spec::StoredState& stored) {
  const Layout layout = CR_TRY(detect_layout());
  if (!stored.systemd_unit.empty()) {
    return open_systemd_manager(layout, stored.cgroup_path, stored.systemd_unit,
                                stored.systemd_user);
  }
  return open_manager(layout, stored.cgroup_path);
}

}  // namespace cruntime::cgroup
