// Bind sources handed to an init in a user namespace as fds: opened by the runtime, mounted by
// the init (runc 1.1's "mount source fds", runc#2484).
//
// The init's user namespace root is a mapped uid (100000 say) on the host: a source below a
// directory it may not search (/root/x, anything under a 0700 root directory) fails with EACCES
// when the init opens it. The runtime, with the host credentials, can. How the fd gets there,
// checked on Linux 6.18:
//  - opened before clone: the fd names a mount of the host's namespace, and open_tree/bind from
//    it in the init's new mount namespace fail with EINVAL (a foreign namespace's mount);
//  - open_tree(OPEN_TREE_CLONE) before clone, attached by the init: works, but the detached
//    copy carries none of the flags the kernel locks when a mount namespace is copied into a
//    less privileged user namespace, so the container's root could clear a host "ro", nodev or
//    nosuid with mount_setattr;
//  - runc: setns into the init's mount namespace, open, setns back. Correct, but switches the
//    runtime's own mount namespace (and so its root and cwd) back and forth;
//  - here: openat2 from /proc/<init>/root with RESOLVE_IN_ROOT. The walk runs over the init's
//    mount tree (a copy of the host's until the init mounts anything), so the fd is one of its
//    mounts, open_tree in the init accepts it and the clone keeps the locked flags; absolute
//    symlinks and ".." stay in that tree, so the path means what it means on the host.
// Asked for after the init entered its namespaces and before it turns non-dumpable, so a
// rootless runtime (no CAP_SYS_PTRACE) may still open /proc/<init>/root.
#include "cruntime/process/mount_sources.hpp"

#include <fcntl.h>
#include <sched.h>

#include <array>
#include <string>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/rootfs/bind_sources.hpp"
#include "cruntime/rootfs/mount.hpp"

namespace cruntime::process {

bool needs_mount_sources(const InitContext& context) {
  const NamespacePlan& plan = context.plan;
  if (!plan.has(CLONE_NEWUSER) || !plan.has(CLONE_NEWNS)) return false;
  return !rootfs::host_bind_entries(*context.config).empty();
}

Result<std::vector<UniqueFd>> receive_mount_sources(const InitContext& context, SyncSocket& sync) {
  std::vector<UniqueFd> fds;
  if (!needs_mount_sources(context)) return fds;
  fds.resize(context.config->mounts->size());
  CR_TRY(sync.send(MsgType::kMountSourcesRequest));
  for (;;) {
    Msg msg = CR_TRY_CTX(sync.recv(), "waiting for the mount sources");
    if (msg.type == MsgType::kMountSourcesDone) return fds;
    if (msg.type != MsgType::kMountSource) {
      return fail_msg("sync: expected mount-source, got {}", msg_type_name(msg.type));
    }
    auto index = strings::parse_int<size_t>(msg.payload);
    if (!index || *index >= fds.size() || msg.fds.size() != 1) {
      return fail_msg("sync: bad mount-source \"{}\" with {} fds", msg.payload, msg.fds.size());
    }
    fds[*index] = std::move(msg.fds[0]);
  }
}

Result<void> send_mount_sources(const InitContext& context, pid_t init_pid, SyncSocket& sync) {
  const spec::Config& config = *context.config;
  // Nothing opened is no failure: the init then opens the sources by path, as without a user
  // namespace, and reports what it cannot reach (mounts[i] ... bind source ...).
  auto root = fs::open(fmt::format("/proc/{}/root", init_pid), O_PATH | O_DIRECTORY);
  if (!root) {
    log::debug("mount sources: {}; the init opens them by path", root.error().to_string());
    return sync.send(MsgType::kMountSourcesDone);
  }
  for (size_t i : rootfs::host_bind_entries(config)) {
    const std::string source = rootfs::bind_source_path(context.bundle, (*config.mounts)[i]);
    auto fd = rootfs::open_bind_source(root->get(), source);
    if (!fd) {
      log::debug("mounts[{}]: {}; the init opens it by path", i, fd.error().to_string());
      continue;
    }
    log::debug("mounts[{}]: {} opened by the runtime", i, source);
    const std::array<int, 1> one = {fd->get()};
    CR_TRY(sync.send(MsgType::kMountSource, std::to_string(i), one));
  }  // each fd is closed once sent: the init holds its own copy
  return sync.send(MsgType::kMountSourcesDone);
}

std::vector<int> borrowed_fds(const std::vector<UniqueFd>& fds) {
  std::vector<int> out;
  out.reserve(fds.size());
  for (const UniqueFd& fd : fds) out.push_back(fd ? fd.get() : -1);
  return out;
}

}  // namespace cruntime::process
