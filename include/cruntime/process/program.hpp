// Running a host program with its output captured (newuidmap/newgidmap, `criu
// --version`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::process {

struct ProgramRun {
  int status = 0;      // the raw wait status
  std::string output;  // stdout and stderr together, at most 64 KiB
};

// posix_spawn `path` with `argv` (argv[0] first) and our environment, stdin
// from /dev/null, stdout+stderr into one pipe, an empty signal mask and SIGPIPE
// at its default; read its output to EOF and wait for it. A program that writes
// more than 64 KiB fails the read and is killed.
Result<ProgramRun> run_program(const std::string& path, const std::vector<std::string>& argv);

// "exited with status 1", "killed by signal SIGKILL".
std::string describe_wait_status(int status);
// The non-empty lines of `output`, trimmed and joined with "; " (errors are one
// line each).
std::string one_line(std::string_view output);

}  // namespace cruntime::process
