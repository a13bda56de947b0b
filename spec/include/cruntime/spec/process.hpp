// The config.json `process` object (config.md "Process"): args, env, user, capabilities, rlimits, ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cruntime::spec {

struct ConsoleSize {
  uint32_t height = 0;
  uint32_t width = 0;
  bool operator==(const ConsoleSize&) const = default;
};

struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::optional<std::vector<uint32_t>> additional_gids;
  bool operator==(const User&) const = default;
};

// Names as in the spec ("CAP_SYS_ADMIN"); validated against the known list, not an enum,
// because unknown names are a warning (spec) rather than a parse failure.
struct Capabilities {
  std::optional<std::vector<std::string>> bounding;
  std::optional<std::vector<std::string>> effective;
  std::optional<std::vector<std::string>> inheritable;
  std::optional<std::vector<std::string>> permitted;
  std::optional<std::vector<std::string>> ambient;
  bool operator==(const Capabilities&) const = default;
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"
  uint64_t soft = 0;
  uint64_t hard = 0;
  bool operator==(const Rlimit&) const = default;
};

struct Scheduler {
  std::string policy;  // SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE
  std::optional<int32_t> nice;
  std::optional<int32_t> priority;
  std::optional<std::vector<std::string>> flags;
  std::optional<uint64_t> runtime;
  std::optional<uint64_t> deadline;
  std::optional<uint64_t> period;
  bool operator==(const Scheduler&) const = default;
};

struct IOPriority {
  std::string io_class;  // JSON key "class": IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE
  int32_t priority = 0;
  bool operator==(const IOPriority&) const = default;
};

struct ExecCPUAffinity {
  std::optional<std::string> initial;  // cpu list, "0-3,7"
  std::optional<std::string> final_cpus;  // JSON key "final"
  bool operator==(const ExecCPUAffinity&) const = default;
};

struct Process {
  std::optional<bool> terminal;
  std::optional<ConsoleSize> console_size;
  User user;
  std::optional<std::vector<std::string>> args;
  std::optional<std::string> command_line;  // Windows only; kept for round-trips
  std::optional<std::vector<std::string>> env;
  std::string cwd;
  std::optional<Capabilities> capabilities;
  std::optional<std::vector<Rlimit>> rlimits;
  std::optional<bool> no_new_privileges;
  std::optional<std::string> apparmor_profile;
  std::optional<int32_t> oom_score_adj;
  std::optional<Scheduler> scheduler;
  std::optional<std::string> selinux_label;
  std::optional<IOPriority> io_priority;
  std::optional<ExecCPUAffinity> exec_cpu_affinity;
  bool operator==(const Process&) const = default;
};

}  // namespace cruntime::spec
