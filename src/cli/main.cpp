// The cruntime entry point: global options, command dispatch, and the only error printer.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "commands.hpp"
#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "globals.hpp"

namespace cruntime::cli {
namespace {

constexpr int kExitFailure = 1;  // every error and usage error (cli-contract §4)

// The one place errors are reported: a line on stderr, and a record in the --log file if any
// (containerd reads the last error record there; without --log the log is stderr already).
int report(const Error& error, bool log_to_file) {
  std::string text = error.to_string();
  if (log_to_file) log::error("{}", text);
  (void)fs::write_all(STDERR_FILENO, fmt::format("cruntime: {}\n", text));
  return kExitFailure;
}

// Prints help/usage text; a failing stdout is reported like any other error.
int print_or_report(std::string_view text, int status, bool log_to_file) {
  if (auto printed = print_stdout(text); !printed) return report(printed.error(), log_to_file);
  return status;
}

// runc keeps its $XDG_RUNTIME_DIR default at 0700 with the sticky bit so systemd never prunes it.
Result<void> prepare_xdg_root(const std::string& root) {
  CR_TRY(fs::mkdir_p(root, 0700));
  std::error_code ec;
  std::filesystem::permissions(
      root, std::filesystem::perms::owner_all | std::filesystem::perms::sticky_bit,
      std::filesystem::perm_options::replace, ec);
  if (ec) return fail(Error::sys(ec.value(), fmt::format("chmod {}", root)));
  return {};
}

// `cruntime help [command]` / `cruntime h [command]`.
int run_help_command(const std::vector<std::string>& args, bool log_to_file) {
  if (args.empty()) return print_or_report(app_help(), 0, log_to_file);
  const Command* command = find_command(args.front());
  if (command == nullptr) {
    return report(Error::msg(fmt::format("no help for unknown command \"{}\"", args.front())),
                  log_to_file);
  }
  return print_or_report(command_help(*command), 0, log_to_file);
}

int dispatch(const Command& command, const Globals& globals, bool log_to_file) {
  auto report = [&](const Error& error, bool to_file) {
    (void)cli::report(error, to_file);
    return command.failure_status;
  };
  auto parsed = parse_args(command.name, command.options, command.stop, globals.command_args);
  if (!parsed) return report(parsed.error(), log_to_file);
  if (parsed->flag(kHelpOption)) return print_or_report(command_help(command), 0, log_to_file);
  if (auto arity = check_arity(command.name, command.arity, parsed->positionals.size()); !arity) {
    (void)print_stdout("Incorrect usage.\n" + command_short_usage(command) +
                       fmt::format("Run 'cruntime {} --help' for its options.\n", command.name));
    return report(arity.error(), log_to_file);
  }
  if (globals.root_from_xdg) {
    if (auto prepared = prepare_xdg_root(globals.options.root); !prepared) {
      return report(prepared.error(), log_to_file);
    }
  }
  Invocation invocation{command.name, globals.options, *parsed};
  auto status = command.run(invocation);
  if (!status) return report(status.error(), log_to_file);
  return *status;
}

int run(const std::vector<std::string>& args) {
  auto globals = parse_globals(args, current_process_env());
  if (!globals) return report(globals.error(), false);
  if (auto logging = log::init(globals->log); !logging) return report(logging.error(), false);
  bool log_to_file = !globals->log.path.empty();
  if (globals->criu_given) log::warn("--criu is ignored: cruntime has no checkpoint/restore");

  if (globals->version) return print_or_report(version_text(), 0, log_to_file);
  if (globals->help) return print_or_report(app_help(), 0, log_to_file);
  if (globals->command.empty()) {
    (void)print_stdout(app_help());
    return report(Error::msg("no command given"), log_to_file);
  }
  if (globals->command == "help" || globals->command == "h") {
    return run_help_command(globals->command_args, log_to_file);
  }
  const Command* command = find_command(globals->command);
  if (command == nullptr) {
    return report(
        Error::msg(fmt::format("unknown command \"{}\" (see 'cruntime --help')", globals->command)),
        log_to_file);
  }
  return dispatch(*command, *globals, log_to_file);
}

}  // namespace
}  // namespace cruntime::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cruntime::cli::run(args);
}
