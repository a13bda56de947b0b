// Turning linux.namespaces into a NamespacePlan (clone flags, setns order, unshares).
#include "cruntime/process/namespaces.hpp"

#include <sched.h>

#include <algorithm>

namespace cruntime::process {
namespace {

// setns order: the user namespace first (it owns what follows), mount last (after it, the other
// namespace files might not be reachable; we open them all before joining anyway).
int join_rank(spec::NamespaceType type) {
  switch (type) {
    case spec::NamespaceType::kUser: return 0;
    case spec::NamespaceType::kIpc: return 1;
    case spec::NamespaceType::kUts: return 2;
    case spec::NamespaceType::kNetwork: return 3;
    case spec::NamespaceType::kPid: return 4;
    case spec::NamespaceType::kCgroup: return 5;
    case spec::NamespaceType::kTime: return 6;
    case spec::NamespaceType::kMount: return 7;
  }
  return 8;
}

}  // namespace

int namespace_clone_flag(spec::NamespaceType type) {
  switch (type) {
    case spec::NamespaceType::kPid: return CLONE_NEWPID;
    case spec::NamespaceType::kNetwork: return CLONE_NEWNET;
    case spec::NamespaceType::kMount: return CLONE_NEWNS;
    case spec::NamespaceType::kIpc: return CLONE_NEWIPC;
    case spec::NamespaceType::kUts: return CLONE_NEWUTS;
    case spec::NamespaceType::kUser: return CLONE_NEWUSER;
    case spec::NamespaceType::kCgroup: return CLONE_NEWCGROUP;
    case spec::NamespaceType::kTime: return CLONE_NEWTIME;
  }
  return 0;
}

std::string_view namespace_proc_file(spec::NamespaceType type) {
  switch (type) {
    case spec::NamespaceType::kPid: return "pid";
    case spec::NamespaceType::kNetwork: return "net";
    case spec::NamespaceType::kMount: return "mnt";
    case spec::NamespaceType::kIpc: return "ipc";
    case spec::NamespaceType::kUts: return "uts";
    case spec::NamespaceType::kUser: return "user";
    case spec::NamespaceType::kCgroup: return "cgroup";
    case spec::NamespaceType::kTime: return "time";
  }
  return "";
}

Result<NamespacePlan> plan_namespaces(const spec::Config& config, CgroupEntry cgroup) {
  NamespacePlan plan;
  plan.cgroup_entry = cgroup;
  const spec::Linux* linux_config = config.linux_config ? &*config.linux_config : nullptr;
  if (linux_config == nullptr || !linux_config->namespaces) return plan;

  for (const auto& ns : *linux_config->namespaces) {
    auto type = spec::parse_namespace_type(ns.type);
    if (!type) return fail_msg("unknown namespace type \"{}\"", ns.type);
    int flag = namespace_clone_flag(*type);
    if (ns.path && !ns.path->empty()) {
      plan.joins.push_back({*type, flag, *ns.path});
      plan.joined_flags |= static_cast<uint64_t>(flag);
    } else {
      plan.new_flags |= static_cast<uint64_t>(flag);
    }
  }
  std::stable_sort(plan.joins.begin(), plan.joins.end(),
                   [](const NamespaceJoin& a, const NamespaceJoin& b) {
                     return join_rank(a.type) < join_rank(b.type);
                   });

  // Offsets must be written before any process enters the time namespace, so it is unshared and
  // entered by a forked child rather than created by clone3.
  bool time_offsets = linux_config->time_offsets && !linux_config->time_offsets->empty();
  if (plan.joins.empty() && !(time_offsets && plan.creates(CLONE_NEWTIME))) {
    plan.clone_flags = plan.new_flags;
    if (cgroup == CgroupEntry::kAttachAfterClone && plan.creates(CLONE_NEWCGROUP)) {
      plan.clone_flags &= ~static_cast<uint64_t>(CLONE_NEWCGROUP);
      plan.unshare_cgroup_after_attach = true;
    }
    return plan;
  }
  plan.unshare_user = plan.creates(CLONE_NEWUSER);
  plan.unshare_flags = plan.new_flags & ~static_cast<uint64_t>(CLONE_NEWUSER);
  // setns/unshare of pid and time namespaces apply to children only.
  plan.second_fork = plan.has(CLONE_NEWPID) || plan.creates(CLONE_NEWTIME);
  if (time_offsets && plan.creates(CLONE_NEWTIME)) plan.time_offsets = *linux_config->time_offsets;
  return plan;
}

}  // namespace cruntime::process
