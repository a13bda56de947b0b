// The shared half of the linux.resources translations: the write list and the sections whose
// cgroup files are the same on v1 and v2.
#include "cruntime/cgroup/resource_builder.hpp"

#include <utility>

#include <fmt/format.h>

namespace cruntime::cgroup {

FileWrite& ResourceBuilder::add(std::string controller, std::string file, std::string value,
                                std::string field, IfMissing if_missing) {
  FileWrite& w = plan.writes.emplace_back();
  w.controller = std::move(controller);
  w.file = std::move(file);
  w.value = std::move(value);
  w.field = std::move(field);
  w.if_missing = if_missing;
  return w;
}

std::string quoted_member(std::string_view base, std::string_view key) {
  return fmt::format("{}[\"{}\"]", base, key);
}

Result<void> check_swap(const spec::MemoryResources& memory) {
  CR_TRY_CTX(memory_swap_to_v2(memory.swap.value_or(0), memory.limit.value_or(0)), "{}.memory.swap",
             kResourcesField);
  return {};
}

void warn_kernel_memory(const spec::MemoryResources& memory, ResourceBuilder& b) {
  if (memory.kernel) b.warn(kResourcesField + ".memory.kernel is deprecated and ignored");
  if (memory.kernel_tcp) b.warn(kResourcesField + ".memory.kernelTCP is deprecated and ignored");
}

void add_cpuset(const spec::CpuResources& cpu, ResourceBuilder& b) {
  if (cpu.cpus && !cpu.cpus->empty()) {
    b.add("cpuset", "cpuset.cpus", *cpu.cpus, kResourcesField + ".cpu.cpus");
  }
  if (cpu.mems && !cpu.mems->empty()) {
    b.add("cpuset", "cpuset.mems", *cpu.mems, kResourcesField + ".cpu.mems");
  }
}

void add_pids(const spec::PidsResources& pids, ResourceBuilder& b) {
  if (!pids.limit) return;
  // Negative is unlimited; 0 is a real limit (runtime-spec 1.3: "no new tasks").
  b.add("pids", "pids.max", *pids.limit < 0 ? "max" : std::to_string(*pids.limit),
        kResourcesField + ".pids.limit");
}

std::vector<Throttle> throttles(const spec::BlockIOResources& io) {
  return {{io.throttle_read_bps_device, "throttleReadBpsDevice", "blkio.throttle.read_bps_device",
           "rbps"},
          {io.throttle_write_bps_device, "throttleWriteBpsDevice",
           "blkio.throttle.write_bps_device", "wbps"},
          {io.throttle_read_iops_device, "throttleReadIOPSDevice",
           "blkio.throttle.read_iops_device", "riops"},
          {io.throttle_write_iops_device, "throttleWriteIOPSDevice",
           "blkio.throttle.write_iops_device", "wiops"}};
}

Result<void> add_hugepages(const std::vector<spec::HugepageLimit>& limits,
                           std::string_view suffix, std::string_view rsvd_suffix, ResourceBuilder& b) {
  for (size_t i = 0; i < limits.size(); ++i) {
    const spec::HugepageLimit& limit = limits[i];
    const std::string field = fmt::format("{}.hugepageLimits[{}]", kResourcesField, i);
    if (!valid_hugepage_size(limit.page_size)) {
      return fail_msg("{}.pageSize: invalid page size \"{}\" (want a size like \"2MB\")", field,
                      limit.page_size);
    }
    const std::string value = std::to_string(limit.limit);
    b.add("hugetlb", fmt::format("hugetlb.{}.{}", limit.page_size, suffix), value, field);
    b.add("hugetlb", fmt::format("hugetlb.{}.{}", limit.page_size, rsvd_suffix), value, field,
          IfMissing::kSkip);
  }
  return {};
}

void add_rdma(const std::map<std::string, spec::RdmaLimit>& devices, ResourceBuilder& b) {
  for (const auto& [device, limit] : devices) {
    if (!limit.hca_handles && !limit.hca_objects) continue;
    std::string value = device;
    if (limit.hca_handles) value += fmt::format(" hca_handle={}", *limit.hca_handles);
    if (limit.hca_objects) value += fmt::format(" hca_object={}", *limit.hca_objects);
    b.add("rdma", "rdma.max", value, quoted_member(kResourcesField + ".rdma", device));
  }
}

}  // namespace cruntime::cgroup
