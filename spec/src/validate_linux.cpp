// Pure checks of config.json `linux` (config-linux.md) in its section order: namespaces, id maps,
// timeOffsets, devices, netDevices, cgroupsPath, resources, intelRdt, memoryPolicy, sysctl,
// seccomp, rootfsPropagation, masked/readonly paths, personality.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cruntime/spec/linux_names.hpp"
#include "validate_detail.hpp"

namespace cruntime::spec::detail {
namespace {

// Linux's dev_t as mknod(2) sees it: a 12-bit major and a 20-bit minor.
constexpr int64_t kMaxMajor = (1 << 12) - 1;
constexpr int64_t kMaxMinor = (1 << 20) - 1;
// IFNAMSIZ is 16 including the terminating NUL.
constexpr size_t kMaxIfName = 15;
constexpr uint32_t kNanosPerSecond = 1000000000;


void check_namespaces(const std::vector<Namespace>& list, Problems& out) {
  for (size_t i = 0; i < list.size(); ++i) {
    const Namespace& ns = list[i];
    const std::string base = at("linux.namespaces", i);
    if (!parse_namespace_type(ns.type)) {
      out.add(base + ".type", "unknown namespace type " + quote(ns.type));
    } else {
      for (size_t j = 0; j < i; ++j) {
        if (list[j].type == ns.type) {
          out.add(base + ".type", fmt::format("duplicate namespace type {} (also at {})",
                                              quote(ns.type), at("linux.namespaces", j)));
          break;
        }
      }
    }
    if (ns.path) require_absolute(out, base + ".path", *ns.path);
  }
}

bool non_empty(const std::optional<std::vector<IdMapping>>& maps) { return maps && !maps->empty(); }

// runc: mappings need a user namespace; a new user namespace needs mappings (a joined one has its
// own). cruntime wants both lists, since without a gid_map setresgid(0) would fail in the child.
void check_user_namespace(const Linux& lx, const NamespaceIndex& ns, Problems& out) {
  const bool has_uid = non_empty(lx.uid_mappings);
  const bool has_gid = non_empty(lx.gid_mappings);
  if (!ns.has(NamespaceType::kUser)) {
    if (has_uid) out.add("linux.uidMappings", "needs a \"user\" namespace in linux.namespaces");
    if (has_gid) out.add("linux.gidMappings", "needs a \"user\" namespace in linux.namespaces");
  } else if (ns.creates(NamespaceType::kUser)) {
    if (!has_uid && !has_gid) {
      out.add(at("linux.namespaces", ns.position(NamespaceType::kUser)),
              "a new user namespace needs linux.uidMappings and linux.gidMappings");
    } else if (!has_uid) {
      out.add("linux.uidMappings", "must be set and non-empty for a new user namespace");
    } else if (!has_gid) {
      out.add("linux.gidMappings", "must be set and non-empty for a new user namespace");
    }
  }
  if (lx.uid_mappings) check_id_mappings(*lx.uid_mappings, "linux.uidMappings", out);
  if (lx.gid_mappings) check_id_mappings(*lx.gid_mappings, "linux.gidMappings", out);
}

// time_namespaces(7): offsets exist for CLOCK_MONOTONIC and CLOCK_BOOTTIME only, and can only be
// written before the first process enters a new time namespace.
void check_time_offsets(const std::map<std::string, TimeOffset>& offsets, const NamespaceIndex& ns,
                        Problems& out) {
  if (offsets.empty()) return;
  if (!ns.has(NamespaceType::kTime)) {
    out.add("linux.timeOffsets", "needs a new \"time\" namespace in linux.namespaces");
  } else if (!ns.creates(NamespaceType::kTime)) {
    out.add("linux.timeOffsets",
            fmt::format("cannot be used with a joined time namespace ({}.path)",
                        at("linux.namespaces", ns.position(NamespaceType::kTime))));
  }
  for (const auto& [clock, offset] : offsets) {
    const std::string base = member("linux.timeOffsets", clock);
    if (clock != "monotonic" && clock != "boottime") {
      out.add(base, "unknown clock " + quote(clock) + " (want monotonic or boottime)");
    }
    if (offset.nanosecs >= kNanosPerSecond) {
      out.add(base + ".nanosecs",
              fmt::format("must be below {}, got {}", kNanosPerSecond, offset.nanosecs));
    }
  }
}

void check_device_number(const std::optional<int64_t>& number, int64_t max,
                         const std::string& where, std::string_view type, Problems& out) {
  if (!number) {
    if (type != "p") out.add(where, "required for device type " + quote(type));
  } else if (*number < 0) {
    out.add(where, fmt::format("must not be negative, got {}", *number));
  } else if (*number > max) {
    out.add(where, fmt::format("must be at most {}, got {}", max, *number));
  }
}

void check_devices(const std::vector<Device>& devices, Problems& out) {
  for (size_t i = 0; i < devices.size(); ++i) {
    const Device& dev = devices[i];
    const std::string base = at("linux.devices", i);
    const bool known_type =
        dev.type == "c" || dev.type == "b" || dev.type == "u" || dev.type == "p";
    if (!known_type) {
      out.add(base + ".type", "unknown device type " + quote(dev.type) + " (want c, b, u or p)");
    }
    require_absolute(out, base + ".path", dev.path);
    if (known_type) {
      check_device_number(dev.major, kMaxMajor, base + ".major", dev.type, out);
      check_device_number(dev.minor, kMaxMinor, base + ".minor", dev.type, out);
    }
    if (dev.file_mode && *dev.file_mode > 07777) {
      out.add(base + ".fileMode", "must be at most 07777, got " + octal(*dev.file_mode));
    }
    // chown(2) would leave a node meant for 4294967295 owned by root.
    if (dev.uid == kUnchangedId) out.add(base + ".uid", "4294967295 is not a valid user id");
    if (dev.gid == kUnchangedId) out.add(base + ".gid", "4294967295 is not a valid group id");
  }
}

// The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or white space.
bool valid_ifname(std::string_view name) {
  if (name.empty() || name.size() > kMaxIfName || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r')) return false;
  }
  return true;
}

void check_net_devices(const std::map<std::string, NetDevice>& devices, const NamespaceIndex& ns,
                       Problems& out) {
  if (devices.empty()) return;
  if (!ns.has(NamespaceType::kNetwork)) {
    out.add("linux.netDevices", "needs a \"network\" namespace in linux.namespaces");
  }
  for (const auto& [host_name, dev] : devices) {
    const std::string base = member("linux.netDevices", host_name);
    if (!valid_ifname(host_name)) out.add(base, "invalid network device name " + quote(host_name));
    if (dev.name && !dev.name->empty() && !valid_ifname(*dev.name)) {
      out.add(base + ".name", "invalid network device name " + quote(*dev.name));
    }
  }
}

// The CLOS id is a directory name in resctrl ("/" = its root); runc's rules.
void check_intel_rdt(const IntelRdt& rdt, Problems& out) {
  if (rdt.clos_id) {
    const std::string& clos = *rdt.clos_id;
    if (clos == "." || clos == ".." || (clos.size() > 1 && clos.find('/') != std::string::npos)) {
      out.add("linux.intelRdt.closID", "invalid CLOS id " + quote(clos) +
                                           " (want a directory name, or \"/\" for the default)");
    }
  }
  if (rdt.mem_bw_schema) {
    if (rdt.mem_bw_schema->rfind("MB:", 0) != 0) {
      out.add("linux.intelRdt.memBwSchema", "must start with \"MB:\", got " +
                                                quote(*rdt.mem_bw_schema));
    } else if (rdt.mem_bw_schema->find('\n') != std::string::npos) {
      out.add("linux.intelRdt.memBwSchema", "must not contain newlines");
    }
  }
  if (!rdt.schemata) return;
  for (size_t i = 0; i < rdt.schemata->size(); ++i) {
    if ((*rdt.schemata)[i].find('\n') != std::string::npos) {
      out.add(at("linux.intelRdt.schemata", i), "must not contain newlines");
    }
  }
}

// set_mempolicy(2): MPOL_DEFAULT/LOCAL take no nodes; BIND, INTERLEAVE, WEIGHTED_INTERLEAVE and
// PREFERRED_MANY need at least one; STATIC_NODES and RELATIVE_NODES exclude each other.
void check_memory_policy(const MemoryPolicy& policy, Problems& out) {
  const std::string base = "linux.memoryPolicy";
  const std::string nodes = policy.nodes.value_or("");
  const bool mode_known = memory_policy_mode(policy.mode).has_value();
  const bool takes_no_nodes = policy.mode == "MPOL_DEFAULT" || policy.mode == "MPOL_LOCAL";
  if (!mode_known) out.add(base + ".mode", "unknown memory policy mode " + quote(policy.mode));
  if (!is_valid_id_list(nodes)) {
    out.add(base + ".nodes", "invalid node list " + quote(nodes) + " (want a list like \"0-3,7\")");
  } else if (mode_known && takes_no_nodes && !nodes.empty()) {
    out.add(base + ".nodes", "must be empty for " + policy.mode + ", got " + quote(nodes));
  } else if (mode_known && !takes_no_nodes && policy.mode != "MPOL_PREFERRED" && nodes.empty()) {
    out.add(base + ".nodes", policy.mode + " needs at least one node");
  }
  if (!policy.flags) return;
  bool is_static = false;
  bool relative = false;
  for (size_t i = 0; i < policy.flags->size(); ++i) {
    const std::string& flag = (*policy.flags)[i];
    if (!memory_policy_flag(flag)) {
      out.add(at(base + ".flags", i), "unknown memory policy flag " + quote(flag));
    }
    is_static = is_static || flag == "MPOL_F_STATIC_NODES";
    relative = relative || flag == "MPOL_F_RELATIVE_NODES";
  }
  if (is_static && relative) {
    out.add(base + ".flags",
            "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be used together");
  }
}

void check_paths(const std::optional<std::vector<std::string>>& paths, const std::string& where,
                 const NamespaceIndex& ns, Problems& out) {
  if (!paths || paths->empty()) return;
  // runc: masking or write-protecting paths without a mount namespace would change the host.
  if (!ns.has(NamespaceType::kMount)) {
    out.add(where, "needs a \"mount\" namespace in linux.namespaces");
  }
  for (size_t i = 0; i < paths->size(); ++i) require_absolute(out, at(where, i), (*paths)[i]);
}

}  // namespace

void check_linux(const Config& config, const NamespaceIndex& ns, Problems& out) {
  if (!config.linux_config) return;
  const Linux& lx = *config.linux_config;
  if (lx.namespaces) check_namespaces(*lx.namespaces, out);
  check_user_namespace(lx, ns, out);
  if (lx.time_offsets) check_time_offsets(*lx.time_offsets, ns, out);
  if (lx.devices) check_devices(*lx.devices, out);
  if (lx.net_devices) check_net_devices(*lx.net_devices, ns, out);
  if (lx.cgroups_path && has_dotdot_component(*lx.cgroups_path)) {
    out.add("linux.cgroupsPath", "must not contain \"..\" components, got " +
                                     quote(*lx.cgroups_path));
  }
  if (lx.resources) check_resources(*lx.resources, out);
  if (lx.intel_rdt) check_intel_rdt(*lx.intel_rdt, out);
  if (lx.memory_policy) check_memory_policy(*lx.memory_policy, out);
  if (lx.sysctl) check_sysctl(lx, ns, out);
  if (lx.seccomp) check_seccomp(*lx.seccomp, out);
  if (lx.rootfs_propagation && !lx.rootfs_propagation->empty() &&
      !mount_propagation(*lx.rootfs_propagation)) {
    out.add("linux.rootfsPropagation",
            "unknown propagation " + quote(*lx.rootfs_propagation) +
                " (want shared, slave, private, unbindable or rshared, rslave, rprivate, "
                "runbindable)");
  }
  check_paths(lx.masked_paths, "linux.maskedPaths", ns, out);
  check_paths(lx.readonly_paths, "linux.readonlyPaths", ns, out);
  if (lx.personality && !personality_domain(lx.personality->domain)) {
    out.add("linux.personality.domain", "unknown personality domain " +
                                            quote(lx.personality->domain) +
                                            " (want LINUX or LINUX32)");
  }
}

}  // namespace cruntime::spec::detail
