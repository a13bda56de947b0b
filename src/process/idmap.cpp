// Writing a new user namespace's uid_map and gid_map from the parent (runtime) side, ourselves or
// through newuidmap/newgidmap.
#include "cruntime/process/idmap.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/process/idmap_helper.hpp"

namespace cruntime::process {
namespace {

// One of the two maps: its /proc file, its helper, the runtime's own id it may map unprivileged.
struct MapKind {
  std::string_view file;
  const MapHelper* helper;
  uint32_t own_id;
  bool groups = false;  // gid_map: setgroups comes into it
};

// The runtime's PATH, where runc looks its helpers up too.
std::string_view runtime_path() {
  const char* path = std::getenv("PATH");
  return path == nullptr ? std::string_view() : std::string_view(path);
}

// user_namespaces(7): a writer without CAP_SETGID in the parent namespace may write gid_map
// only after setgroups is "deny" (so the mapping cannot be used to drop a group).
Result<void> deny_setgroups(pid_t pid) {
  const std::string setgroups = fmt::format("/proc/{}/setgroups", pid);
  UniqueFd fd = CR_TRY(fs::open(setgroups, O_WRONLY));
  CR_TRY_CTX(fs::write_all(fd.get(), "deny"), "write {}", setgroups);
  return {};
}

Result<void> write_map(pid_t pid, const MapKind& kind,
                       const std::vector<spec::IdMapping>& mappings) {
  switch (choose_map_writer(mappings, kind.own_id, ::geteuid())) {
    case MapWriter::kSelf:  // unprivileged, our own id
      if (kind.groups) CR_TRY(deny_setgroups(pid));
      return write_id_map(pid, kind.file, mappings);
    case MapWriter::kHelper:
      return run_map_helper(*kind.helper, pid, mappings, runtime_path());
    case MapWriter::kSelfThenHelper:
      break;
  }
  auto written = write_id_map(pid, kind.file, mappings);
  if (written || written.error().code() != EPERM) return written;
  // EPERM for root: no CAP_SETUID/CAP_SETGID over the parent user namespace, or host ids our own
  // user namespace does not map. runc then tries the helper (ranges of /etc/subuid, /etc/subgid);
  // without one the kernel's answer stands.
  if (!find_in_path(kind.helper->name, runtime_path())) return written;
  auto helped = run_map_helper(*kind.helper, pid, mappings, runtime_path());
  if (!helped) return fail_msg("{}; {}", written.error().to_string(), helped.error().to_string());
  log::debug("{}: written by {} after EPERM", kind.file, kind.helper->name);
  return {};
}

}  // namespace

bool maps_only_own_id(const std::vector<spec::IdMapping>& mappings, uint32_t own_id) {
  return mappings.size() == 1 && mappings[0].size == 1 && mappings[0].host_id == own_id;
}

MapWriter choose_map_writer(const std::vector<spec::IdMapping>& mappings, uint32_t own_id,
                            uid_t euid) {
  if (euid == 0) return MapWriter::kSelfThenHelper;
  return maps_only_own_id(mappings, own_id) ? MapWriter::kSelf : MapWriter::kHelper;
}

std::string format_id_map(const std::vector<spec::IdMapping>& mappings) {
  std::string out;
  for (const auto& m : mappings)
    out += fmt::format("{} {} {}\n", m.container_id, m.host_id, m.size);
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
    const MapKind uid_map{"uid_map", &kNewUidMap, ::geteuid()};
    CR_TRY_CTX(write_map(pid, uid_map, *linux_config.uid_mappings), "linux.uidMappings");
  }
  if (linux_config.gid_mappings && !linux_config.gid_mappings->empty()) {
    const MapKind gid_map{"gid_map", &kNewGidMap, ::getegid(), true};
    CR_TRY_CTX(write_map(pid, gid_map, *linux_config.gid_mappings), "linux.gidMappings");
  }
  return {};
}

}  // namespace cruntime::process
