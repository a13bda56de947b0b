// Sanitizer builds (CRUNTIME_SANITIZE): one ASan/UBSan report file shared with our child processes.
#pragma once

namespace cruntime::sanitizer {

// The sanitizer runtimes open their report file (log_path=<prefix> in ASAN_OPTIONS/UBSAN_OPTIONS:
// <prefix>.<exe>.<pid>) by path, at the first report, and again in any process whose pid is not
// the opener's. A container init or exec child reports from the container's mount namespace
// (after setns or pivot_root), where that host path does not exist: the report would be lost
// ("Can't open file", then death). So the runtime opens its report file on the host before it
// creates such a process, and the child reports into the inherited fd.
// Every function is a no-op in other builds, and when reports go to stderr.

// Parent, before clone3 or fork: open this process's report file now (once per process).
void share_report_file() noexcept;
// Child, first thing after clone3 or fork: report into the inherited fd (CLOEXEC: no hook or
// payload keeps it).
void adopt_report_file() noexcept;
// The container init, when it closes every host fd before it waits for `start` (security.md:
// it holds no host file then): close the shared fd; from here to execve, reports go to the
// init's stderr, the container's, and the report still kills the init, so `start` fails.
void release_report_file() noexcept;

}  // namespace cruntime::sanitizer
