// libFuzzer target: the command line as main() parses it: the global options (parse_globals,
// --root cleaning, --log-format, --rootless), the command's own options (parse_args, arity),
// help texts, and the flag conversions of create/run/exec (--preserve-fds), update (the
// per-field resource flags) and events (--interval). Input: argv without the program name, one
// argument per NUL-separated piece.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../../src/cli/args.hpp"
#include "../../src/cli/commands.hpp"
#include "../../src/cli/globals.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/container/exec_process.hpp"
#include "fuzz_support.hpp"

namespace cruntime::fuzz {
namespace {

// A non-root caller in a user namespace with $XDG_RUNTIME_DIR set: every branch of the --root
// default is reachable from the arguments alone.
cli::ProcessEnv fixed_env() {
  cli::ProcessEnv env;
  env.cwd = "/home/user/bundle";
  env.euid = 1000;
  env.in_user_namespace = true;
  env.xdg_runtime_dir = "/run/user/1000";
  env.user = "user";
  return env;
}

void command_flags(const cli::Command& command, const cli::ParsedArgs& args) {
  const std::string_view name = command.name;
  if (name == "create" || name == "run") consume(cli::create_options(args));
  if (name == "create" || name == "run" || name == "exec") consume(cli::preserve_fds_option(args));
  if (name == "update") consume(cli::resources_from_flags(args));
  if (name == "events" && args.is_set("interval"))
    consume(cli::parse_go_duration(args.value("interval")));
  if (name == "exec" && args.is_set("user"))
    consume(container::parse_exec_user(args.value("user")));
  (void)args.all("env");
}

}  // namespace
}  // namespace cruntime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime;
  static const cli::ProcessEnv kEnv = fuzz::fixed_env();
  const std::vector<std::string> args =
      size == 0 ? std::vector<std::string>{} : fuzz::split_all(fuzz::as_text(data, size), '\0');
  auto globals = cli::parse_globals(args, kEnv);
  if (!globals) {
    fuzz::consume_error(globals.error());
    return 0;
  }
  CR_FUZZ_CHECK(globals->options.root.starts_with('/'), globals->options.root);
  CR_FUZZ_CHECK(globals->options.root != "/", "--root /");
  (void)log::format_line(log::Format::kJson, log::Level::kWarning, globals->command, "t");
  const cli::Command* command = cli::find_command(globals->command);
  if (command == nullptr) return 0;
  (void)cli::command_help(*command);
  auto parsed =
      cli::parse_args(command->name, command->options, command->stop, globals->command_args);
  if (!parsed) {
    fuzz::consume_error(parsed.error());
    return 0;
  }
  if (auto arity = cli::check_arity(command->name, command->arity, parsed->positionals.size());
      !arity) {
    fuzz::consume_error(arity.error());
    return 0;
  }
  fuzz::command_flags(*command, *parsed);
  return 0;
}
