// `cruntime create [opts] <id>` and the create flags shared with `run` (cli-contract §7.1).
#include "commands.hpp"

#include <cstdlib>

#include "cruntime/base/strings.hpp"

namespace cruntime::cli {

Result<container::CreateOptions> create_options(const ParsedArgs& args) {
  container::CreateOptions options;
  options.bundle = args.value("bundle");
  options.pid_file = args.value("pid-file");
  options.console_socket = args.value("console-socket");
  options.pidfd_socket = args.value("pidfd-socket");
  options.no_pivot = args.flag("no-pivot");
  options.no_new_keyring = args.flag("no-new-keyring");
  options.preserve_fds = CR_TRY(preserve_fds_option(args));
  if (const char* notify = std::getenv("NOTIFY_SOCKET")) options.notify_socket = notify;
  return options;
}

Result<int> preserve_fds_option(const ParsedArgs& args) {
  if (!args.is_set("preserve-fds")) return 0;
  std::string text = args.value("preserve-fds");
  auto count = strings::parse_int<int>(text);
  if (!count || *count < 0 || *count > 1024 * 1024) {
    return fail_msg("--preserve-fds: invalid count \"{}\"", text);
  }
  return *count;
}

Result<int> run_create(const Invocation& invocation) {
  container::CreateOptions options = CR_TRY(create_options(invocation.args));
  const std::string& id = invocation.args.positionals.front();
  CR_TRY(container::create(invocation.global, id, options));
  return 0;
}

}  // namespace cruntime::cli
