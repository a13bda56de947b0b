// linux.resources (config-linux.md "Control groups"): memory, cpu, pids, blockIO, hugepages, devices, ...
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cruntime::spec {

struct DeviceCgroupRule {
  bool allow = false;
  std::optional<std::string> type;  // "a", "c", "b"; unset = all
  std::optional<int64_t> major;     // unset = wildcard
  std::optional<int64_t> minor;
  std::optional<std::string> access;  // subset of "rwm"
  bool operator==(const DeviceCgroupRule&) const = default;
};

struct MemoryResources {
  std::optional<int64_t> limit;
  std::optional<int64_t> reservation;
  std::optional<int64_t> swap;
  std::optional<int64_t> kernel;
  std::optional<int64_t> kernel_tcp;  // JSON "kernelTCP"
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;  // JSON "disableOOMKiller"
  std::optional<bool> use_hierarchy;
  std::optional<bool> check_before_update;
  bool operator==(const MemoryResources&) const = default;
};

struct CpuResources {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> burst;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::optional<std::string> cpus;
  std::optional<std::string> mems;
  std::optional<int64_t> idle;
  bool operator==(const CpuResources&) const = default;
};

struct PidsResources {
  std::optional<int64_t> limit;  // spec 1.3: optional; <= 0 (-1) means unlimited... 0 is a real limit
  bool operator==(const PidsResources&) const = default;
};

struct WeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  bool operator==(const WeightDevice&) const = default;
};

struct ThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
  bool operator==(const ThrottleDevice&) const = default;
};

struct BlockIOResources {
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  std::optional<std::vector<WeightDevice>> weight_device;
  std::optional<std::vector<ThrottleDevice>> throttle_read_bps_device;
  std::optional<std::vector<ThrottleDevice>> throttle_write_bps_device;
  std::optional<std::vector<ThrottleDevice>> throttle_read_iops_device;   // JSON "throttleReadIOPSDevice"
  std::optional<std::vector<ThrottleDevice>> throttle_write_iops_device;  // JSON "throttleWriteIOPSDevice"
  bool operator==(const BlockIOResources&) const = default;
};

struct HugepageLimit {
  std::string page_size;  // "2MB", "1GB"
  uint64_t limit = 0;
  bool operator==(const HugepageLimit&) const = default;
};

struct InterfacePriority {
  std::string name;
  uint32_t priority = 0;
  bool operator==(const InterfacePriority&) const = default;
};

struct NetworkResources {
  std::optional<uint32_t> class_id;  // JSON "classID"
  std::optional<std::vector<InterfacePriority>> priorities;
  bool operator==(const NetworkResources&) const = default;
};

struct RdmaLimit {
  std::optional<uint32_t> hca_handles;
  std::optional<uint32_t> hca_objects;
  bool operator==(const RdmaLimit&) const = default;
};

struct LinuxResources {
  std::optional<std::vector<DeviceCgroupRule>> devices;
  std::optional<MemoryResources> memory;
  std::optional<CpuResources> cpu;
  std::optional<PidsResources> pids;
  std::optional<BlockIOResources> block_io;  // JSON "blockIO"
  std::optional<std::vector<HugepageLimit>> hugepage_limits;
  std::optional<NetworkResources> network;
  std::optional<std::map<std::string, RdmaLimit>> rdma;
  std::optional<std::map<std::string, std::string>> unified;
  bool operator==(const LinuxResources&) const = default;
};

}  // namespace cruntime::spec
