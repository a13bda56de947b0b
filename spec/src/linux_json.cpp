// JSON <-> model for config.json's `linux` object (config-linux.md) except resources and seccomp.
#include "json_detail.hpp"

namespace cruntime::spec {

Result<void> read_json(const Node& node, Namespace& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("type", out.type));
  CR_TRY(f.opt("path", out.path));
  return {};
}

void to_json(OJson& out, const Namespace& in) {
  out = OJson::object();
  out["type"] = in.type;
  put(out, "path", in.path);
}

Result<void> read_json(const Node& node, IdMapping& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("containerID", out.container_id));
  CR_TRY(f.req("hostID", out.host_id));
  CR_TRY(f.req("size", out.size));
  return {};
}

void to_json(OJson& out, const IdMapping& in) {
  out = OJson::object();
  out["containerID"] = in.container_id;
  out["hostID"] = in.host_id;
  out["size"] = in.size;
}

// Both members are optional in the schema (Go omitempty); absent means 0.
Result<void> read_json(const Node& node, TimeOffset& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt_plain("secs", out.secs));
  CR_TRY(f.opt_plain("nanosecs", out.nanosecs));
  return {};
}

void to_json(OJson& out, const TimeOffset& in) {
  out = OJson::object();
  out["secs"] = in.secs;
  out["nanosecs"] = in.nanosecs;
}

Result<void> read_json(const Node& node, Device& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("path", out.path));
  CR_TRY(f.req("type", out.type));
  CR_TRY(f.opt("major", out.major));
  CR_TRY(f.opt("minor", out.minor));
  CR_TRY(f.opt("fileMode", out.file_mode));
  CR_TRY(f.opt("uid", out.uid));
  CR_TRY(f.opt("gid", out.gid));
  return {};
}

void to_json(OJson& out, const Device& in) {
  out = OJson::object();
  out["path"] = in.path;
  out["type"] = in.type;
  put(out, "major", in.major);
  put(out, "minor", in.minor);
  put(out, "fileMode", in.file_mode);
  put(out, "uid", in.uid);
  put(out, "gid", in.gid);
}

Result<void> read_json(const Node& node, NetDevice& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("name", out.name));
  return {};
}

void to_json(OJson& out, const NetDevice& in) {
  out = OJson::object();
  put(out, "name", in.name);
}

Result<void> read_json(const Node& node, IntelRdt& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("closID", out.clos_id));
  CR_TRY(f.opt("l3CacheSchema", out.l3_cache_schema));
  CR_TRY(f.opt("memBwSchema", out.mem_bw_schema));
  CR_TRY(f.opt("schemata", out.schemata));
  CR_TRY(f.opt("enableMonitoring", out.enable_monitoring));
  CR_TRY(f.opt("enableCMT", out.enable_cmt));
  CR_TRY(f.opt("enableMBM", out.enable_mbm));
  return {};
}

void to_json(OJson& out, const IntelRdt& in) {
  out = OJson::object();
  put(out, "closID", in.clos_id);
  put(out, "schemata", in.schemata);
  put(out, "l3CacheSchema", in.l3_cache_schema);
  put(out, "memBwSchema", in.mem_bw_schema);
  put(out, "enableMonitoring", in.enable_monitoring);
  put(out, "enableCMT", in.enable_cmt);
  put(out, "enableMBM", in.enable_mbm);
}

Result<void> read_json(const Node& node, Personality& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("domain", out.domain));
  CR_TRY(f.opt("flags", out.flags));
  return {};
}

void to_json(OJson& out, const Personality& in) {
  out = OJson::object();
  out["domain"] = in.domain;
  put(out, "flags", in.flags);
}

Result<void> read_json(const Node& node, MemoryPolicy& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("mode", out.mode));
  CR_TRY(f.opt("nodes", out.nodes));
  CR_TRY(f.opt("flags", out.flags));
  return {};
}

void to_json(OJson& out, const MemoryPolicy& in) {
  out = OJson::object();
  out["mode"] = in.mode;
  put(out, "nodes", in.nodes);
  put(out, "flags", in.flags);
}

Result<void> read_json(const Node& node, Linux& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("uidMappings", out.uid_mappings));
  CR_TRY(f.opt("gidMappings", out.gid_mappings));
  CR_TRY(f.opt("sysctl", out.sysctl));
  CR_TRY(f.opt("resources", out.resources));
  CR_TRY(f.opt("cgroupsPath", out.cgroups_path));
  CR_TRY(f.opt("namespaces", out.namespaces));
  CR_TRY(f.opt("devices", out.devices));
  CR_TRY(f.opt("netDevices", out.net_devices));
  CR_TRY(f.opt("seccomp", out.seccomp));
  CR_TRY(f.opt("rootfsPropagation", out.rootfs_propagation));
  CR_TRY(f.opt("maskedPaths", out.masked_paths));
  CR_TRY(f.opt("readonlyPaths", out.readonly_paths));
  CR_TRY(f.opt("mountLabel", out.mount_label));
  CR_TRY(f.opt("intelRdt", out.intel_rdt));
  CR_TRY(f.opt("memoryPolicy", out.memory_policy));
  CR_TRY(f.opt("personality", out.personality));
  CR_TRY(f.opt("timeOffsets", out.time_offsets));
  return {};
}

// Key order of specs-go's Linux struct (runc's output).
void to_json(OJson& out, const Linux& in) {
  out = OJson::object();
  put(out, "uidMappings", in.uid_mappings);
  put(out, "gidMappings", in.gid_mappings);
  put(out, "sysctl", in.sysctl);
  put(out, "resources", in.resources);
  put(out, "cgroupsPath", in.cgroups_path);
  put(out, "namespaces", in.namespaces);
  put(out, "devices", in.devices);
  put(out, "netDevices", in.net_devices);
  put(out, "seccomp", in.seccomp);
  put(out, "rootfsPropagation", in.rootfs_propagation);
  put(out, "maskedPaths", in.masked_paths);
  put(out, "readonlyPaths", in.readonly_paths);
  put(out, "mountLabel", in.mount_label);
  put(out, "intelRdt", in.intel_rdt);
  put(out, "memoryPolicy", in.memory_policy);
  put(out, "personality", in.personality);
  put(out, "timeOffsets", in.time_offsets);
}

}  // namespace cruntime::spec
