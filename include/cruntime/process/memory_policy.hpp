// linux.memoryPolicy (runtime-spec 1.3): the NUMA memory policy of the container's processes,
// set with set_mempolicy(2) in the init and in every `exec`'d process (the policy is inherited
// across fork and execve, but an exec'd process is forked from the runtime, not the init).
#pragma once

#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/linux.hpp"

namespace cruntime::process {

// The arguments of set_mempolicy(2) for a policy.
struct MemoryPolicyCall {
  int mode = 0;                     // MPOL_* | MPOL_F_* flags
  std::vector<unsigned long> mask;  // node bitmap; empty for "no nodes" (a null nodemask)
  unsigned long max_node = 0;       // bits in mask + 1: the kernel drops the last bit
};

// Pure: names looked up in spec/linux_names.hpp's tables, nodes parsed (at most 1023, the
// kernel's largest MAX_NUMNODES). Errors name the field below linux.memoryPolicy ("nodes: ...").
Result<MemoryPolicyCall> plan_memory_policy(const spec::MemoryPolicy& policy);

// Pure: without MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES, whose node numbers the kernel
// maps onto the allowed nodes itself, every node of the policy must be in `online`, the host's
// online node list (/sys/devices/system/node/online).
Result<void> check_nodes_online(const spec::MemoryPolicy& policy, std::string_view online);

// check_nodes_online for this host: create's check before anything is made, so a policy the
// kernel would refuse in the init is one line naming the field instead.
Result<void> check_memory_policy_on_host(const spec::MemoryPolicy& policy);

// set_mempolicy(2) for the calling thread (and so what it forks and execs).
Result<void> apply_memory_policy(const MemoryPolicyCall& call);

}  // namespace cruntime::process
