// NamespacePlan: which namespaces clone3 creates, which the child joins by path (and in what order),
// which it unshares afterwards, and whether a second fork is needed. Pure: no syscalls.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string_view>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

int namespace_clone_flag(spec::NamespaceType type);
// The namespace's file in /proc/<pid>/ns/: "pid", "net", "mnt", "ipc", "uts", "user", "cgroup",
// "time".
std::string_view namespace_proc_file(spec::NamespaceType type);

struct NamespaceJoin {
  spec::NamespaceType type;
  int clone_flag;    // CLONE_NEW* for setns(fd, nstype), which makes the kernel check the type
  std::string path;
};

// How the init gets into its cgroup: this decides who makes a new cgroup namespace, whose root is
// the cgroup the creating process is in at that moment.
enum class CgroupEntry {
  kNone,              // no cgroup to enter
  kCloneInto,         // clone3 CLONE_INTO_CGROUP with the cgroup's directory fd (v2)
  kAttachAfterClone,  // the parent writes cgroup.procs after clone (v1/hybrid, no fd)
};

struct NamespacePlan {
  uint64_t clone_flags = 0;           // created by clone3 itself (the fast path)
  std::vector<NamespaceJoin> joins;   // setns by the child, user namespace first, mount last
  bool unshare_user = false;          // after the joins; the parent then writes the id maps
  uint64_t unshare_flags = 0;         // created by the child after the joins (and the userns)
  bool second_fork = false;           // pid/time ns set up by setns/unshare: init is a grandchild
  uint64_t new_flags = 0;             // every namespace the container gets fresh (clone or unshare)
  uint64_t joined_flags = 0;
  // linux.timeOffsets, written by the child before it forks into the new time namespace; empty
  // unless the plan unshares one.
  std::map<std::string, spec::TimeOffset> time_offsets;
  CgroupEntry cgroup_entry = CgroupEntry::kNone;
  // A new cgroup namespace the init unshares itself once the parent attached it (kParentReady):
  // made by clone3 it would be rooted in the runtime's cgroup.
  bool unshare_cgroup_after_attach = false;

  bool creates(int clone_flag) const { return (new_flags & static_cast<uint64_t>(clone_flag)) != 0; }
  bool joins_ns(int clone_flag) const { return (joined_flags & static_cast<uint64_t>(clone_flag)) != 0; }
  // The namespace is private to the container (new or joined), not the runtime's own.
  bool has(int clone_flag) const { return creates(clone_flag) || joins_ns(clone_flag); }
};

// Validated config in, plan out; the plan is not changed afterwards. Fast path (nothing joined,
// no time offsets): one clone3 with all CLONE_NEW* flags. Otherwise the runc order: join by path
// first (userns first, so the other joins and the new namespaces are owned by it), then unshare
// the userns and the rest.
Result<NamespacePlan> plan_namespaces(const spec::Config& config,
                                      CgroupEntry cgroup = CgroupEntry::kNone);

}  // namespace cruntime::process
