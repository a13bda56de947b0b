// JSON <-> model for the features document (features.md, features-linux.md).
#include "json_detail.hpp"

namespace cruntime::spec {

Result<void> read_json(const Node& node, SeccompFeatures& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("enabled", out.enabled));
  CR_TRY(f.opt("actions", out.actions));
  CR_TRY(f.opt("operators", out.operators));
  CR_TRY(f.opt("archs", out.archs));
  CR_TRY(f.opt("knownFlags", out.known_flags));
  CR_TRY(f.opt("supportedFlags", out.supported_flags));
  return {};
}

void to_json(OJson& out, const SeccompFeatures& in) {
  out = OJson::object();
  put(out, "enabled", in.enabled);
  put(out, "actions", in.actions);
  put(out, "operators", in.operators);
  put(out, "archs", in.archs);
  put(out, "knownFlags", in.known_flags);
  put(out, "supportedFlags", in.supported_flags);
}

Result<void> read_json(const Node& node, CgroupFeatures& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("v1", out.v1));
  CR_TRY(f.opt("v2", out.v2));
  CR_TRY(f.opt("systemd", out.systemd));
  CR_TRY(f.opt("systemdUser", out.systemd_user));
  CR_TRY(f.opt("rdma", out.rdma));
  return {};
}

void to_json(OJson& out, const CgroupFeatures& in) {
  out = OJson::object();
  put(out, "v1", in.v1);
  put(out, "v2", in.v2);
  put(out, "systemd", in.systemd);
  put(out, "systemdUser", in.systemd_user);
  put(out, "rdma", in.rdma);
}

Result<void> read_json(const Node& node, EnabledFeature& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("enabled", out.enabled));
  return {};
}

void to_json(OJson& out, const EnabledFeature& in) {
  out = OJson::object();
  put(out, "enabled", in.enabled);
}

Result<void> read_json(const Node& node, IntelRdtFeatures& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("enabled", out.enabled));
  CR_TRY(f.opt("schemata", out.schemata));
  CR_TRY(f.opt("monitoring", out.monitoring));
  return {};
}

void to_json(OJson& out, const IntelRdtFeatures& in) {
  out = OJson::object();
  put(out, "enabled", in.enabled);
  put(out, "schemata", in.schemata);
  put(out, "monitoring", in.monitoring);
}

Result<void> read_json(const Node& node, MemoryPolicyFeatures& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("modes", out.modes));
  CR_TRY(f.opt("flags", out.flags));
  return {};
}

void to_json(OJson& out, const MemoryPolicyFeatures& in) {
  out = OJson::object();
  put(out, "modes", in.modes);
  put(out, "flags", in.flags);
}

Result<void> read_json(const Node& node, MountExtensionsFeatures& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("idmap", out.idmap));
  return {};
}

void to_json(OJson& out, const MountExtensionsFeatures& in) {
  out = OJson::object();
  put(out, "idmap", in.idmap);
}

Result<void> read_json(const Node& node, LinuxFeatures& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("namespaces", out.namespaces));
  CR_TRY(f.opt("capabilities", out.capabilities));
  CR_TRY(f.opt("cgroup", out.cgroup));
  CR_TRY(f.opt("seccomp", out.seccomp));
  CR_TRY(f.opt("apparmor", out.apparmor));
  CR_TRY(f.opt("selinux", out.selinux));
  CR_TRY(f.opt("intelRdt", out.intel_rdt));
  CR_TRY(f.opt("memoryPolicy", out.memory_policy));
  CR_TRY(f.opt("mountExtensions", out.mount_extensions));
  CR_TRY(f.opt("netDevices", out.net_devices));
  return {};
}

void to_json(OJson& out, const LinuxFeatures& in) {
  out = OJson::object();
  put(out, "namespaces", in.namespaces);
  put(out, "capabilities", in.capabilities);
  put(out, "cgroup", in.cgroup);
  put(out, "seccomp", in.seccomp);
  put(out, "apparmor", in.apparmor);
  put(out, "selinux", in.selinux);
  put(out, "intelRdt", in.intel_rdt);
  put(out, "memoryPolicy", in.memory_policy);
  put(out, "mountExtensions", in.mount_extensions);
  put(out, "netDevices", in.net_devices);
}

// features.md: ociVersionMin and ociVersionMax are REQUIRED; everything else may be absent.
Result<void> read_json(const Node& node, Features& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("ociVersionMin", out.oci_version_min));
  CR_TRY(f.req("ociVersionMax", out.oci_version_max));
  CR_TRY(f.opt("hooks", out.hooks));
  CR_TRY(f.opt("mountOptions", out.mount_options));
  CR_TRY(f.opt("linux", out.linux_features));
  CR_TRY(f.opt_plain("annotations", out.annotations));
  CR_TRY(f.opt("potentiallyUnsafeConfigAnnotations", out.potentially_unsafe_config_annotations));
  return {};
}

// Key order of specs-go/features (runc's `features` output); annotations omitted when empty.
void to_json(OJson& out, const Features& in) {
  out = OJson::object();
  out["ociVersionMin"] = in.oci_version_min;
  out["ociVersionMax"] = in.oci_version_max;
  put(out, "hooks", in.hooks);
  put(out, "mountOptions", in.mount_options);
  put(out, "linux", in.linux_features);
  if (!in.annotations.empty()) out["annotations"] = in.annotations;
  put(out, "potentiallyUnsafeConfigAnnotations", in.potentially_unsafe_config_annotations);
}

}  // namespace cruntime::spec
