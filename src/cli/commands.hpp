// Private header of the CLI: the command table, help texts and the per-command entry points.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "args.hpp"
#include "cruntime/base/error.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::cli {

// What a command's entry point gets: its name, the validated globals and its own arguments.
struct Invocation {
  std::string_view command;
  const container::GlobalOptions& global;
  const ParsedArgs& args;
};

// Returns the process exit status on success; errors are printed by main.cpp only.
using CommandFn = Result<int> (*)(const Invocation&);

struct Command {
  std::string_view name;
  std::string_view args_usage;  // "<container-id>"
  std::string_view summary;     // one line in `cruntime --help`
  std::span<const OptionSpec> options;
  Arity arity;
  StopAt stop = StopAt::kNever;
  CommandFn run = nullptr;
  // checkpoint/restore stay out of `cruntime --help` while they are not implemented (§7.15).
  bool listed = true;
  // The exit status of a failure: 1, but 255 for exec, so a caller can tell a runtime failure
  // from the exec'd process's own status (cli-contract §4).
  int failure_status = 1;
};

// Every runc subcommand, with all of its flags (cli-contract §7).
std::span<const Command> command_table();
const Command* find_command(std::string_view name);

// help.cpp: texts printed to stdout (and, through src/cli/docs, written into the man pages).
std::string app_help();
// What cruntime is, a few lines (the top of `cruntime --help`, DESCRIPTION of cruntime(8)).
std::string_view app_about();
// The capitalised summary as a sentence, and where a command's option parsing stops.
std::string command_description(const Command& command);
std::string command_help(const Command& command);
std::string command_short_usage(const Command& command);
std::string version_text();

// One entry point per file (cmd_<name>.cpp).
Result<int> run_spec(const Invocation& invocation);
Result<int> run_features(const Invocation& invocation);
Result<int> run_state(const Invocation& invocation);
Result<int> run_list(const Invocation& invocation);
Result<int> run_create(const Invocation& invocation);
Result<int> run_start(const Invocation& invocation);
Result<int> run_run(const Invocation& invocation);
Result<int> run_kill(const Invocation& invocation);
Result<int> run_delete(const Invocation& invocation);
Result<int> run_pause(const Invocation& invocation);
Result<int> run_resume(const Invocation& invocation);
Result<int> run_ps(const Invocation& invocation);
Result<int> run_update(const Invocation& invocation);
Result<int> run_events(const Invocation& invocation);
// create's flags, shared with run.
Result<container::CreateOptions> create_options(const ParsedArgs& args);
// --preserve-fds N (create, run, exec).
Result<int> preserve_fds_option(const ParsedArgs& args);
Result<int> run_exec(const Invocation& invocation);
Result<int> run_check(const Invocation& invocation);
// Commands whose flags are known but whose behaviour has not landed yet.
Result<int> run_not_implemented(const Invocation& invocation);

// Pure or self-contained pieces of the commands, exposed for tests.
// `spec`: writes <bundle>/config.json (tab-indented), refusing to replace an existing one.
Result<void> write_starter_config(const std::string& bundle, bool rootless, uid_t uid, gid_t gid);
// `list`: the table runc prints (Go tabwriter: min width 12, padding 3, left aligned).
std::string format_list_table(const std::vector<spec::State>& states);
// `ps`: the header of the host ps output plus the rows whose PID column is one of `pids`.
Result<std::string> filter_ps_output(std::string_view output, const std::vector<pid_t>& pids);
// `update`: the LinuxResources the per-field flags ask for (absent flags stay unset).
Result<spec::LinuxResources> resources_from_flags(const ParsedArgs& args);
// `events --interval`: Go's time.ParseDuration ("5s", "1m30s", "250ms", "1.5h").
Result<std::chrono::nanoseconds> parse_go_duration(std::string_view text);
// `check`: the report as text for people, as one JSON object for scripts (its shape: the top
// of check_format.cpp), and "<name>: <reason>" of each check that stops the default container.
std::string format_check_text(const container::HostReport& report);
std::string format_check_json(const container::HostReport& report);
std::vector<std::string> check_blockers(const container::HostReport& report);
// Write all of `text` to stdout.
Result<void> print_stdout(std::string_view text);

}  // namespace cruntime::cli
