// mount_entry(): bind/rbind, new filesystems and remounts, each attached onto an in-root target fd.
#include "cruntime/rootfs/mount.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>

#include "cruntime/base/log.hpp"
#include "cruntime/rootfs/locked_flags.hpp"
#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/mount_special.hpp"
#include "cruntime/rootfs/safe_path.hpp"

namespace cruntime::rootfs {
namespace {

// The files lxcfs emulates: the only targets runc allows below /proc.
constexpr std::array<std::string_view, 10> kProcOverlays = {
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
};

// The filesystem type of a bind source: through the fd the runtime opened when there is one
// (the path may be out of the user namespace's reach), else by path. 0 when it cannot be told.
int64_t source_fs_type(const std::string& path, int fd) {
  struct statfs st {};
  const int rc = fd >= 0 ? ::fstatfs(fd, &st) : ::statfs(path.c_str(), &st);
  return rc == 0 ? static_cast<int64_t>(st.f_type) : 0;
}

// Binds of /sys or of a cgroup filesystem are made read-only recursively when "ro" is asked:
// their submounts (cgroup controllers, securityfs...) must not stay writable (CVE-2023-25809).
bool needs_recursive_attrs(const std::string& source, int source_fd) {
  if (source == "/sys" || source.starts_with("/sys/")) return true;
  const auto type = source_fs_type(source, source_fd);
  return type == SYSFS_MAGIC || type == CGROUP_SUPER_MAGIC || type == CGROUP2_SUPER_MAGIC;
}

// linux.mountLabel on the filesystems runc labels this way, unless the entry sets its own context.
void add_mount_label(NewFilesystem& fs, const std::vector<std::string>& label_options) {
  if (fs.type != "tmpfs" && fs.type != "devpts" && fs.type != "mqueue") return;
  for (const std::string& option : fs.data) {
    if (option.starts_with("context=")) return;
  }
  fs.data.insert(fs.data.end(), label_options.begin(), label_options.end());
}

// The tree to attach for a bind: the prepared id-mapped one (borrowed), or a fresh clone of
// the source — from the runtime's fd when it opened one. That fd names a mount of our own
// mount namespace (open_tree refuses another namespace's), and the clone keeps the flags the
// kernel locked when the namespace was copied for the user namespace (mount_namespaces(7)).
Result<UniqueFd> bind_tree(const std::string& source, const MountOptions& options,
                           const PreparedMount& prepared) {
  if (prepared.idmapped_tree >= 0) return UniqueFd();
  if (prepared.source_fd >= 0) return clone_mount_tree(prepared.source_fd, "", options.is_rbind);
  return clone_mount_tree(AT_FDCWD, source, options.is_rbind);
}

// A prepared tree or source is stat'ed through its fd: the source path may not be reachable
// from a user namespace (and it is the inode that gets mounted).
int stat_bind_source(const std::string& source, const PreparedMount& prepared, struct stat& st) {
  if (prepared.idmapped_tree >= 0) return ::fstat(prepared.idmapped_tree, &st);
  if (prepared.source_fd >= 0) return ::fstat(prepared.source_fd, &st);
  return ::stat(source.c_str(), &st);
}

Result<void> mount_bind(const MountContext& context, const spec::Mount& mount,
                        const MountOptions& options, const std::string& dest,
                        const PreparedMount& prepared) {
  if (!mount.source || mount.source->empty()) return fail_msg("bind mount without a source");
  const std::string source = bind_source_path(context.bundle, mount);
  struct stat st {};
  if (stat_bind_source(source, prepared, st) != 0) {
    return fail(Error::sys(errno, "bind source " + source));
  }
  MountTarget target = CR_TRY(open_mount_target(context, dest, !S_ISDIR(st.st_mode)));
  CR_TRY(check_mount_target(context, target.fd.get(), "bind", source, prepared.source_fd));

  UniqueFd owned = CR_TRY(bind_tree(source, options, prepared));
  const int tree = owned ? owned.get() : prepared.idmapped_tree;
  // Flags go on before the bind is visible, so a "ro" bind is never writable in the container.
  // mount_setattr changes only the flags named; in a user namespace, a flag the source's mount
  // has locked stays on even when the entry asks to clear it (as runc does).
  const bool recursive = options.is_rbind && needs_recursive_attrs(source, prepared.source_fd);
  CR_TRY_CTX(set_bind_attr(tree, mount_attr_of(options.flags, options.clear_flags), recursive,
                           context.user_ns),
             "set the bind's flags");
  CR_TRY_CTX(set_mount_attr(tree, {options.rec_attr_set, options.rec_attr_clr}, true),
             "set the recursive attributes");
  return attach_with_propagation(tree, target.fd.get(), options);
}

Result<void> mount_filesystem(const MountContext& context, const spec::Mount& mount,
                              const MountOptions& options, const std::string& dest) {
  const std::string type = mount.type.value_or("");
  MountTarget target = CR_TRY(open_mount_target(context, dest, false));
  CR_TRY(check_mount_target(context, target.fd.get(), type, ""));
  NewFilesystem fs = filesystem_of(mount, options, !readonly_at_end(mount, options));
  add_mount_label(fs, context.mount_label_options);
  if (type == "tmpfs" && target.existed) {
    // runc: a tmpfs keeps the mode of the directory it covers (the data can still override it).
    struct stat st {};
    if (::fstat(target.fd.get(), &st) != 0) return fail(Error::sys(errno, "stat the target"));
    fs.data.insert(fs.data.begin(), fmt::format("mode={:04o}", st.st_mode & 07777));
  }
  UniqueFd mnt = CR_TRY_CTX(create_filesystem(fs), "mount {}", type);
  if (options.tmpcopyup) {
    UniqueFd from =
        CR_TRY_CTX(open_in_root(target.fd.get(), ".", O_RDONLY | O_DIRECTORY), "tmpcopyup");
    CR_TRY_CTX(copy_directory_contents(from.get(), mnt.get()), "tmpcopyup");
  }
  CR_TRY_CTX(set_mount_attr(mnt.get(), {options.rec_attr_set, options.rec_attr_clr}, true),
             "set the recursive attributes");
  return attach_with_propagation(mnt.get(), target.fd.get(), options);
}

// "remount": change the flags (and filesystem options) of what is already mounted at dest.
Result<void> remount_existing(const MountContext& context, const MountOptions& options,
                              const std::string& dest) {
  UniqueFd target = CR_TRY(open_in_root(context.root_fd, dest, O_PATH));
  CR_TRY(check_mount_target(context, target.get(), "remount", ""));
  CR_TRY_CTX(set_mount_attr(target.get(), mount_attr_of(options.flags, options.clear_flags), false),
             "remount");
  if (!options.is_bind) {
    CR_TRY_CTX(reconfigure_filesystem(target.get(), split_mount_data(options.data)), "remount");
  }
  CR_TRY_CTX(set_mount_attr(target.get(), {options.rec_attr_set, options.rec_attr_clr}, true),
             "set the recursive attributes");
  for (unsigned long flags : options.propagation) CR_TRY(set_propagation(target.get(), flags));
  return {};
}

}  // namespace

std::string bind_source_path(const std::string& bundle, const spec::Mount& mount) {
  const std::string source = mount.source.value_or("");
  if (source.starts_with('/')) return source;
  return bundle + "/" + source;
}

std::string mount_destination(const spec::Mount& mount) {
  if (!mount.destination.starts_with('/')) {
    log::warn("mount destination {} is not absolute; taking it from /", mount.destination);
  }
  return clean_path(mount.destination);
}

bool readonly_at_end(const spec::Mount& mount, const MountOptions& options) {
  if (options.is_bind || !options.has(MS_RDONLY) || options.has(MS_REMOUNT)) return false;
  return mount.type.value_or("") == "tmpfs" || mount_destination(mount) == "/dev";
}

NewFilesystem filesystem_of(const spec::Mount& mount, const MountOptions& options,
                            bool keep_readonly) {
  NewFilesystem fs;
  fs.type = mount.type.value_or("");
  fs.source = mount.source.value_or("");
  fs.data = split_mount_data(options.data);
  fs.sb_flags = superblock_flag_keys(options.flags);
  unsigned long flags = keep_readonly ? options.flags : options.flags & ~MS_RDONLY;
  fs.attr = mount_attr_of(flags, 0).set;
  return fs;
}

Result<MountTarget> open_mount_target(const MountContext& context, const std::string& dest,
                                      bool file) {
  MountTarget out;
  auto found = open_in_root(context.root_fd, dest, O_PATH);
  if (found) {
    out.fd = std::move(found).value();
    out.existed = true;
    return out;
  }
  if (found.error().code() != ENOENT)
    return fail(std::move(found).error().with_context("mount target"));
  if (file) {
    out.fd =
        CR_TRY_CTX(open_or_create_file_in_root(context.root_fd, dest), "make the mount target");
  } else {
    out.fd = CR_TRY_CTX(mkdir_all_in_root(context.root_fd, dest), "make the mount target");
  }
  return out;
}

Result<void> check_mount_target(const MountContext& context, int target_fd, const std::string& type,
                                const std::string& bind_source, int bind_source_fd) {
  const std::string real = CR_TRY(fd_path(target_fd));
  const std::string& root = context.rootfs;
  if (real == root) return fail_msg("the mount target is the rootfs itself");
  if (!real.starts_with(root + "/")) {
    return fail_msg("the mount target resolved to {}, outside the rootfs {}", real, root);
  }
  const std::string in_root = real.substr(root.size());
  if (in_root == "/proc") {
    if (type == "proc" && bind_source.empty()) return {};
    if (!bind_source.empty() && source_fs_type(bind_source, bind_source_fd) == PROC_SUPER_MAGIC) {
      return {};
    }
    return fail_msg("\"/proc\" cannot be mounted because {} is not of type proc",
                    bind_source.empty() ? type : bind_source);
  }
  if (!in_root.starts_with("/proc/")) return {};
  if (std::find(kProcOverlays.begin(), kProcOverlays.end(), in_root) != kProcOverlays.end()) {
    return {};
  }
  return fail_msg("\"{}\" cannot be mounted because it is inside /proc", in_root);
}

Result<void> attach_with_propagation(int mount_fd, int target_fd, const MountOptions& options) {
  CR_TRY(attach_mount(mount_fd, target_fd));
  // The fd now names the attached mount; runc applies each propagation option in order.
  for (unsigned long flags : options.propagation) CR_TRY(set_propagation(mount_fd, flags));
  return {};
}

Result<void> mount_entry(const MountContext& context, const spec::Mount& mount,
                         const PreparedMount& prepared) {
  static const std::vector<std::string> kNoOptions;
  const auto& list = mount.options ? *mount.options : kNoOptions;
  MountOptions options = CR_TRY(parse_mount_options(list, mount.type.value_or("")));
  const bool idmapped = options.idmap || mount.uid_mappings || mount.gid_mappings;
  if (idmapped && (!options.is_bind || prepared.idmapped_tree < 0)) {
    // validate() lets only binds through; the tree is built by the runtime before clone.
    return fail_msg("id-mapped mount was not prepared (only bind mounts can be id-mapped)");
  }
  const std::string dest = mount_destination(mount);
  if (dest == "/") return fail_msg("mounting over the rootfs itself is not supported");
  const std::string type = mount.type.value_or("");
  log::debug("mount {} on {} (type {}, data \"{}\")", mount.source.value_or(""), dest, type,
             options.data);
  if (options.has(MS_REMOUNT)) return remount_existing(context, options, dest);
  if (options.is_bind) {
    if (!options.data.empty()) {
      log::warn("mounts: {}: filesystem options \"{}\" mean nothing on a bind mount and are ignored",
                dest, options.data);
    }
    return mount_bind(context, mount, options, dest, prepared);
  }
  if (type == "proc" || type == "sysfs") return mount_proc_or_sysfs(context, mount, options, dest);
  if (type == "cgroup") return mount_cgroup(context, mount, options, dest);
  if (type.empty()) return fail_msg("mount without a type (and not a bind)");
  return mount_filesystem(context, mount, options, dest);
}

}  // namespace cruntime::rootfs
