// newuidmap/newgidmap: look the helper up in PATH, run it
// (process/program.hpp), report its failure.
#include "cruntime/process/idmap_helper.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cruntime/base/strings.hpp"
#include "cruntime/process/program.hpp"

namespace cruntime::process {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::string> find_in_path(std::string_view name, std::string_view path_env) {
  for (const std::string& dir : strings::split(path_env, ':')) {
    if (dir.empty() || dir.front() != '/') continue;
    std::string candidate =
        dir.back() == '/' ? dir + std::string(name) : dir + "/" + std::string(name);
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::string> map_helper_args(pid_t pid, const std::vector<spec::IdMapping>& mappings) {
  std::vector<std::string> args{std::to_string(pid)};
  for (const spec::IdMapping& m : mappings) {
    args.push_back(std::to_string(m.container_id));
    args.push_back(std::to_string(m.host_id));
    args.push_back(std::to_string(m.size));
  }
  return args;
}

Result<void> run_map_helper(const MapHelper& helper, pid_t pid,
                            const std::vector<spec::IdMapping>& mappings,
                            std::string_view path_env) {
  std::optional<std::string> path = find_in_path(helper.name, path_env);
  if (!path) {
    return fail_msg(
        "{} not found in PATH: install the uidmap package (without it an "
        "unprivileged user can map only its own id, with a single mapping of "
        "size 1)",
        helper.name);
  }
  std::vector<std::string> args = map_helper_args(pid, mappings);
  args.insert(args.begin(), std::string(helper.name));
  const ProgramRun run = CR_TRY(run_program(*path, args));
  if (WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) return {};
  std::string message = one_line(run.output);
  return fail_msg("{} {} (ranges from {}){}{}", helper.name, describe_wait_status(run.status),
                  helper.grants, message.empty() ? "" : ": ", message);
}

}  // namespace cruntime::process
