// `kill`: signal the init through a pidfd (never a recycled pid); --all reaches the whole pid namespace.
#include "cruntime/container/kill.hpp"

#include <signal.h>

#include <cerrno>

#include "cruntime/base/log.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/members.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/signals.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {
namespace {

// --all without a cgroup: every other process in the init's private pid namespace.
void signal_namespace_members(pid_t init, int signo) {
  auto members = pid_namespace_members(init);
  if (!members) {
    log::warn("kill --all: {}", members.error().to_string());
    return;
  }
  for (pid_t pid : *members) {
    if (pid == init) continue;  // signalled through its pidfd by the caller
    auto fd = sys::pidfd_open(pid);
    if (fd) (void)sys::pidfd_send_signal(fd->get(), signo);
  }
}

// A frozen task handles SIGKILL only once thawed (v1 freezer); runc thaws after the kill too.
void thaw_if_frozen(const spec::StoredState& stored) {
  if (stored.cgroup_path.empty()) return;
  auto cgroup = cgroup::open_manager(stored);
  if (!cgroup) return;
  auto frozen = (*cgroup)->frozen();
  if (!frozen || !*frozen) return;
  if (auto thawed = (*cgroup)->freeze(false); !thawed) log::warn("kill: {}", thawed.error().to_string());
}

}  // namespace

// Signal a live init; false when it is already gone.
Result<bool> signal_init(const Container& container, int signo, bool all) {
  const spec::StoredState& stored = container.stored();
  if (stored.init_pid <= 0) return false;  // a record of an unfinished create: no init yet
  auto pidfd = sys::pidfd_open(stored.init_pid);
  if (!pidfd) return false;
  // The pidfd pins the process; check it is still our init and not a reused pid.
  if (!sys::is_alive(stored.init_pid, stored.init_start_time)) return false;
  // --all, and SIGKILL to a container sharing a pid namespace (its processes would outlive the
  // init otherwise), reach every process of the container's cgroup (cli-contract §7.5).
  if ((all || (signo == SIGKILL && !stored.own_pid_namespace)) && !stored.cgroup_path.empty()) {
    auto cgroup = cgroup::open_manager(stored);
    if (cgroup) {
      if (auto killed = (*cgroup)->kill_all(signo); !killed) log::warn("kill --all: {}", killed.error().to_string());
    }
  } else if (all && stored.own_pid_namespace) {
    signal_namespace_members(stored.init_pid, signo);
  }
  auto sent = sys::pidfd_send_signal(pidfd->get(), signo);
  if (signo == SIGKILL) thaw_if_frozen(stored);
  if (!sent && sent.error().code() == ESRCH) return false;
  if (!sent) return fail(std::move(sent).error().with_context(fmt::format("kill {}", stored.init_pid)));
  return true;
}

Result<void> kill(const GlobalOptions& global, std::string_view id, const KillOptions& options) {
  auto signo = sys::parse_signal(options.signal);
  if (!signo) return fail_msg("unknown signal \"{}\"", options.signal);
  Container container = CR_TRY(Container::load(global, id));
  spec::Status status = CR_TRY(container.status());
  if (status == spec::Status::kStopped) {
    if (options.all) return {};  // runc: --all turns "not running" into success
    return fail_msg("container not running");
  }
  // No init to signal yet; its creator is not the container's (a killed create is "stopped").
  if (status == spec::Status::kCreating) {
    return fail_msg("container not running: it is still being created");
  }
  bool delivered = CR_TRY(signal_init(container, *signo, options.all));
  if (!delivered && !options.all) return fail_msg("container not running (no such process)");
  return {};
}

}  // namespace cruntime::container
