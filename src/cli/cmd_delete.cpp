// `cruntime delete [--force] <id>` (cli-contract §7.6).
#include "commands.hpp"

namespace cruntime::cli {

Result<int> run_delete(const Invocation& invocation) {
  CR_TRY(container::remove(invocation.global, invocation.args.positionals.front(),
                           invocation.args.flag("force")));
  return 0;
}

}  // namespace cruntime::cli
