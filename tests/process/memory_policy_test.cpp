// Unit tests for linux.memoryPolicy: the set_mempolicy(2) arguments built from the config, the
// host's online-node check, and the policy really set (get_mempolicy) in a forked child.
#include <linux/mempolicy.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cruntime/process/memory_policy.hpp"
#include "support/child.hpp"

namespace process = cruntime::process;
namespace spec = cruntime::spec;
using cruntime::test::in_child;

namespace {

spec::MemoryPolicy policy(std::string mode, std::optional<std::string> nodes = std::nullopt,
                          std::optional<std::vector<std::string>> flags = std::nullopt) {
  return spec::MemoryPolicy{std::move(mode), std::move(nodes), std::move(flags)};
}

template <class T>
std::string error_of(const cruntime::Result<T>& r) {
  return r ? std::string() : r.error().to_string();
}

}  // namespace

TEST_CASE("plan_memory_policy: mode, flags and the node bitmap", "[process]") {
  auto bind = process::plan_memory_policy(policy("MPOL_BIND", "0-2,64", {{"MPOL_F_STATIC_NODES"}}));
  REQUIRE(bind);
  CHECK(bind->mode == (MPOL_BIND | MPOL_F_STATIC_NODES));
  REQUIRE(bind->mask.size() == 2);
  CHECK(bind->mask[0] == 0b111);
  CHECK(bind->mask[1] == 1);
  CHECK(bind->max_node == 129);  // the kernel counts one bit less than it is given

  auto local = process::plan_memory_policy(policy("MPOL_LOCAL"));
  REQUIRE(local);
  CHECK(local->mode == MPOL_LOCAL);
  CHECK(local->mask.empty());
  CHECK(local->max_node == 0);
  CHECK(process::plan_memory_policy(policy("MPOL_WEIGHTED_INTERLEAVE", "1"))->mode == 6);

  CHECK(error_of(process::plan_memory_policy(policy("MPOL_NONE"))) ==
        "mode: unknown memory policy mode \"MPOL_NONE\"");
  CHECK(error_of(process::plan_memory_policy(policy("MPOL_BIND", "0", {{"MPOL_F_X"}}))) ==
        "flags: unknown memory policy flag \"MPOL_F_X\"");
  CHECK(error_of(process::plan_memory_policy(policy("MPOL_BIND", "1024"))) ==
        "nodes: invalid node list \"1024\": node 1024 is too large (at most 1023)");
  CHECK(error_of(process::plan_memory_policy(policy("MPOL_BIND", "3-1"))) ==
        "nodes: invalid node list \"3-1\": range 3-1 is reversed");
}

TEST_CASE("check_nodes_online: every node online unless the kernel maps them", "[process]") {
  CHECK(process::check_nodes_online(policy("MPOL_BIND", "0,2"), "0-3\n"));
  CHECK(error_of(process::check_nodes_online(policy("MPOL_BIND", "0,5"), "0-3\n")) ==
        "nodes: node 5 is not online on this host (online: 0-3)");
  CHECK(process::check_nodes_online(policy("MPOL_BIND", "5", {{"MPOL_F_RELATIVE_NODES"}}), "0"));
  CHECK(process::check_nodes_online(policy("MPOL_BIND", "5", {{"MPOL_F_STATIC_NODES"}}), "0"));
  CHECK(process::check_nodes_online(policy("MPOL_DEFAULT"), "0"));
  CHECK(error_of(process::check_nodes_online(policy("MPOL_BIND", "0"), "garbage")) ==
        "/sys/devices/system/node/online: invalid node list \"garbage\": \"garbage\" is not a "
        "node number");
}

TEST_CASE("apply_memory_policy: get_mempolicy sees the mode and nodes", "[process]") {
  if (::access("/sys/devices/system/node/node0", F_OK) != 0) {
    WARN("skipped: this kernel has no NUMA support (no /sys/devices/system/node/node0)");
    return;
  }
  const std::string report = in_child([] {
    auto call = process::plan_memory_policy(policy("MPOL_INTERLEAVE", "0"));
    if (!call) return call.error().to_string();
    if (auto applied = process::apply_memory_policy(*call); !applied) {
      return applied.error().to_string();
    }
    int mode = -1;
    unsigned long mask[16] = {};
    if (::syscall(SYS_get_mempolicy, &mode, mask, sizeof mask * 8, nullptr, 0) != 0) {
      return std::string("get_mempolicy failed");
    }
    if (mode != MPOL_INTERLEAVE || mask[0] != 1) {
      return "mode " + std::to_string(mode) + " mask " + std::to_string(mask[0]);
    }
    return std::string();
  });
  CHECK(report == "");
}
