// Orchestrates the container filesystem: isolate, bind the root, mounts, /dev; pivot; finalize.
#include "cruntime/rootfs/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/rootfs/devices.hpp"
#include "cruntime/rootfs/mount.hpp"
#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/rootfs/paths.hpp"
#include "cruntime/rootfs/root_mount.hpp"
#include "cruntime/rootfs/safe_path.hpp"
#include "cruntime/spec/linux_names.hpp"

namespace cruntime::rootfs {
namespace {

// Which namespaces the container has (created or joined); decides how /dev, sysfs and cgroup
// mounts are made.
// linux.rootfsPropagation as MS_* flags; rslave when unset (runc).
Result<unsigned long> root_propagation(const spec::Config& config) {
  if (!config.linux_config || !config.linux_config->rootfs_propagation ||
      config.linux_config->rootfs_propagation->empty()) {
    return MS_SLAVE | MS_REC;
  }
  const std::string& name = *config.linux_config->rootfs_propagation;
  auto flags = spec::mount_propagation(name);
  if (!flags) return fail_msg("linux.rootfsPropagation: unknown propagation \"{}\"", name);
  return *flags;
}

Result<void> mount_config_entries(const spec::Config& config, const RootfsOptions& options,
                                  const MountContext& context) {
  if (!config.mounts) return {};
  const auto& mounts = *config.mounts;
  for (size_t i = 0; i < mounts.size(); ++i) {
    if (mounts[i].type == "proc" && !options.namespaces.pid) {
      log::debug("mounts[{}]: no new pid namespace, so this proc shows the host's processes", i);
    }
    PreparedMount prepared;
    if (i < options.idmapped_trees.size()) prepared.idmapped_tree = options.idmapped_trees[i];
    if (i < options.bind_source_fds.size()) prepared.source_fd = options.bind_source_fds[i];
    CR_TRY_CTX(mount_entry(context, mounts[i], prepared), "mounts[{}] ({})", i,
               mounts[i].destination);
  }
  return {};
}

// tmpfs and /dev mounts were left writable for the runtime's own files (devices, links).
Result<void> remount_delayed_readonly(const spec::Config& config, int root_fd) {
  if (!config.mounts) return {};
  const auto& mounts = *config.mounts;
  static const std::vector<std::string> kNone;
  for (size_t i = 0; i < mounts.size(); ++i) {
    const spec::Mount& mount = mounts[i];
    MountOptions options = CR_TRY(
        parse_mount_options(mount.options ? *mount.options : kNone, mount.type.value_or("")));
    if (!readonly_at_end(mount, options)) continue;
    UniqueFd target = CR_TRY_CTX(open_in_root(root_fd, mount_destination(mount), O_PATH),
                                 "mounts[{}] ({})", i, mount.destination);
    CR_TRY_CTX(set_mount_attr(target.get(), {MOUNT_ATTR_RDONLY, 0}, false),
               "mounts[{}] ({}): remount read-only", i, mount.destination);
  }
  return {};
}

}  // namespace

Result<void> prepare_rootfs(const spec::Config& config, const RootfsOptions& options) {
  const ContainerNamespaces& ns = options.namespaces;
  // Without a mount namespace every mount below would be made in the host's (security.md 10).
  if (!ns.mount) return fail_msg("linux.namespaces: building the rootfs needs a mount namespace");
  const unsigned long propagation = CR_TRY(root_propagation(config));

  // 1. Nothing mounted from here on may reach the host.
  CR_TRY(isolate_mount_tree(options.rootfs, propagation));
  // 2. A mount point of its own, for pivot_root; every later path resolves from this fd.
  UniqueFd root = CR_TRY(bind_rootfs_onto_itself(options.rootfs));
  // 3. config.json mounts, in order.
  MountContext context;
  context.root_fd = root.get();
  context.rootfs = CR_TRY(fd_path(root.get()));
  context.bundle = options.bundle;
  context.user_ns = ns.user;
  context.net_ns = ns.net;
  context.cgroup_ns = ns.cgroup;
  context.cgroup_binds = &options.cgroup_binds;
  if (config.linux_config && config.linux_config->mount_label) {
    context.mount_label_options =
        mount_label_options(*config.linux_config->mount_label, options.selinux_enabled);
  }
  CR_TRY(mount_config_entries(config, options, context));
  // 4. Device nodes and links, unless /dev is the host's (a bind).
  if (!dev_is_bind_mount(config)) CR_TRY_CTX(setup_dev(root.get(), config, ns.user), "/dev");
  // 5. createContainer hooks run from the rootfs; switch_root pivots on ".".
  if (::fchdir(root.get()) != 0) return fail(Error::sys(errno, "chdir to the rootfs"));
  return {};
}

Result<void> switch_root(const RootfsOptions& options) {
  if (options.no_pivot) return move_root_and_chroot(options.rootfs);
  return pivot_to_cwd();
}

Result<void> finalize_rootfs(const spec::Config& config, const RootfsOptions& options) {
  UniqueFd root = CR_TRY(fs::open("/", O_PATH | O_DIRECTORY));
  // 1. shared goes on "/" only now: on the rootfs before pivot it would have joined the host's
  //    peer group (private/slave were applied to the whole tree at the start).
  const unsigned long propagation = CR_TRY(root_propagation(config));
  if ((propagation & MS_SHARED) != 0) {
    CR_TRY_CTX(set_propagation(root.get(), propagation), "linux.rootfsPropagation");
  }
  // 2. tmpfs and /dev mounts asked read-only.
  CR_TRY(remount_delayed_readonly(config, root.get()));
  // 3. root.readonly: only the flag changes; nosuid/nodev/noexec and locked flags stay.
  if (config.root && config.root->readonly.value_or(false)) {
    CR_TRY_CTX(set_mount_attr(root.get(), {MOUNT_ATTR_RDONLY, 0}, false), "root.readonly");
  }
  // 4. read-only paths, then masks on top (runc order).
  const spec::Linux* linux_config = config.linux_config ? &*config.linux_config : nullptr;
  if (linux_config != nullptr && linux_config->readonly_paths) {
    CR_TRY(make_paths_readonly(root.get(), *linux_config->readonly_paths));
  }
  if (linux_config != nullptr && linux_config->masked_paths) {
    std::vector<std::string> label;
    if (linux_config->mount_label) {
      label = mount_label_options(*linux_config->mount_label, options.selinux_enabled);
    }
    CR_TRY(mask_paths(root.get(), *linux_config->masked_paths, label));
  }
  // 5. unbindable last: the read-only paths and masks above are binds it would refuse.
  if ((propagation & MS_UNBINDABLE) != 0) {
    CR_TRY_CTX(set_propagation(root.get(), propagation), "linux.rootfsPropagation");
  }
  return {};
}

}  // namespace cruntime::rootfs
