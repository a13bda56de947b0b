// Writing a new user namespace's uid_map and gid_map from the parent (runtime) side.
#include "cruntime/process/idmap.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "cruntime/base/fs.hpp"

namespace cruntime::process {

std::string format_id_map(const std::vector<spec::IdMapping>& mappings) {
  std::string out;
  for (const auto& m : mappings) out += fmt::format("{} {} {}\n", m.container_id, m.host_id, m.size);
  return out;
}

// The kernel wants the whole map in a single write(2).
Result<void> write_id_map(pid_t pid, std::string_view file,
                          const std::vector<spec::IdMapping>& mappings) {
  std::string path = fmt::format("/proc/{}/{}", pid, file);
  UniqueFd fd = CR_TRY(fs::open(path, O_WRONLY));
  CR_TRY_CTX(fs::write_all(fd.get(), format_id_map(mappings)), "write {}", path);
  return {};
}

Result<void> write_id_maps(pid_t pid, const spec::Linux& linux_config) {
  if (linux_config.uid_mappings && !linux_config.uid_mappings->empty()) {
    CR_TRY_CTX(write_id_map(pid, "uid_map", *linux_config.uid_mappings),
               "linux.uidMappings");
  }
  if (linux_config.gid_mappings && !linux_config.gid_mappings->empty()) {
    // user_namespaces(7): a writer without CAP_SETGID in the parent namespace may write gid_map
    // only after setgroups is "deny" (so the mapping cannot be used to drop a group).
    if (::geteuid() != 0) {
      const std::string setgroups = fmt::format("/proc/{}/setgroups", pid);
      UniqueFd fd = CR_TRY_CTX(fs::open(setgroups, O_WRONLY), "linux.gidMappings");
      CR_TRY_CTX(fs::write_all(fd.get(), "deny"), "linux.gidMappings: write {}", setgroups);
    }
    CR_TRY_CTX(write_id_map(pid, "gid_map", *linux_config.gid_mappings),
               "linux.gidMappings");
  }
  return {};
}

}  // namespace cruntime::process
