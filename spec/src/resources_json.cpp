// JSON <-> model for linux.resources (config-linux.md "Control groups").
#include "json_detail.hpp"

namespace cruntime::spec {

Result<void> read_json(const Node& node, DeviceCgroupRule& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("allow", out.allow));
  CR_TRY(f.opt("type", out.type));
  CR_TRY(f.opt("major", out.major));
  CR_TRY(f.opt("minor", out.minor));
  CR_TRY(f.opt("access", out.access));
  return {};
}

void to_json(OJson& out, const DeviceCgroupRule& in) {
  out = OJson::object();
  out["allow"] = in.allow;
  put(out, "type", in.type);
  put(out, "major", in.major);
  put(out, "minor", in.minor);
  put(out, "access", in.access);
}

Result<void> read_json(const Node& node, MemoryResources& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("limit", out.limit));
  CR_TRY(f.opt("reservation", out.reservation));
  CR_TRY(f.opt("swap", out.swap));
  CR_TRY(f.opt("kernel", out.kernel));
  CR_TRY(f.opt("kernelTCP", out.kernel_tcp));
  CR_TRY(f.opt("swappiness", out.swappiness));
  CR_TRY(f.opt("disableOOMKiller", out.disable_oom_killer));
  CR_TRY(f.opt("useHierarchy", out.use_hierarchy));
  CR_TRY(f.opt("checkBeforeUpdate", out.check_before_update));
  return {};
}

void to_json(OJson& out, const MemoryResources& in) {
  out = OJson::object();
  put(out, "limit", in.limit);
  put(out, "reservation", in.reservation);
  put(out, "swap", in.swap);
  put(out, "kernel", in.kernel);
  put(out, "kernelTCP", in.kernel_tcp);
  put(out, "swappiness", in.swappiness);
  put(out, "disableOOMKiller", in.disable_oom_killer);
  put(out, "useHierarchy", in.use_hierarchy);
  put(out, "checkBeforeUpdate", in.check_before_update);
}

Result<void> read_json(const Node& node, CpuResources& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("shares", out.shares));
  CR_TRY(f.opt("quota", out.quota));
  CR_TRY(f.opt("burst", out.burst));
  CR_TRY(f.opt("period", out.period));
  CR_TRY(f.opt("realtimeRuntime", out.realtime_runtime));
  CR_TRY(f.opt("realtimePeriod", out.realtime_period));
  CR_TRY(f.opt("cpus", out.cpus));
  CR_TRY(f.opt("mems", out.mems));
  CR_TRY(f.opt("idle", out.idle));
  return {};
}

void to_json(OJson& out, const CpuResources& in) {
  out = OJson::object();
  put(out, "shares", in.shares);
  put(out, "quota", in.quota);
  put(out, "burst", in.burst);
  put(out, "period", in.period);
  put(out, "realtimeRuntime", in.realtime_runtime);
  put(out, "realtimePeriod", in.realtime_period);
  put(out, "cpus", in.cpus);
  put(out, "mems", in.mems);
  put(out, "idle", in.idle);
}

Result<void> read_json(const Node& node, PidsResources& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("limit", out.limit));
  return {};
}

void to_json(OJson& out, const PidsResources& in) {
  out = OJson::object();
  put(out, "limit", in.limit);
}

Result<void> read_json(const Node& node, WeightDevice& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("major", out.major));
  CR_TRY(f.req("minor", out.minor));
  CR_TRY(f.opt("weight", out.weight));
  CR_TRY(f.opt("leafWeight", out.leaf_weight));
  return {};
}

void to_json(OJson& out, const WeightDevice& in) {
  out = OJson::object();
  out["major"] = in.major;
  out["minor"] = in.minor;
  put(out, "weight", in.weight);
  put(out, "leafWeight", in.leaf_weight);
}

Result<void> read_json(const Node& node, ThrottleDevice& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("major", out.major));
  CR_TRY(f.req("minor", out.minor));
  CR_TRY(f.req("rate", out.rate));
  return {};
}

