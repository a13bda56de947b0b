// `cruntime exec [opts] <id> <command> [args...]` | `exec [opts] -p process.json <id>`.
#include "commands.hpp"

namespace cruntime::cli {

Result<int> run_exec(const Invocation& invocation) {
  const ParsedArgs& args = invocation.args;
  container::ExecOptions options;
  options.process_file = args.value("process");
  options.args.assign(args.positionals.begin() + 1, args.positionals.end());
  if (options.process_file.empty() && options.args.empty()) {
    return fail_msg("exec args cannot be empty");
  }
  options.console_socket = args.value("console-socket");
  options.pidfd_socket = args.value("pidfd-socket");
  options.pid_file = args.value("pid-file");
  options.cwd = args.value("cwd");
  options.env = args.all("env");
  options.tty = args.flag("tty");
  options.user = args.value("user");
  options.additional_gids = args.all("additional-gids");
  options.process_label = args.value("process-label");
  options.apparmor = args.value("apparmor");
  options.no_new_privs = args.flag("no-new-privs");
  options.caps = args.all("cap");
  options.preserve_fds = CR_TRY(preserve_fds_option(args));
  options.cgroups = args.all("cgroup");
  options.detach = args.flag("detach");
  options.ignore_paused = args.flag("ignore-paused");
  options.no_subreaper = args.flag("no-subreaper");
  return container::exec(invocation.global, args.positionals.front(), options);
}

}  // namespace cruntime::cli
