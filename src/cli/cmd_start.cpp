// `cruntime start <id>`: release a created container (cli-contract §7.2).
#include "commands.hpp"

namespace cruntime::cli {

Result<int> run_start(const Invocation& invocation) {
  CR_TRY(container::start(invocation.global, invocation.args.positionals.front()));
  return 0;
}

}  // namespace cruntime::cli
