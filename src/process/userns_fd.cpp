// User namespace fds for id-mapped mounts: a short-lived helper child per mapping set.
#include "cruntime/process/userns_fd.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/process/idmap.hpp"
#include "cruntime/rootfs/idmap_mount.hpp"
#include "cruntime/rootfs/mount.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

// The helper's whole life: wait to be killed (by us, or with us).
[[noreturn]] void hold_namespace(pid_t parent) noexcept {
  // Without the death signal the helper could outlive a killed runtime: better not to exist.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ::_exit(1);
  if (::getppid() != parent) ::_exit(0);
  for (;;) ::pause();
}

Result<UniqueFd> open_userns_path(const std::string& path) { return fs::open(path, O_RDONLY); }

}  // namespace

Result<UniqueFd> make_userns_fd(const std::vector<spec::IdMapping>& uid_mappings,
                                const std::vector<spec::IdMapping>& gid_mappings) {
  const pid_t self = ::getpid();
  std::fflush(nullptr);  // the helper must not flush our buffered output again
  sys::CloneResult cloned = CR_TRY(sys::clone3(CLONE_NEWUSER));
  if (cloned.pid == 0) hold_namespace(self);
  sys::ChildGuard helper(cloned.pid);  // SIGKILL + reap on every path out
  // As a privileged writer in the parent namespace, gid_map needs no setgroups "deny".
  CR_TRY_CTX(write_id_map(cloned.pid, "uid_map", uid_mappings), "id-mapped mount");
  CR_TRY_CTX(write_id_map(cloned.pid, "gid_map", gid_mappings), "id-mapped mount");
  return fs::open(fmt::format("/proc/{}/ns/user", cloned.pid), O_RDONLY);
}

Result<std::vector<UniqueFd>> prepare_idmapped_mounts(const spec::Config& config,
                                                      const std::string& bundle) {
  std::vector<UniqueFd> trees;
  if (!rootfs::has_idmapped_mounts(config)) return trees;
  const auto& mounts = *config.mounts;
  trees.resize(mounts.size());
  std::map<std::string, UniqueFd> userns_by_maps;  // "uid map|gid map" or the joined path
  for (size_t i = 0; i < mounts.size(); ++i) {
    auto idmap = CR_TRY_CTX(rootfs::mount_idmap(mounts[i], config), "mounts[{}] ({})", i,
                            mounts[i].destination);
    if (!idmap) continue;
    const std::string key = idmap->userns_path.empty()
                                ? format_id_map(idmap->uid) + "|" + format_id_map(idmap->gid)
                                : idmap->userns_path;
    auto found = userns_by_maps.find(key);
    if (found == userns_by_maps.end()) {
      UniqueFd fd = idmap->userns_path.empty()
                        ? CR_TRY_CTX(make_userns_fd(idmap->uid, idmap->gid), "mounts[{}] ({})", i,
                                     mounts[i].destination)
                        : CR_TRY_CTX(open_userns_path(idmap->userns_path), "mounts[{}] ({})", i,
                                     mounts[i].destination);
      found = userns_by_maps.emplace(key, std::move(fd)).first;
    }
    const std::string source = rootfs::bind_source_path(bundle, mounts[i]);
    trees[i] = CR_TRY_CTX(rootfs::clone_idmapped_tree(source, *idmap, found->second.get()),
                          "mounts[{}] ({})", i, mounts[i].destination);
    log::debug("mounts[{}]: id-mapped tree of {} prepared", i, source);
  }
  return trees;
}

}  // namespace cruntime::process
