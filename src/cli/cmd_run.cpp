// `cruntime run [opts] <id>`: create + start; in the foreground, the container's exit status.
#include "commands.hpp"

namespace cruntime::cli {

Result<int> run_run(const Invocation& invocation) {
  container::RunOptions options;
  options.create = CR_TRY(create_options(invocation.args));
  options.detach = invocation.args.flag("detach");
  options.keep = invocation.args.flag("keep");
  options.no_subreaper = invocation.args.flag("no-subreaper");
  if (options.detach && options.keep) return fail_msg("--keep cannot be used with --detach");
  const std::string& id = invocation.args.positionals.front();
  return container::run(invocation.global, id, options);
}

}  // namespace cruntime::cli
