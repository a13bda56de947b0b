// The JSON lines of `events`: runc's types.Event with types.Stats, field names and omissions alike.
#include "cruntime/container/events_json.hpp"

#include <nlohmann/json.hpp>

namespace cruntime::container {
namespace {

using Json = nlohmann::ordered_json;

// Go's `omitempty` on a number: the key is left out when the value is zero.
void put_nonzero(Json& out, const char* key, uint64_t value) {
  if (value != 0) out[key] = value;
}

template <class T>
void put_nonempty(Json& out, const char* key, const std::vector<T>& values) {
  if (!values.empty()) out[key] = values;
}

Json psi_data(const cgroup::PsiData& data) {
  return Json{{"avg10", data.avg10}, {"avg60", data.avg60}, {"avg300", data.avg300},
              {"total", data.total}};
}

void put_psi(Json& out, const std::optional<cgroup::Psi>& psi) {
  if (psi) out["psi"] = Json{{"some", psi_data(psi->some)}, {"full", psi_data(psi->full)}};
}

Json cpu_json(const cgroup::CpuStats& cpu) {
  Json usage = Json::object();
  put_nonzero(usage, "total", cpu.total);
  put_nonempty(usage, "percpu", cpu.percpu);
  put_nonempty(usage, "percpu_kernel", cpu.percpu_kernel);
  put_nonempty(usage, "percpu_user", cpu.percpu_user);
  usage["kernel"] = cpu.kernel;
  usage["user"] = cpu.user;
  Json throttling = Json::object();
  put_nonzero(throttling, "periods", cpu.periods);
  put_nonzero(throttling, "throttledPeriods", cpu.throttled_periods);
  put_nonzero(throttling, "throttledTime", cpu.throttled_time);
  Json out{{"usage", usage}, {"throttling", throttling}};
  put_psi(out, cpu.psi);
  return out;
}

Json cpuset_json(const cgroup::CpusetStats& cpuset) {
  Json out = Json::object();
  put_nonempty(out, "cpus", cpuset.cpus);
  out["cpu_exclusive"] = cpuset.cpu_exclusive;
  put_nonempty(out, "mems", cpuset.mems);
  out["mem_hardwall"] = cpuset.mem_hardwall;
  out["mem_exclusive"] = cpuset.mem_exclusive;
  out["memory_migrate"] = cpuset.memory_migrate;
  out["memory_spread_page"] = cpuset.memory_spread_page;
  out["memory_spread_slab"] = cpuset.memory_spread_slab;
  out["memory_pressure"] = cpuset.memory_pressure;
  out["sched_load_balance"] = cpuset.sched_load_balance;
  out["sched_relax_domain_level"] = cpuset.sched_relax_domain_level;
  return out;
}

Json memory_entry(const cgroup::MemoryEntry& entry) {
  Json out{{"limit", entry.limit}};
  put_nonzero(out, "usage", entry.usage);
  put_nonzero(out, "max", entry.max);
  out["failcnt"] = entry.failcnt;
  return out;
}

Json memory_json(const cgroup::MemoryStats& memory) {
  Json out = Json::object();
  put_nonzero(out, "cache", memory.cache);
  out["usage"] = memory_entry(memory.usage);
  out["swap"] = memory_entry(memory.swap);
  out["kernel"] = memory_entry(memory.kernel);
  out["kernelTCP"] = memory_entry(memory.kernel_tcp);
  if (!memory.raw.empty()) out["raw"] = memory.raw;
  put_psi(out, memory.psi);
  Json events = Json::object();
  put_nonzero(events, "low", memory.events.low);
  put_nonzero(events, "high", memory.events.high);
  put_nonzero(events, "max", memory.events.max);
  put_nonzero(events, "oom", memory.events.oom);
  put_nonzero(events, "oom_kill", memory.events.oom_kill);
  out["event_count"] = events;
  return out;
}

Json blkio_entries(const std::vector<cgroup::BlkioEntry>& entries) {
  Json out = Json::array();
  for (const cgroup::BlkioEntry& entry : entries) {
    Json item = Json::object();
    put_nonzero(item, "major", entry.major);
    put_nonzero(item, "minor", entry.minor);
    if (!entry.op.empty()) item["op"] = entry.op;
    put_nonzero(item, "value", entry.value);
    out.push_back(item);
  }
  return out;
}

Json blkio_json(const cgroup::BlkioStats& blkio) {
  Json out = Json::object();
  auto put = [&out](const char* key, const std::vector<cgroup::BlkioEntry>& entries) {
    if (!entries.empty()) out[key] = blkio_entries(entries);
  };
  put("ioServiceBytesRecursive", blkio.service_bytes);
  put("ioServicedRecursive", blkio.serviced);
  put("ioQueueRecursive", blkio.queued);
  put("ioServiceTimeRecursive", blkio.service_time);
  put("ioWaitTimeRecursive", blkio.wait_time);
  put("ioMergedRecursive", blkio.merged);
  put("ioTimeRecursive", blkio.time);
  put("sectorsRecursive", blkio.sectors);
  put_psi(out, blkio.psi);
  return out;
}

Json stats_json(const cgroup::Stats& stats) {
  Json pids = Json::object();
  put_nonzero(pids, "current", stats.pids.current);
  put_nonzero(pids, "limit", stats.pids.limit);
  Json hugetlb = Json::object();
  for (const auto& [size, entry] : stats.hugetlb) {
    Json item = Json::object();
    put_nonzero(item, "usage", entry.usage);
    put_nonzero(item, "max", entry.max);
    item["failcnt"] = entry.failcnt;
    hugetlb[size] = item;
  }
  return Json{{"cpu", cpu_json(stats.cpu)},
              {"cpuset", cpuset_json(stats.cpuset)},
              {"memory", memory_json(stats.memory)},
              {"pids", pids},
              {"blkio", blkio_json(stats.blkio)},
              {"hugetlb", hugetlb},
              {"intel_rdt", Json::object()},
              {"network_interfaces", nullptr}};
}

}  // namespace

// memory.stat keys are the kernel's text, copied as they are: invalid UTF-8 in them becomes
// U+FFFD, as Go's encoding/json does, instead of an exception out of dump().
std::string stats_event_json(std::string_view id, const cgroup::Stats& stats) {
  return Json{{"type", "stats"}, {"id", std::string(id)}, {"data", stats_json(stats)}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
}

std::string oom_event_json(std::string_view id) {
  return Json{{"type", "oom"}, {"id", std::string(id)}}.dump(-1, ' ', false,
                                                              Json::error_handler_t::replace);
}

}  // namespace cruntime::container
