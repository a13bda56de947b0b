// The runtime-spec features document (features.md, features-linux.md) printed by `cruntime features`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cruntime::spec {

struct SeccompFeatures {
  std::optional<bool> enabled;
  std::optional<std::vector<std::string>> actions;
  std::optional<std::vector<std::string>> operators;
  std::optional<std::vector<std::string>> archs;
  std::optional<std::vector<std::string>> known_flags;
  std::optional<std::vector<std::string>> supported_flags;
  bool operator==(const SeccompFeatures&) const = default;
};

struct CgroupFeatures {
  std::optional<bool> v1;
  std::optional<bool> v2;
  std::optional<bool> systemd;
  std::optional<bool> systemd_user;
  std::optional<bool> rdma;
  bool operator==(const CgroupFeatures&) const = default;
};

struct EnabledFeature {
  std::optional<bool> enabled;
  bool operator==(const EnabledFeature&) const = default;
};

struct IntelRdtFeatures {
  std::optional<bool> enabled;
  std::optional<bool> schemata;
  std::optional<bool> monitoring;
  bool operator==(const IntelRdtFeatures&) const = default;
};

struct MemoryPolicyFeatures {
  std::optional<std::vector<std::string>> modes;
  std::optional<std::vector<std::string>> flags;
  bool operator==(const MemoryPolicyFeatures&) const = default;
};

struct MountExtensionsFeatures {
  std::optional<EnabledFeature> idmap;
  bool operator==(const MountExtensionsFeatures&) const = default;
};

struct LinuxFeatures {
  std::optional<std::vector<std::string>> namespaces;
  std::optional<std::vector<std::string>> capabilities;
  std::optional<CgroupFeatures> cgroup;
  std::optional<SeccompFeatures> seccomp;
  std::optional<EnabledFeature> apparmor;
  std::optional<EnabledFeature> selinux;
  std::optional<IntelRdtFeatures> intel_rdt;
  std::optional<MemoryPolicyFeatures> memory_policy;
  std::optional<MountExtensionsFeatures> mount_extensions;
  std::optional<EnabledFeature> net_devices;
  bool operator==(const LinuxFeatures&) const = default;
};

struct Features {
  std::string oci_version_min;
  std::string oci_version_max;
  std::optional<std::vector<std::string>> hooks;
  std::optional<std::vector<std::string>> mount_options;
  std::optional<LinuxFeatures> linux_features;  // JSON key "linux"
  std::map<std::string, std::string> annotations;
  std::optional<std::vector<std::string>> potentially_unsafe_config_annotations;
  bool operator==(const Features&) const = default;
};

}  // namespace cruntime::spec
