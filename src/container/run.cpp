// `run`: create + start; in the foreground forward signals, reap, delete, and return the status.
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "cruntime/base/log.hpp"
#include "cruntime/container/create.hpp"
#include "cruntime/container/delete.hpp"
#include "cruntime/container/foreground.hpp"
#include "cruntime/container/notify_socket.hpp"
#include "cruntime/container/prepare_bundle.hpp"
#include "cruntime/container/start.hpp"
#include "cruntime/process/console_relay.hpp"

namespace cruntime::container {
namespace {

Result<UniqueFd> start_or_destroy(const GlobalOptions& global, std::string_view id,
                                  NotifyRelay* notify) {
  Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
  auto started = start_container(container, notify);
  if (started) return std::move(started).value();
  // Any run that fails is destroyed (cli-contract §7.3).
  if (auto destroyed = destroy_container(global, container); !destroyed) {
    log::warn("cleanup: {}", destroyed.error().to_string());
  }
  return fail(std::move(started).error());
}

}  // namespace

Result<int> run(const GlobalOptions& global, std::string_view id, const RunOptions& options) {
  PreparedBundle prepared = CR_TRY(prepare_bundle(global, id, options.create));
  // After prepare_bundle checked the --preserve-fds, so the socket cannot take one's number.
  std::optional<NotifyRelay> notify;
  if (!options.create.notify_socket.empty()) {
    notify.emplace(CR_TRY(NotifyRelay::connect(options.create.notify_socket)));
  }
  if (!options.detach && !options.no_subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return fail(Error::sys(errno, "prctl PR_SET_CHILD_SUBREAPER"));
  }
  // Blocked before the clone so no signal is lost; the init unblocks them for itself.
  std::optional<BlockedSignals> signals;
  if (!options.detach) signals.emplace(CR_TRY(BlockedSignals::block()));
  // Foreground with a terminal: we are the console socket's receiver and relay the pty.
  // Declared after `signals`: the terminal is restored before the signal mask is.
  std::optional<process::ConsoleRelay> relay;
  CreateOptions create = options.create;
  if (!options.detach && create.console_socket.empty() && wants_terminal(*prepared.config)) {
    relay.emplace(CR_TRY(process::ConsoleRelay::open()));
    create.console_socket_fd = relay->init_socket();
  }

  CreatedContainer created = CR_TRY(create_container(global, id, create, std::move(prepared)));
  if (relay) {
    if (auto attached = relay->attach(); !attached) {
      auto container = Container::load(global, id, LockMode::kExclusive);
      if (container) (void)destroy_container(global, *container);
      return fail(std::move(attached).error());
    }
  }
  const UniqueFd init_fd = CR_TRY(start_or_destroy(global, id, notify ? &*notify : nullptr));
  pid_t init = created.init_pid;
  if (notify) {
    // runc: the main pid systemd should watch is the init when we detach, else this process. A
    // failed relay does not fail `run`: the container is running (runc ignores it too). Signals
    // wait in the signalfd meanwhile and are forwarded right after.
    auto relayed = notify->relay_ready(init_fd.get(), options.detach ? init : ::getpid(),
                                       relay ? &*relay : nullptr);
    if (!relayed) {
      log::warn("{}", relayed.error().to_string());
    }
    notify.reset();
  }
  if (options.detach) return 0;

  int code = relay ? CR_TRY(process::relay_until_exit(*relay, signals->fd(),
                                                      [init](int signo) { return handle_signal(signo, init); }))
                   : CR_TRY(wait_forwarding(*signals, init));
  relay.reset();
  if (!options.keep) {
    Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
    CR_TRY(destroy_container(global, container));
  }
  return code;
}

}  // namespace cruntime::container
