// Id-mapped bind mounts: the mappings an entry asks for (pure) and its detached id-mapped tree.
#include "cruntime/rootfs/idmap_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>

#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/mount_options.hpp"

namespace cruntime::rootfs {
namespace {

const std::vector<std::string>& options_of(const spec::Mount& mount) {
  static const std::vector<std::string> kNone;
  return mount.options ? *mount.options : kNone;
}

bool non_empty(const std::optional<std::vector<spec::IdMapping>>& maps) {
  return maps && !maps->empty();
}

// The container's user namespace entry, if it has one.
const spec::Namespace* user_namespace(const spec::Config& config) {
  if (!config.linux_config || !config.linux_config->namespaces) return nullptr;
  for (const spec::Namespace& ns : *config.linux_config->namespaces) {
    if (spec::parse_namespace_type(ns.type) == spec::NamespaceType::kUser) return &ns;
  }
  return nullptr;
}

}  // namespace

Result<std::optional<MountIdmap>> mount_idmap(const spec::Mount& mount,
                                              const spec::Config& config) {
  const auto& options = options_of(mount);
  const bool idmap = std::find(options.begin(), options.end(), "idmap") != options.end();
  const bool ridmap = std::find(options.begin(), options.end(), "ridmap") != options.end();
  const bool own_maps = mount.uid_mappings || mount.gid_mappings;
  if (!idmap && !ridmap && !own_maps) return std::optional<MountIdmap>();

  MountIdmap out;
  out.recursive = ridmap;
  out.rbind = std::find(options.begin(), options.end(), "rbind") != options.end();
  if (own_maps) {
    if (!non_empty(mount.uid_mappings) || !non_empty(mount.gid_mappings)) {
      return fail_msg("id-mapped mounts need both uidMappings and gidMappings");
    }
    out.uid = *mount.uid_mappings;
    out.gid = *mount.gid_mappings;
    return std::optional<MountIdmap>(std::move(out));
  }
  const spec::Namespace* userns = user_namespace(config);
  if (userns == nullptr) {
    return fail_msg(
        "\"idmap\"/\"ridmap\" without uidMappings and gidMappings needs a user namespace");
  }
  if (userns->path && !userns->path->empty()) {
    out.userns_path = *userns->path;
    return std::optional<MountIdmap>(std::move(out));
  }
  const spec::Linux& lx = *config.linux_config;
  if (!non_empty(lx.uid_mappings) || !non_empty(lx.gid_mappings)) {
    return fail_msg(
        "\"idmap\"/\"ridmap\": the user namespace has no linux.uidMappings/gidMappings");
  }
  out.uid = *lx.uid_mappings;
  out.gid = *lx.gid_mappings;
  return std::optional<MountIdmap>(std::move(out));
}

bool has_idmapped_mounts(const spec::Config& config) {
  if (!config.mounts) return false;
  return std::any_of(config.mounts->begin(), config.mounts->end(), [](const spec::Mount& m) {
    const auto& options = options_of(m);
    return m.uid_mappings || m.gid_mappings ||
           std::find(options.begin(), options.end(), "idmap") != options.end() ||
           std::find(options.begin(), options.end(), "ridmap") != options.end();
  });
}

Result<UniqueFd> clone_idmapped_tree(const std::string& source, const MountIdmap& idmap,
                                     int userns_fd) {
  UniqueFd tree = CR_TRY(clone_mount_tree(AT_FDCWD, source, idmap.rbind));
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<uint64_t>(userns_fd);
  // mount_setattr(2): the tree must still be detached, and every mount in it (AT_RECURSIVE)
  // must be on a filesystem that supports id-mapping.
  const unsigned flags = AT_EMPTY_PATH | (idmap.recursive ? AT_RECURSIVE : 0);
  if (::mount_setattr(tree.get(), "", flags, &attr, sizeof attr) != 0) {
    Error error = Error::sys(errno, "mount_setattr MOUNT_ATTR_IDMAP");
    if (error.code() == EINVAL || error.code() == EPERM) {
      error.add_context(fmt::format(
          "the kernel refused to id-map {} (its filesystem may not support id-mapped mounts)",
          source));
    }
    return fail(std::move(error));
  }
  return tree;
}

}  // namespace cruntime::rootfs