void to_json(OJson& out, const ThrottleDevice& in) {
  out = OJson::object();
  out["major"] = in.major;
  out["minor"] = in.minor;
  out["rate"] = in.rate;
}

Result<void> read_json(const Node& node, BlockIOResources& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("weight", out.weight));
  CR_TRY(f.opt("leafWeight", out.leaf_weight));
  CR_TRY(f.opt("weightDevice", out.weight_device));
  CR_TRY(f.opt("throttleReadBpsDevice", out.throttle_read_bps_device));
  CR_TRY(f.opt("throttleWriteBpsDevice", out.throttle_write_bps_device));
  CR_TRY(f.opt("throttleReadIOPSDevice", out.throttle_read_iops_device));
  CR_TRY(f.opt("throttleWriteIOPSDevice", out.throttle_write_iops_device));
  return {};
}

void to_json(OJson& out, const BlockIOResources& in) {
  out = OJson::object();
  put(out, "weight", in.weight);
  put(out, "leafWeight", in.leaf_weight);
  put(out, "weightDevice", in.weight_device);
  put(out, "throttleReadBpsDevice", in.throttle_read_bps_device);
  put(out, "throttleWriteBpsDevice", in.throttle_write_bps_device);
  put(out, "throttleReadIOPSDevice", in.throttle_read_iops_device);
  put(out, "throttleWriteIOPSDevice", in.throttle_write_iops_device);
}

Result<void> read_json(const Node& node, HugepageLimit& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("pageSize", out.page_size));
  CR_TRY(f.req("limit", out.limit));
  return {};
}

void to_json(OJson& out, const HugepageLimit& in) {
  out = OJson::object();
  out["pageSize"] = in.page_size;
  out["limit"] = in.limit;
}

Result<void> read_json(const Node& node, InterfacePriority& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("name", out.name));
  CR_TRY(f.req("priority", out.priority));
  return {};
}

void to_json(OJson& out, const InterfacePriority& in) {
  out = OJson::object();
  out["name"] = in.name;
  out["priority"] = in.priority;
}

Result<void> read_json(const Node& node, NetworkResources& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("classID", out.class_id));
  CR_TRY(f.opt("priorities", out.priorities));
  return {};
}

void to_json(OJson& out, const NetworkResources& in) {
  out = OJson::object();
  put(out, "classID", in.class_id);
  put(out, "priorities", in.priorities);
}

Result<void> read_json(const Node& node, RdmaLimit& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("hcaHandles", out.hca_handles));
  CR_TRY(f.opt("hcaObjects", out.hca_objects));
  return {};
}

void to_json(OJson& out, const RdmaLimit& in) {
  out = OJson::object();
  put(out, "hcaHandles", in.hca_handles);
  put(out, "hcaObjects", in.hca_objects);
}

Result<void> read_json(const Node& node, LinuxResources& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("devices", out.devices));
  CR_TRY(f.opt("memory", out.memory));
  CR_TRY(f.opt("cpu", out.cpu));
  CR_TRY(f.opt("pids", out.pids));
  CR_TRY(f.opt("blockIO", out.block_io));
  CR_TRY(f.opt("hugepageLimits", out.hugepage_limits));
  CR_TRY(f.opt("network", out.network));
  CR_TRY(f.opt("rdma", out.rdma));
  CR_TRY(f.opt("unified", out.unified));
  return {};
}

void to_json(OJson& out, const LinuxResources& in) {
  out = OJson::object();
  put(out, "devices", in.devices);
  put(out, "memory", in.memory);
  put(out, "cpu", in.cpu);
  put(out, "pids", in.pids);
  put(out, "blockIO", in.block_io);
  put(out, "hugepageLimits", in.hugepage_limits);
  put(out, "network", in.network);
  put(out, "rdma", in.rdma);
  put(out, "unified", in.unified);
}

}  // namespace cruntime::spec
