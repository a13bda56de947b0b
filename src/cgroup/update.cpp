// Merging `update` changes into a container's resources (runc's update rules).
#include "cruntime/cgroup/update.hpp"

#include <utility>

namespace cruntime::cgroup {
namespace {

template <class T>
void take(std::optional<T>& into, const std::optional<T>& from) {
  if (from) into = from;
}

// Per-device entries keyed by major:minor: a new entry replaces the old one for that device.
template <class Entry>
void upsert(std::optional<std::vector<Entry>>& into, const std::optional<std::vector<Entry>>& from) {
  if (!from) return;
  if (!into) into.emplace();
  for (const Entry& entry : *from) {
    bool replaced = false;
    for (Entry& existing : *into) {
      if (existing.major == entry.major && existing.minor == entry.minor) {
        existing = entry;
        replaced = true;
      }
    }
    if (!replaced) into->push_back(entry);
  }
}

void merge_memory(spec::MemoryResources& into, const spec::MemoryResources& from) {
  if (from.limit && !from.swap) {
    // runc stores swap 0 ("leave alone") unless given; -1 then lifts swap with the limit.
    into.swap = *from.limit == -1 ? std::optional<int64_t>(-1) : std::nullopt;
  }
  take(into.limit, from.limit);
  take(into.reservation, from.reservation);
  take(into.swap, from.swap);
  take(into.check_before_update, from.check_before_update);
}

void merge_cpu(spec::CpuResources& into, const spec::CpuResources& from) {
  // A quota or period alone keeps the other's current value: cpu.max needs both.
  take(into.quota, from.quota);
  take(into.period, from.period);
  take(into.burst, from.burst);
  take(into.shares, from.shares);
  take(into.realtime_runtime, from.realtime_runtime);
  take(into.realtime_period, from.realtime_period);
  take(into.cpus, from.cpus);
  take(into.mems, from.mems);
  take(into.idle, from.idle);
}

void merge_block_io(spec::BlockIOResources& into, const spec::BlockIOResources& from) {
  take(into.weight, from.weight);
  take(into.leaf_weight, from.leaf_weight);
  upsert(into.weight_device, from.weight_device);
  upsert(into.throttle_read_bps_device, from.throttle_read_bps_device);
  upsert(into.throttle_write_bps_device, from.throttle_write_bps_device);
  upsert(into.throttle_read_iops_device, from.throttle_read_iops_device);
  upsert(into.throttle_write_iops_device, from.throttle_write_iops_device);
}

}  // namespace

spec::LinuxResources merge_update(const spec::LinuxResources& current,
                                  const spec::LinuxResources& changes) {
  spec::LinuxResources out = current;
  if (changes.memory) {
    if (!out.memory) out.memory.emplace();
    merge_memory(*out.memory, *changes.memory);
  }
  if (changes.cpu) {
    if (!out.cpu) out.cpu.emplace();
    merge_cpu(*out.cpu, *changes.cpu);
  }
  if (changes.pids && changes.pids->limit) out.pids = changes.pids;
  if (changes.block_io) {
    if (!out.block_io) out.block_io.emplace();
    merge_block_io(*out.block_io, *changes.block_io);
  }
  if (changes.unified) {
    if (!out.unified) out.unified.emplace();
    for (const auto& [key, value] : *changes.unified) (*out.unified)[key] = value;
  }
  return out;
}

spec::LinuxResources updatable_part(const spec::LinuxResources& resources) {
  spec::LinuxResources out;
  out.memory = resources.memory;
  out.cpu = resources.cpu;
  out.pids = resources.pids;
  out.block_io = resources.block_io;
  out.unified = resources.unified;
  return out;
}

}  // namespace cruntime::cgroup
