// The init's namespace steps after clone: setns by path, unshare, time offsets, the second fork.
#include "cruntime/process/child_namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

// time_namespaces(7): the writer needs CAP_SYS_TIME in the user namespace that owns the new time
// namespace (ours: we just created or joined it), and the namespace must have no process yet
// (the init enters it only by the second fork).
Result<void> write_time_offsets(const std::map<std::string, spec::TimeOffset>& offsets) {
  std::string text;
  for (const auto& [clock, offset] : offsets) {
    text += fmt::format("{} {} {}\n", clock, offset.secs, offset.nanosecs);
  }
  UniqueFd fd = CR_TRY_CTX(fs::open("/proc/self/timens_offsets", O_WRONLY), "linux.timeOffsets");
  CR_TRY_CTX(fs::write_all(fd.get(), text), "linux.timeOffsets: write /proc/self/timens_offsets");
  return {};
}

// The new user namespace has no mappings until the parent writes them; until then we are
// nobody inside it. Become its root so the following steps act as container root.
Result<void> become_userns_root() {
  if (::setresgid(0, 0, 0) != 0) return fail(Error::sys(errno, "setresgid 0 in the user namespace"));
  if (::setresuid(0, 0, 0) != 0) return fail(Error::sys(errno, "setresuid 0 in the user namespace"));
  return {};
}

}  // namespace

Result<void> join_and_unshare(const InitContext& context, SyncSocket& sync) {
  const NamespacePlan& plan = context.plan;
  // Open every namespace file first: after joining a mount namespace the paths may be gone.
  std::vector<UniqueFd> fds;
  for (const auto& join : plan.joins) {
    UniqueFd fd = CR_TRY_CTX(fs::open(join.path, O_RDONLY), "linux.namespaces: {}", join.path);
    fds.push_back(std::move(fd));
  }
  for (size_t i = 0; i < plan.joins.size(); ++i) {
    // setns with an explicit nstype makes the kernel refuse a file of another namespace type.
    if (::setns(fds[i].get(), plan.joins[i].clone_flag) != 0) {
      return fail(Error::sys(errno, fmt::format("linux.namespaces: join {} namespace {}",
                                                spec::namespace_type_name(plan.joins[i].type),
                                                plan.joins[i].path)));
    }
  }
  if (plan.unshare_user) {
    if (::unshare(CLONE_NEWUSER) != 0) return fail(Error::sys(errno, "unshare user namespace"));
    CR_TRY(sync.send(MsgType::kIdMapRequest));
    CR_TRY(sync.expect(MsgType::kIdMapDone));
  }
  // Joining or creating the user namespace gave us every capability in it whatever our ids, so
  // the other namespaces can be unshared (and owned by it) before we take its root's ids.
  if (plan.unshare_flags != 0 && ::unshare(static_cast<int>(plan.unshare_flags)) != 0) {
    return fail(Error::sys(errno, "unshare namespaces"));
  }
  if (!plan.time_offsets.empty()) CR_TRY(write_time_offsets(plan.time_offsets));
  // Last: setresuid to the namespace's root changes our host euid (0 → e.g. 100000), and the
  // kernel then resets the dumpable flag to fs.suid_dumpable, usually 0 (commit_creds). A
  // non-dumpable process's /proc/self files belong to host root, so timens_offsets (0644) could
  // no longer be opened for writing: EACCES.
  if (plan.joins_ns(CLONE_NEWUSER) || plan.unshare_user) CR_TRY(become_userns_root());
  return {};
}

Result<void> fork_into_pending_namespaces(SyncSocket& sync, std::string_view what) {
  // CLONE_PARENT: the child becomes the runtime's child, so once we exit no runtime process
  // stands between the caller and it.
  sys::CloneResult child = CR_TRY_CTX(sys::clone3(CLONE_PARENT), "fork {}", what);
  if (child.pid == 0) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return fail(Error::sys(errno, "prctl PDEATHSIG"));
    return {};
  }
  // The intermediate: report the child's pid (we share the runtime's pid namespace) and go.
  if (auto sent = sync.send(MsgType::kInitPid, std::to_string(child.pid)); !sent) {
    ::kill(child.pid, SIGKILL);
    _exit(1);
  }
  _exit(0);
}

Result<void> second_fork_if_needed(const InitContext& context, SyncSocket& sync) {
  if (!context.plan.second_fork) return {};
  return fork_into_pending_namespaces(sync, "the container init");
}

Result<void> become_userns_root_if_new(const InitContext& context) {
  if ((context.plan.clone_flags & CLONE_NEWUSER) == 0) return {};
  return become_userns_root();
}

}  // namespace cruntime::process
