// What the systemd driver asks systemd for: the unit's own properties, linux.resources as unit
// properties (runc's systemd v2 driver), org.systemd.property.* annotations (pure).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/systemd_path.hpp"
#include "cruntime/cgroup/systemd_value.hpp"
#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// The properties of a new unit (runc's UnifiedManager.Apply): Description; a scope gets Slice=,
// Delegate=yes (the container may manage its sub-cgroups; systemd leaves them alone) and
// PIDs=[init]; a slice unit Wants= its parent slice. Accounting on for every controller, so the
// controllers are enabled and `events` has counters even without limits; DefaultDependencies=no
// so the unit neither waits for nor stops with the rest of the system.
std::vector<UnitProperty> unit_properties(const SystemdPlacement& placement, pid_t pid,
                                          std::string_view description);

struct ResourceProperties {
  std::vector<UnitProperty> properties;
  // What the v2 file writer applies afterwards (runc's fsMgr.Set after the properties): the
  // input, with cpu.quota raised to what systemd makes of CPUQuotaPerSecUSec, so the file and
  // the unit agree (systemd rewrites the file whenever it realizes the unit again).
  spec::LinuxResources files;
  // What this systemd is too old to take (the file writer still applies it): for the debug log.
  std::vector<std::string> skipped;
};

// linux.resources → unit properties for systemd `version` (systemd's Version, 252 on Debian 12),
// runc's table (docs/systemd.md, cgroup v2): memory.limit/reservation/swap → MemoryMax/MemoryLow/
// MemorySwapMax; cpu.shares → CPUWeight (cpu_shares_to_weight), cpu.idle 1 → CPUWeight 0 (v252);
// cpu.quota/period → CPUQuotaPerSecUSec (+ CPUQuotaPeriodUSec, v242); cpu.cpus/mems →
// AllowedCPUs/AllowedMemoryNodes (v244); pids.limit → TasksMax (0 → 1, systemd refuses 0);
// blockIO.weight → IOWeight (blkio_weight_to_io_weight, as crun); the unified keys cpu.max,
// cpu.weight, cpu.idle, cpuset.*, memory.{high,low,min,max,swap.max} and pids.max. Errors name
// the config field.
Result<ResourceProperties> resource_properties(const spec::LinuxResources& resources, int version);

// Only at unit creation (systemd refuses to change it later): unified memory.oom.group →
// OOMPolicy (v253).
Result<std::vector<UnitProperty>> creation_properties(const spec::LinuxResources& resources,
                                                      int version);

// org.systemd.property.<Name> annotations → properties, runc's rules: Name is at least three
// ASCII letters; the value is GVariant text (parse_gvariant); a Name ending in a lowercase letter
// + "Sec" (TimeoutStopSec) becomes <stem>USec with the number in seconds turned into µs. Other
// annotations are ignored. Errors name the annotation.
Result<std::vector<UnitProperty>> annotation_properties(
    const std::map<std::string, std::string>& annotations);

// "0-2,7" → the byte array systemd takes for AllowedCPUs/AllowedMemoryNodes: bit n of byte n/8
// for each listed number (runc's RangeToBits). Empty lists and numbers past 8191 are errors.
Result<std::vector<uint8_t>> cpuset_bits(std::string_view list);

// runc's addCPUQuota: systemd keeps the quota as a whole percentage of a CPU, so a quota that is
// not one is rounded up to the next, and `quota` is raised to match. Returns CPUQuotaPerSecUSec:
// quota·10⁶/period (period 0 = the kernel's default 100 ms); UINT64_MAX (infinity) for a quota
// ≤ 0.
uint64_t cpu_quota_per_sec(int64_t& quota, uint64_t period);

}  // namespace cruntime::cgroup
