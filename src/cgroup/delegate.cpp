// Delegation of a v2 cgroup to a container with its own user and cgroup namespaces: the
// container's root can then manage its own sub-cgroups (systemd inside, nested runtimes).
#include "cruntime/cgroup/delegate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/manager.hpp"

namespace cruntime::cgroup {
namespace {

bool has_new_namespace(const spec::Linux& linux_config, std::string_view type) {
  if (!linux_config.namespaces) return false;
  return std::any_of(linux_config.namespaces->begin(), linux_config.namespaces->end(),
                     [type](const spec::Namespace& ns) { return ns.type == type && !ns.path; });
}

bool has_rw_cgroup_mount(const spec::Config& config) {
  if (!config.mounts) return false;
  for (const spec::Mount& mount : *config.mounts) {
    if (mount.type != "cgroup" && mount.type != "cgroup2") continue;
    if (mount.destination != "/sys/fs/cgroup" && mount.destination != "/sys/fs/cgroup/") continue;
    const auto& options = mount.options.value_or(std::vector<std::string>{});
    // The last of ro/rw wins, as in the mount option parser.
    bool read_only = false;
    for (const std::string& option : options) {
      if (option == "ro") read_only = true;
      if (option == "rw") read_only = false;
    }
    return !read_only;
  }
  return false;
}

std::optional<uint32_t> to_host(const std::vector<spec::IdMapping>& mappings, uint32_t id) {
  for (const spec::IdMapping& m : mappings) {
    if (id >= m.container_id && id - m.container_id < m.size) return m.host_id + (id - m.container_id);
  }
  return std::nullopt;
}

}  // namespace

std::optional<DelegateTo> delegation_target(const spec::Config& config) {
  if (!config.linux_config || !config.process) return std::nullopt;
  const spec::Linux& linux_config = *config.linux_config;
  if (!has_new_namespace(linux_config, "user") || !has_new_namespace(linux_config, "cgroup")) {
    return std::nullopt;
  }
  if (!has_rw_cgroup_mount(config)) return std::nullopt;
  if (!linux_config.uid_mappings || !linux_config.gid_mappings) return std::nullopt;
  auto uid = to_host(*linux_config.uid_mappings, config.process->user.uid);
  auto gid = to_host(*linux_config.gid_mappings, config.process->user.gid);
  if (!uid || !gid) return std::nullopt;
  return DelegateTo{*uid, *gid};
}

std::vector<std::string> delegate_files(const std::optional<std::string>& delegate_text) {
  std::vector<std::string> out;
  if (delegate_text) {
    for (const std::string& line : strings::split(*delegate_text, '\n')) {
      const std::string_view name = strings::trim(line);
      // Only plain file names: this list comes from the kernel, but stays inside the cgroup.
      if (!name.empty() && name.find('/') == std::string_view::npos && name != "." && name != "..") {
        out.emplace_back(name);
      }
    }
  }
  if (out.empty()) out = {"cgroup.procs", "cgroup.subtree_control", "cgroup.threads"};
  return out;
}

Result<void> delegate_cgroup(const spec::Config& config, const Manager& cgroup) {
  if (cgroup.mode() != Mode::kUnified) return {};
  const std::optional<DelegateTo> to = delegation_target(config);
  if (!to) return {};
  return delegate_dir(cgroup.dir(), *to);
}

Result<void> delegate_dir(const std::string& dir, const DelegateTo& to) {
  auto listed = fs::read_file("/sys/kernel/cgroup/delegate");
  const std::vector<std::string> files =
      delegate_files(listed ? std::optional<std::string>(*listed) : std::nullopt);
  if (::chown(dir.c_str(), to.uid, to.gid) != 0) {
    return fail(Error::sys(errno, "delegate cgroup: chown " + dir));
  }
  for (const std::string& file : files) {
    const std::string path = cgfs::join(dir, file);
    if (::chown(path.c_str(), to.uid, to.gid) != 0 && errno != ENOENT) {
      return fail(Error::sys(errno, "delegate cgroup: chown " + path));
    }
  }
  return {};
}

}  // namespace cruntime::cgroup
