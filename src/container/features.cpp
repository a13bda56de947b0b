// `cruntime features`: the runtime-spec Features document describing what this build really does.
//
// Keep this file true. It lists only what cruntime implements today, and callers trust it
// (containerd and CRI-O decide e.g. on `rro` or idmapped mounts from it). Cruntime runs
// containers with hooks, every namespace type, capabilities, seccomp, cgroups v1/v2, and AppArmor
// profiles and SELinux labels where the host has them. Every later feature
// (cgroup drivers, mount extensions, ...) must add itself here in the same change that makes it
// work, and never before.
#include <fmt/format.h>
#include <seccomp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cruntime/base/build_info.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/container/rootless.hpp"
#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/security/seccomp_host.hpp"
#include "cruntime/security/seccomp_tables.hpp"
#include "cruntime/spec/linux.hpp"
#include "cruntime/spec/linux_names.hpp"
#include "cruntime/spec/process_names.hpp"
#include "cruntime/spec/version.hpp"

namespace cruntime::container {
namespace {

spec::SeccompFeatures seccomp_features() {
  spec::SeccompFeatures seccomp;
  seccomp.enabled = true;
  seccomp.actions = security::known_seccomp_actions();
  seccomp.operators = security::known_seccomp_operators();
  seccomp.archs = security::known_seccomp_architectures();
  seccomp.known_flags = security::known_seccomp_flags();
  std::vector<std::string> supported;
  for (const auto& flag : security::known_seccomp_flags()) {
    if (security::seccomp_flag_attribute(flag)) supported.push_back(flag);  // this libseccomp
  }
  seccomp.supported_flags = std::move(supported);
  return seccomp;
}

spec::LinuxFeatures linux_features() {
  spec::LinuxFeatures linux_features;
  // Every type of the spec's table: clone3 creates and setns joins each of them.
  std::vector<std::string> namespaces;
  for (spec::NamespaceType type : spec::namespace_types()) {
    namespaces.emplace_back(spec::namespace_type_name(type));
  }
  std::sort(namespaces.begin(), namespaces.end());
  linux_features.namespaces = std::move(namespaces);
  linux_features.capabilities = spec::names_of(spec::capability_table());
  linux_features.seccomp = seccomp_features();
  // Both cgroupfs managers, and the systemd driver (--systemd-cgroup) on v2 hosts, through the
  // user's own systemd for rootless containers (systemdUser).
  spec::CgroupFeatures cgroup;
  cgroup.v1 = true;
  cgroup.v2 = true;
  cgroup.systemd = true;
  cgroup.systemd_user = true;
  cgroup.rdma = true;
  linux_features.cgroup = cgroup;
  // Id-mapped bind mounts (idmap/ridmap, mount uid/gidMappings): rootfs/idmap_mount.cpp.
  spec::MountExtensionsFeatures mount_extensions;
  mount_extensions.idmap = spec::EnabledFeature{true};
  linux_features.mount_extensions = mount_extensions;
  // linux.memoryPolicy: set_mempolicy in the init and in exec'd processes
  // (process/memory_policy.cpp), every mode and flag of the spec's table.
  spec::MemoryPolicyFeatures memory_policy;
  memory_policy.modes = spec::names_of(spec::memory_policy_mode_table());
  memory_policy.flags = spec::names_of(spec::memory_policy_flag_table());
  linux_features.memory_policy = memory_policy;
  // linux.netDevices: moved in over rtnetlink during create (process/net_devices.cpp).
  linux_features.net_devices = spec::EnabledFeature{true};
  // linux.intelRdt through resctrl (cgroup/resctrl.cpp): the group, schemata[] and the MON group
  // of enableMonitoring. Not the host's: features.md says it is the runtime's support.
  linux_features.intel_rdt = spec::IntelRdtFeatures{true, true, true};
  // The host's LSMs, not what the build could do (unlike runc's constant true): create refuses a
  // profile or label the host cannot apply, so a caller deciding from features must see that.
  const security::LsmSupport lsm = security::host_lsm_support();
  linux_features.apparmor = spec::EnabledFeature{lsm.apparmor};
  linux_features.selinux = spec::EnabledFeature{lsm.selinux};
  return linux_features;
}

}  // namespace

spec::Features features() {
  spec::Features out;
  out.oci_version_min = std::string(spec::kOciVersionMin);
  out.oci_version_max = std::string(spec::kOciVersion);
  out.hooks = std::vector<std::string>{"prestart",       "createRuntime", "createContainer",
                                       "startContainer", "poststart",     "poststop"};
  out.mount_options = rootfs::known_mount_options();
  out.linux_features = linux_features();
  out.annotations["io.github.cruntime.version"] = build::kVersion;
  out.annotations["io.github.cruntime.commit"] = build::kCommit;
  out.annotations["io.github.cruntime.libseccomp.version"] = security::libseccomp_version();
  for (auto& [key, text] : rootless_feature_annotations()) out.annotations[key] = std::move(text);
  // org.opencontainers.runc.checkpoint.enabled stays absent: there is no checkpoint/restore.
  // Annotations that change what the runtime does beyond the config (features.md): the systemd
  // driver passes these on as unit properties of the container's scope, as runc does.
  out.potentially_unsafe_config_annotations = std::vector<std::string>{"org.systemd.property."};
  return out;
}

}  // namespace cruntime::container
