// Bind sources the container's user namespace may not reach: which entries, and opening one.
#include "cruntime/rootfs/bind_sources.hpp"

#include <fcntl.h>
#include <sys/mount.h>

#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/rootfs/safe_path.hpp"

namespace cruntime::rootfs {

std::vector<size_t> host_bind_entries(const spec::Config& config) {
  std::vector<size_t> out;
  if (!config.mounts) return out;
  static const std::vector<std::string> kNone;
  const auto& mounts = *config.mounts;
  for (size_t i = 0; i < mounts.size(); ++i) {
    const spec::Mount& mount = mounts[i];
    auto options =
        parse_mount_options(mount.options ? *mount.options : kNone, mount.type.value_or(""));
    if (!options || !options->is_bind || options->has(MS_REMOUNT)) continue;
    if (options->idmap || mount.uid_mappings || mount.gid_mappings) continue;
    if (!mount.source || mount.source->empty()) continue;
    out.push_back(i);
  }
  return out;
}

Result<UniqueFd> open_bind_source(int init_root, std::string_view source) {
  // Taken as written: a host path, whose ".." after a symlink climbs from the link's target.
  return open_in_root_as_written(init_root, source, O_PATH);
}

}  // namespace cruntime::rootfs
