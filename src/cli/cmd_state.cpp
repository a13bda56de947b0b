// `cruntime state <id>`: print the live OCI state of one container as JSON (cli-contract §7.7).
#include "commands.hpp"
#include "cruntime/spec/io.hpp"

namespace cruntime::cli {

// go-runc decodes stdout and stderr combined: on success nothing may reach stderr.
Result<int> run_state(const Invocation& invocation) {
  const std::string& id = invocation.args.positionals.front();
  spec::State state = CR_TRY(container::state(invocation.global, id));
  std::string text = spec::dump_state(state, 2);
  if (text.empty() || text.back() != '\n') text += '\n';
  CR_TRY(print_stdout(text));
  return 0;
}

}  // namespace cruntime::cli
