// The config.json `linux` object (config-linux.md) except resources and seccomp, which have their own headers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/spec/resources.hpp"
#include "cruntime/spec/seccomp.hpp"

namespace cruntime::spec {

enum class NamespaceType { kPid, kNetwork, kMount, kIpc, kUts, kUser, kCgroup, kTime };

// "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"; nullopt for anything else.
std::optional<NamespaceType> parse_namespace_type(std::string_view name);
std::string_view namespace_type_name(NamespaceType type);
// Every type, in the enum's order (the one name table is in spec/src/names.cpp).
const std::vector<NamespaceType>& namespace_types();

struct Namespace {
  std::string type;  // kept as text so validate() can name an unknown type with its JSON path
  std::optional<std::string> path;
  bool operator==(const Namespace&) const = default;
};

struct IdMapping {
  uint32_t container_id = 0;  // JSON "containerID"
  uint32_t host_id = 0;       // JSON "hostID"
  uint32_t size = 0;
  bool operator==(const IdMapping&) const = default;
};

struct TimeOffset {
  int64_t secs = 0;
  uint32_t nanosecs = 0;
  bool operator==(const TimeOffset&) const = default;
};

struct Device {
  std::string type;  // "c", "b", "u", "p"
  std::string path;
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::optional<uint32_t> file_mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  bool operator==(const Device&) const = default;
};

struct NetDevice {
  std::optional<std::string> name;
  bool operator==(const NetDevice&) const = default;
};

struct IntelRdt {
  std::optional<std::string> clos_id;  // JSON "closID"
  std::optional<std::string> l3_cache_schema;
  std::optional<std::string> mem_bw_schema;
  std::optional<std::vector<std::string>> schemata;
  std::optional<bool> enable_monitoring;
  std::optional<bool> enable_cmt;  // JSON "enableCMT" (1.2)
  std::optional<bool> enable_mbm;  // JSON "enableMBM" (1.2)
  bool operator==(const IntelRdt&) const = default;
};

struct Personality {
  std::string domain;  // LINUX, LINUX32
  std::optional<std::vector<std::string>> flags;
  bool operator==(const Personality&) const = default;
};

struct MemoryPolicy {
  std::string mode;  // MPOL_DEFAULT, MPOL_BIND, ...
  std::optional<std::string> nodes;
  std::optional<std::vector<std::string>> flags;
  bool operator==(const MemoryPolicy&) const = default;
};

struct Linux {
  std::optional<std::vector<Namespace>> namespaces;
  std::optional<std::vector<IdMapping>> uid_mappings;
  std::optional<std::vector<IdMapping>> gid_mappings;
  std::optional<std::map<std::string, TimeOffset>> time_offsets;  // "monotonic", "boottime"
  std::optional<std::vector<Device>> devices;
  std::optional<std::map<std::string, NetDevice>> net_devices;
  std::optional<std::string> cgroups_path;
  std::optional<LinuxResources> resources;
  std::optional<IntelRdt> intel_rdt;
  std::optional<std::map<std::string, std::string>> sysctl;
  std::optional<Seccomp> seccomp;
  std::optional<std::string> rootfs_propagation;
  std::optional<std::vector<std::string>> masked_paths;
  std::optional<std::vector<std::string>> readonly_paths;
  std::optional<std::string> mount_label;
  std::optional<Personality> personality;
  std::optional<MemoryPolicy> memory_policy;
  bool operator==(const Linux&) const = default;
};

}  // namespace cruntime::spec
