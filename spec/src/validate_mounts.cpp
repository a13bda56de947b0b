// Pure checks of config.json `mounts` (config.md "Mounts", cli-contract §12.2) and of id-mapping
// lists, which mounts share with linux.uidMappings/gidMappings.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "validate_detail.hpp"

namespace cruntime::spec::detail {
namespace {

// user_namespaces(7): since Linux 4.15 a uid_map/gid_map file holds at most 340 lines.
constexpr size_t kMaxIdMapRanges = 340;
// (uid_t)-1 is never mappable: the kernel refuses a range whose end wraps past it.
constexpr uint64_t kIdSpaceEnd = 0xFFFFFFFFu;

// The only targets runc allows under /proc besides /proc itself: files lxcfs emulates.
constexpr std::array<std::string_view, 10> kProcOverlays = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
    "/proc/swaps",   "/proc/uptime",    "/proc/loadavg", "/proc/slabinfo",
    "/proc/sys/kernel/ns_last_pid",     "/proc/sys/crypto/fips_enabled",
};

bool has_option(const Mount& mount, std::string_view name) {
  if (!mount.options) return false;
  return std::find(mount.options->begin(), mount.options->end(), name) != mount.options->end();
}

bool is_bind(const Mount& mount) { return has_option(mount, "bind") || has_option(mount, "rbind"); }

// Lexical cleanup of an absolute path without "..": collapse "//" and drop "." components.
std::string clean_path(std::string_view path) {
  std::string out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") {
      out += '/';
      out += part;
    }
    start = end + 1;
  }
  return out.empty() ? "/" : out;
}

bool contains_nul(const std::optional<std::string>& text) {
  return text && text->find('\0') != std::string::npos;
}

// security.md: only proc (or a bind of a procfs) on /proc itself, and nothing inside /proc except
// the lxcfs-style file overlays. The rootfs code repeats this after resolving symlinks.
void check_proc_target(const Mount& mount, const std::string& dest, const std::string& base,
                       Problems& out) {
  if (dest == "/proc") {
    if (mount.type.value_or("") != "proc" && !is_bind(mount)) {
      out.add(base + ".type", "only a \"proc\" filesystem or a bind mount may be mounted at /proc, "
                              "got " + quote(mount.type.value_or("")));
    }
    return;
  }
  if (dest.rfind("/proc/", 0) != 0) return;
  if (std::find(kProcOverlays.begin(), kProcOverlays.end(), dest) != kProcOverlays.end()) return;
  out.add(base + ".destination",
          "mounts inside /proc are only allowed over /proc/{cpuinfo,diskstats,meminfo,stat,swaps,"
          "uptime,loadavg,slabinfo,sys/kernel/ns_last_pid,sys/crypto/fips_enabled}, got " +
              quote(mount.destination));
}

void check_destination(const Mount& mount, const std::string& base, Problems& out) {
  const std::string where = base + ".destination";
  if (mount.destination.empty()) {
    out.add(where, "must not be empty");
  } else if (mount.destination.find('\0') != std::string::npos) {
    out.add(where, "must not contain a NUL byte, got " + quote(mount.destination));
  } else if (!is_absolute(mount.destination)) {
    // config.md allows relative destinations as deprecated (runc warns); cruntime refuses them
    // so that every mount target is unambiguous.
    out.add(where, "must be an absolute path, got " + quote(mount.destination));
  } else if (has_dotdot_component(mount.destination)) {
    out.add(where, "must not contain \"..\" components, got " + quote(mount.destination));
  } else {
    check_proc_target(mount, clean_path(mount.destination), base, out);
  }
}

bool empty_or_unset(const std::optional<std::vector<IdMapping>>& maps) {
  return !maps || maps->empty();
}

// config.md "POSIX-platform Mounts" and the idmap/ridmap rows of the option table.
void check_idmap(const Mount& mount, const std::string& base, const NamespaceIndex& ns,
                 Problems& out) {
  const bool has_maps = mount.uid_mappings || mount.gid_mappings;
  const bool idmap_option = has_option(mount, "idmap") || has_option(mount, "ridmap");
  if (!has_maps && !idmap_option) return;
  if (!is_bind(mount)) {
    out.add(base + ".options", "id-mapped mounts must be bind mounts (\"bind\" or \"rbind\")");
  }
  if (has_maps) {
    if (empty_or_unset(mount.uid_mappings)) {
      out.add(base + ".uidMappings", "must be set and non-empty together with gidMappings");
    } else {
      check_id_mappings(*mount.uid_mappings, base + ".uidMappings", out);
    }
    if (empty_or_unset(mount.gid_mappings)) {
      out.add(base + ".gidMappings", "must be set and non-empty together with uidMappings");
    } else {
      check_id_mappings(*mount.gid_mappings, base + ".gidMappings", out);
    }
  } else if (!ns.has(NamespaceType::kUser)) {
    out.add(base + ".options", "\"idmap\"/\"ridmap\" needs uidMappings and gidMappings, or a "
                               "\"user\" namespace in linux.namespaces");
  }
}

