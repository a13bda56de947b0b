// The entry point of commands whose flags are parsed but whose behaviour has not landed yet.
#include "commands.hpp"

namespace cruntime::cli {

// Fails (exit 1, never 0) so that no caller mistakes a missing feature for success.
Result<int> run_not_implemented(const Invocation& invocation) {
  return fail_msg("{}: not implemented yet", invocation.command);
}

}  // namespace cruntime::cli
