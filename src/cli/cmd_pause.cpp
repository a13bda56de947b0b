// `cruntime pause <id>` / `cruntime resume <id>` (cli-contract §7.12).
#include "commands.hpp"

namespace cruntime::cli {

Result<int> run_pause(const Invocation& invocation) {
  CR_TRY(container::pause(invocation.global, invocation.args.positionals.front()));
  return 0;
}

Result<int> run_resume(const Invocation& invocation) {
  CR_TRY(container::resume(invocation.global, invocation.args.positionals.front()));
  return 0;
}

}  // namespace cruntime::cli
