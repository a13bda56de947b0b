// The v1/hybrid `cgroup` mount: per-hierarchy binds of the container's own cgroup on a tmpfs.
#include "cruntime/rootfs/cgroup_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/mount_special.hpp"
#include "cruntime/rootfs/safe_path.hpp"

namespace cruntime::rootfs {
namespace {

std::string strip_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// Make <tmpfs>/<name> and bind the container's cgroup dir onto it with the entry's flags, on the
// whole tree (a cgroupfs bind must be read-only through and through, CVE-2023-25809).
Result<void> bind_hierarchy(int tmpfs_fd, const CgroupBind& bind, const MountOptions& options) {
  if (::mkdirat(tmpfs_fd, bind.name.c_str(), 0755) != 0) {
    return fail(Error::sys(errno, "mkdir " + bind.name));
  }
  UniqueFd target(
      ::openat(tmpfs_fd, bind.name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!target) return fail(Error::sys(errno, "open " + bind.name));
  UniqueFd tree = CR_TRY(clone_mount_tree(AT_FDCWD, bind.host_dir, true));
  CR_TRY(set_mount_attr(tree.get(), mount_attr_of(options.flags, options.clear_flags), true));
  CR_TRY(set_mount_attr(tree.get(), {options.rec_attr_set, options.rec_attr_clr}, true));
  CR_TRY(attach_mount(tree.get(), target.get()));
  for (const std::string& link : bind.links) {
    if (::symlinkat(bind.name.c_str(), tmpfs_fd, link.c_str()) != 0) {
      return fail(Error::sys(errno, fmt::format("symlink {} -> {}", link, bind.name)));
    }
  }
  return {};
}

}  // namespace

std::vector<CgroupBind> cgroup_v1_binds(const std::vector<cgroup::Hierarchy>& hierarchies,
                                        std::string_view manager_path) {
  // Manager::path(): one path when it is the same everywhere, else "<key>:<path>" per line.
  std::map<std::string, std::string> by_key;
  const bool uniform = manager_path.starts_with('/');
  if (!uniform) {
    for (const std::string& line : strings::split(manager_path, '\n')) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) by_key[line.substr(0, colon)] = line.substr(colon + 1);
    }
  }
  std::vector<CgroupBind> out;
  for (const cgroup::Hierarchy& h : hierarchies) {
    std::string relative = std::string(manager_path);
    if (!uniform) {
      auto it = by_key.find(h.key());
      if (it == by_key.end()) continue;
      relative = it->second;
    }
    const std::string mount_point = strip_trailing_slash(h.mount_point);
    CgroupBind bind;
    bind.name = base_name(mount_point);
    bind.host_dir = mount_point + relative;
    if (h.controllers.size() > 1) {
      for (const std::string& controller : h.controllers) {
        if (controller != bind.name && !controller.starts_with("name=")) {
          bind.links.push_back(controller);
        }
      }
    }
    out.push_back(std::move(bind));
  }
  return out;
}

Result<std::vector<CgroupBind>> container_cgroup_binds(const spec::Config& config,
                                                       const cgroup::Manager& cgroup) {
  if (!config.mounts) return std::vector<CgroupBind>();
  const bool wanted = std::any_of(config.mounts->begin(), config.mounts->end(),
                                  [](const spec::Mount& m) { return m.type == "cgroup"; });
  if (!wanted) return std::vector<CgroupBind>();
  // v2: a cgroup2 mount in a cgroup namespace shows the container's cgroup by itself. Without
  // one (or when cgroup2 may not be mounted there) runc binds the container's own cgroup
  // directory: one nameless entry.
  if (cgroup.mode() == cgroup::Mode::kUnified) {
    return std::vector<CgroupBind>{CgroupBind{"", cgroup.dir(), {}}};
  }
  cgroup::Layout layout = CR_TRY_CTX(cgroup::detect_layout(), "cgroup mount");
  return cgroup_v1_binds(layout.hierarchies, cgroup.path());
}

Result<void> mount_cgroup_v1(const MountContext& context, const MountOptions& options,
                             int target_fd) {
  // runc: a tmpfs, nosuid/nodev/noexec, mode 0755; read-only (when asked) once it is filled.
  NewFilesystem fs{"tmpfs", "tmpfs", {"mode=755"}, {}, 0};
  fs.attr = mount_attr_of(MS_NOSUID | MS_NODEV | MS_NOEXEC, 0).set;
  fs.data.insert(fs.data.end(), context.mount_label_options.begin(),
                 context.mount_label_options.end());
  UniqueFd tmpfs = CR_TRY_CTX(create_filesystem(fs), "mount the cgroup tmpfs");
  CR_TRY(attach_mount(tmpfs.get(), target_fd));
  for (const CgroupBind& bind : *context.cgroup_binds) {
    CR_TRY_CTX(bind_hierarchy(tmpfs.get(), bind, options), "bind {}", bind.host_dir);
  }
  if (options.has(MS_RDONLY)) {
    CR_TRY_CTX(set_mount_attr(tmpfs.get(), {MOUNT_ATTR_RDONLY, 0}, false),
               "make the cgroup tmpfs read-only");
  }
  for (unsigned long flags : options.propagation) CR_TRY(set_propagation(tmpfs.get(), flags));
  return {};
}

}  // namespace cruntime::rootfs