bool maps_container_id(const std::vector<IdMapping>& mappings, uint64_t id) {
  return std::any_of(mappings.begin(), mappings.end(), [id](const IdMapping& m) {
    return id >= m.container_id && id < uint64_t{m.container_id} + m.size;
  });
}

// A new filesystem in a new user namespace takes "uid="/"gid=" as ids of that namespace, and the
// kernel refuses one the mappings leave out with a bare EINVAL (devpts' "gid=5" in a rootless
// config that maps only the caller). runc refuses it before it starts; so does cruntime.
void check_owner_options(const Mount& mount, const std::string& base, const Config& config,
                         const NamespaceIndex& ns, Problems& out) {
  if (!mount.options || is_bind(mount) || mount.type == "bind") return;
  if (!ns.creates(NamespaceType::kUser) || !config.linux_config) return;
  struct Owner {
    std::string_view prefix;
    const std::optional<std::vector<IdMapping>>& mappings;
    std::string_view field;
  };
  const std::array<Owner, 2> owners = {{
      {"uid=", config.linux_config->uid_mappings, "linux.uidMappings"},
      {"gid=", config.linux_config->gid_mappings, "linux.gidMappings"},
  }};
  for (const std::string& option : *mount.options) {
    for (const Owner& owner : owners) {
      if (!option.starts_with(owner.prefix) || !owner.mappings) continue;
      const std::string_view value = std::string_view(option).substr(owner.prefix.size());
      uint64_t id = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
      // Not a plain number: left to the filesystem, which says what it wants.
      if (ec != std::errc() || end != value.data() + value.size()) continue;
      if (!maps_container_id(*owner.mappings, id)) {
        out.add(base + ".options",
                fmt::format("{}: {} {} is not mapped by {}", quote(option),
                            owner.prefix.substr(0, 3), id, owner.field));
      }
    }
  }
}

}  // namespace

void check_id_mappings(const std::vector<IdMapping>& mappings, const std::string& where,
                       Problems& out) {
  if (mappings.size() > kMaxIdMapRanges) {
    out.add(where, fmt::format("at most {} ranges are allowed, got {}", kMaxIdMapRanges,
                               mappings.size()));
  }
  for (size_t i = 0; i < mappings.size(); ++i) {
    const IdMapping& m = mappings[i];
    const std::string base = at(where, i);
    if (m.size == 0) {
      out.add(base + ".size", "must be greater than 0");
      continue;
    }
    const uint64_t container_end = uint64_t{m.container_id} + m.size;
    const uint64_t host_end = uint64_t{m.host_id} + m.size;
    if (container_end > kIdSpaceEnd) {
      out.add(base, fmt::format("containerID + size must not exceed {}, got {}", kIdSpaceEnd,
                                container_end));
      continue;
    }
    if (host_end > kIdSpaceEnd) {
      out.add(base, fmt::format("hostID + size must not exceed {}, got {}", kIdSpaceEnd, host_end));
      continue;
    }
    // The kernel refuses overlapping ranges on either side (user_namespaces(7)).
    for (size_t j = 0; j < i; ++j) {
      const IdMapping& o = mappings[j];
      if (o.size == 0) continue;
      const bool container_overlap = m.container_id < uint64_t{o.container_id} + o.size &&
                                     o.container_id < container_end;
      const bool host_overlap = m.host_id < uint64_t{o.host_id} + o.size && o.host_id < host_end;
      if (container_overlap || host_overlap) {
        out.add(base, fmt::format("{} range [{}, {}) overlaps {}",
                                  container_overlap ? "container" : "host",
                                  container_overlap ? m.container_id : m.host_id,
                                  container_overlap ? container_end : host_end, at(where, j)));
        break;
      }
    }
  }
}

void check_mounts(const Config& config, const NamespaceIndex& ns, Problems& out) {
  if (!config.mounts) return;
  for (size_t i = 0; i < config.mounts->size(); ++i) {
    const Mount& mount = (*config.mounts)[i];
    const std::string base = at("mounts", i);
    check_destination(mount, base, out);
    if (contains_nul(mount.source)) {
      out.add(base + ".source", "must not contain a NUL byte, got " + quote(*mount.source));
    }
    if (contains_nul(mount.type)) {
      out.add(base + ".type", "must not contain a NUL byte, got " + quote(*mount.type));
    }
    check_idmap(mount, base, ns, out);
    check_owner_options(mount, base, config, ns, out);
  }
}

// config.md: mounts with uidMappings/gidMappings SHOULD carry "idmap" or "ridmap"; runc treats
// them as "idmap" anyway, and so does cruntime, with a warning.
void warn_mounts(const Config& config, Problems& out) {
  if (!config.mounts) return;
  for (size_t i = 0; i < config.mounts->size(); ++i) {
    const Mount& mount = (*config.mounts)[i];
    if ((mount.uid_mappings || mount.gid_mappings) && !has_option(mount, "idmap") &&
        !has_option(mount, "ridmap")) {
      out.add(at("mounts", i) + ".options",
              "uidMappings/gidMappings without \"idmap\" or \"ridmap\": treated as \"idmap\"");
    }
  }
}

}  // namespace cruntime::spec::detail
