// `cruntime kill [--all] <id> [SIGNAL]` (cli-contract §7.5).
#include "commands.hpp"

namespace cruntime::cli {

Result<int> run_kill(const Invocation& invocation) {
  const auto& positionals = invocation.args.positionals;
  container::KillOptions options;
  options.all = invocation.args.flag("all");
  if (positionals.size() > 1) options.signal = positionals[1];
  CR_TRY(container::kill(invocation.global, positionals.front(), options));
  return 0;
}

}  // namespace cruntime::cli
