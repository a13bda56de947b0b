// `cruntime ps [-f table|json] <id> [ps options]` (cli-contract §7.9).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "commands.hpp"
#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/io.hpp"

extern char** environ;

namespace cruntime::cli {
namespace {

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Run the host's ps with `args` and return what it printed (stdout and stderr, like runc).
Result<std::string> run_host_ps(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(Error::sys(errno, "pipe"));
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("ps"));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, "ps", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return fail(Error::sys(rc, "run ps"));
  write_end.reset();
  auto output = fs::read_fd(read_end.get());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!output) return fail(std::move(output).error().with_context("read the output of ps"));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail_msg("ps {} failed: {}", strings::join(args, " "), strings::trim(*output));
  }
  return std::move(*output);
}

}  // namespace

Result<std::string> filter_ps_output(std::string_view output, const std::vector<pid_t>& pids) {
  std::vector<std::string> lines = strings::split(output, '\n');
  if (lines.empty()) return fail_msg("ps printed nothing");
  const std::vector<std::string_view> header = fields_of(lines.front());
  auto pid_column = std::find(header.begin(), header.end(), "PID");
  if (pid_column == header.end()) return fail_msg("couldn't find PID field in ps output");
  const size_t index = static_cast<size_t>(pid_column - header.begin());
  std::string out = lines.front() + "\n";
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::vector<std::string_view> fields = fields_of(lines[i]);
    if (index >= fields.size()) continue;
    auto pid = strings::parse_int<pid_t>(fields[index]);
    if (!pid) return fail_msg("unable to parse pid \"{}\" in ps output", fields[index]);
    if (std::find(pids.begin(), pids.end(), *pid) != pids.end()) out += lines[i] + "\n";
  }
  return out;
}

Result<int> run_ps(const Invocation& invocation) {
  const auto& positionals = invocation.args.positionals;
  const std::string format = invocation.args.value("format", "table");
  if (format != "table" && format != "json") {
    return fail_msg("invalid format option \"{}\": table or json", format);
  }
  const std::vector<pid_t> pids = CR_TRY(container::container_pids(invocation.global, positionals.front()));
  if (format == "json") {
    CR_TRY(print_stdout(spec::dump_pid_list(pids) + "\n"));
    return 0;
  }
  std::vector<std::string> ps_args(positionals.begin() + 1, positionals.end());
  if (!ps_args.empty() && ps_args.front() == "--") ps_args.erase(ps_args.begin());
  if (ps_args.empty()) ps_args = {"-ef"};
  const std::string output = CR_TRY(run_host_ps(ps_args));
  CR_TRY(print_stdout(CR_TRY(filter_ps_output(output, pids))));
  return 0;
}

}  // namespace cruntime::cli
