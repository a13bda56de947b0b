// linux.memoryPolicy: set_mempolicy(2) from the config's names and node list.
#include "cruntime/process/memory_policy.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>

#include <fmt/format.h>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/process/scheduling.hpp"
#include "cruntime/spec/linux_names.hpp"

namespace cruntime::process {
namespace {

// CONFIG_NODES_SHIFT is at most 10 on every architecture Linux runs containers on.
constexpr unsigned kMaxNode = 1023;
constexpr unsigned kBitsPerLong = sizeof(unsigned long) * CHAR_BIT;
constexpr const char* kOnlineNodesPath = "/sys/devices/system/node/online";

bool has_flag(const spec::MemoryPolicy& policy, std::string_view flag) {
  return policy.flags &&
         std::find(policy.flags->begin(), policy.flags->end(), flag) != policy.flags->end();
}

Result<std::vector<unsigned>> policy_nodes(const spec::MemoryPolicy& policy) {
  if (!policy.nodes || policy.nodes->empty()) return std::vector<unsigned>{};
  return CR_TRY_CTX(parse_number_list(*policy.nodes, "node", kMaxNode), "nodes");
}

}  // namespace

Result<MemoryPolicyCall> plan_memory_policy(const spec::MemoryPolicy& policy) {
  const std::optional<int> mode = spec::memory_policy_mode(policy.mode);
  if (!mode) return fail_msg("mode: unknown memory policy mode \"{}\"", policy.mode);
  MemoryPolicyCall call;
  call.mode = *mode;
  if (policy.flags) {
    for (const std::string& name : *policy.flags) {
      const std::optional<int> flag = spec::memory_policy_flag(name);
      if (!flag) return fail_msg("flags: unknown memory policy flag \"{}\"", name);
      call.mode |= *flag;
    }
  }
  const std::vector<unsigned> nodes = CR_TRY(policy_nodes(policy));
  if (nodes.empty()) return call;  // MPOL_DEFAULT, MPOL_LOCAL, MPOL_PREFERRED = local
  call.mask.assign(nodes.back() / kBitsPerLong + 1, 0);
  for (unsigned node : nodes) call.mask[node / kBitsPerLong] |= 1UL << (node % kBitsPerLong);
  call.max_node = call.mask.size() * kBitsPerLong + 1;
  return call;
}

Result<void> check_nodes_online(const spec::MemoryPolicy& policy, std::string_view online) {
  if (has_flag(policy, "MPOL_F_STATIC_NODES") || has_flag(policy, "MPOL_F_RELATIVE_NODES")) {
    return {};
  }
  const std::vector<unsigned> nodes = CR_TRY(policy_nodes(policy));
  if (nodes.empty()) return {};
  const std::string online_list(strings::trim(online));
  const std::vector<unsigned> host =
      CR_TRY_CTX(parse_number_list(online_list, "node", kMaxNode), "{}", kOnlineNodesPath);
  for (unsigned node : nodes) {
    if (!std::binary_search(host.begin(), host.end(), node)) {
      return fail_msg("nodes: node {} is not online on this host (online: {})", node, online_list);
    }
  }
  return {};
}

Result<void> check_memory_policy_on_host(const spec::MemoryPolicy& policy) {
  CR_TRY(plan_memory_policy(policy));
  if (!policy.nodes || policy.nodes->empty()) return {};
  // A kernel without CONFIG_NUMA has no node directory: set_mempolicy fails with ENOSYS there.
  auto online = fs::read_file(kOnlineNodesPath);
  if (!online) {
    return fail(std::move(online).error().with_context(
        "the host's NUMA nodes (a kernel without NUMA support cannot set a memory policy)"));
  }
  return check_nodes_online(policy, *online);
}

Result<void> apply_memory_policy(const MemoryPolicyCall& call) {
  const unsigned long* mask = call.mask.empty() ? nullptr : call.mask.data();
  if (::syscall(SYS_set_mempolicy, call.mode, mask, call.max_node) != 0) {
    return fail(Error::sys(errno, "set_mempolicy"));
  }
  return {};
}

}  // namespace cruntime::process
