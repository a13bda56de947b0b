// `cruntime start <id>`: release a created container (cli-contract §7.2).
#include "commands.hpp"

#include <cstdlib>

namespace cruntime::cli {

Result<int> run_start(const Invocation& invocation) {
  container::StartOptions options;
  if (const char* notify = std::getenv("NOTIFY_SOCKET")) options.notify_socket = notify;
  CR_TRY(container::start(invocation.global, invocation.args.positionals.front(), options));
  return 0;
}

}  // namespace cruntime::cli
