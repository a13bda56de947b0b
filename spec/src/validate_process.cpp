// Pure checks of config.json `process` (config.md "Process", "POSIX process", "Linux Process";
// cli-contract §12.1): args, cwd, env, umask, rlimits, oomScoreAdj, scheduler, ioPriority, CPUs.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cruntime/spec/process_names.hpp"
#include "validate_detail.hpp"

namespace cruntime::spec::detail {
namespace {

void check_args(const Process& process, Problems& out) {
  if (!process.args || process.args->empty()) {
    out.add("process.args", "must contain at least one entry");
    return;
  }
  const std::vector<std::string>& args = *process.args;
  if (args[0].empty()) out.add("process.args[0]", "must not be empty");
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].find('\0') != std::string::npos) {
      out.add(at("process.args", i), "must not contain a NUL byte, got " + quote(args[i]));
    }
  }
}

// config.md: an unknown type MUST be an error, and so MUST a duplicated type.
void check_rlimits(const std::vector<Rlimit>& rlimits, Problems& out) {
  for (size_t i = 0; i < rlimits.size(); ++i) {
    const Rlimit& limit = rlimits[i];
    const std::string base = at("process.rlimits", i);
    if (!rlimit_resource(limit.type)) {
      out.add(base + ".type", "unknown rlimit type " + quote(limit.type));
    } else {
      auto first = std::find_if(rlimits.begin(), rlimits.begin() + static_cast<std::ptrdiff_t>(i),
                                [&](const Rlimit& r) { return r.type == limit.type; });
      if (first != rlimits.begin() + static_cast<std::ptrdiff_t>(i)) {
        out.add(base + ".type",
                fmt::format("duplicate rlimit type {} (also at {})", quote(limit.type),
                            at("process.rlimits", first - rlimits.begin())));
      }
    }
    if (limit.soft > limit.hard) {
      out.add(base + ".soft",
              fmt::format("soft limit {} exceeds hard limit {}", limit.soft, limit.hard));
    }
  }
}

// sched_setattr(2) as runc checks it (cli-contract §12.1): priority only for the real-time
// policies, runtime/deadline/period only for SCHED_DEADLINE, nice only for the fair policies.
void check_scheduler(const Scheduler& s, Problems& out) {
  const std::string base = "process.scheduler";
  if (!sched_policy(s.policy)) {
    out.add(base + ".policy", "unknown scheduler policy " + quote(s.policy));
    return;
  }
  const bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
  const bool fair = s.policy == "SCHED_OTHER" || s.policy == "SCHED_BATCH";
  const bool deadline = s.policy == "SCHED_DEADLINE";
  if (s.nice && *s.nice != 0 && !fair) {
    out.add(base + ".nice", "only allowed with SCHED_OTHER or SCHED_BATCH, not " + s.policy);
  } else if (s.nice && (*s.nice < -20 || *s.nice > 19)) {
    out.add(base + ".nice", fmt::format("must be between -20 and 19, got {}", *s.nice));
  }
  if (s.priority && *s.priority != 0 && !realtime) {
    out.add(base + ".priority", "only allowed with SCHED_FIFO or SCHED_RR, not " + s.policy);
  } else if (s.priority && realtime && (*s.priority < 1 || *s.priority > 99)) {
    out.add(base + ".priority", fmt::format("must be between 1 and 99 for {}, got {}", s.policy,
                                            *s.priority));
  }
  if (s.flags) {
    for (size_t i = 0; i < s.flags->size(); ++i) {
      if (!sched_flag((*s.flags)[i])) {
        out.add(at(base + ".flags", i), "unknown scheduler flag " + quote((*s.flags)[i]));
      }
    }
  }
  const uint64_t runtime = s.runtime.value_or(0);
  const uint64_t dl = s.deadline.value_or(0);
  const uint64_t period = s.period.value_or(0);
  if (!deadline) {
    if (runtime != 0)
      out.add(base + ".runtime", "only allowed with SCHED_DEADLINE, not " + s.policy);
    if (dl != 0) out.add(base + ".deadline", "only allowed with SCHED_DEADLINE, not " + s.policy);
    if (period != 0) out.add(base + ".period", "only allowed with SCHED_DEADLINE, not " + s.policy);
    return;
  }
  // The kernel wants runtime <= deadline <= period (period 0 means "same as deadline").
  if (runtime > dl) {
    out.add(base + ".deadline", fmt::format("must be at least runtime ({}), got {}", runtime, dl));
  } else if (period != 0 && dl > period) {
    out.add(base + ".period", fmt::format("must be at least deadline ({}), got {}", dl, period));
  }
}

void check_io_priority(const IOPriority& io, Problems& out) {
  if (!io_priority_class(io.io_class)) {
    out.add("process.ioPriority.class",
            "unknown I/O priority class " + quote(io.io_class) +
                " (want IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)");
  }
  if (io.priority < 0 || io.priority > 7) {
    out.add("process.ioPriority.priority",
            fmt::format("must be between 0 and 7, got {}", io.priority));
  }
}

void check_cpu_list(const std::optional<std::string>& list, const std::string& where,
                    Problems& out) {
  if (list && !is_valid_id_list(*list)) {
    out.add(where, "invalid CPU list " + quote(*list) + " (want a list like \"0-3,7\")");
  }
}

void warn_capability_set(const std::optional<std::vector<std::string>>& set,
                         std::string_view name, Problems& out) {
  if (!set) return;
  for (size_t i = 0; i < set->size(); ++i) {
    if (!capability_index((*set)[i])) {
      out.add(at(fmt::format("process.capabilities.{}", name), i),
              "unknown capability " + quote((*set)[i]) + " (ignored)");
    }
  }
}

// setresuid(2), setresgid(2) and setgroups(2) read (uid_t)-1 as "leave this id unchanged", so a
// process asking for 4294967295 would keep the runtime's ids (root). runc's limit is lower still
// (2^31 - 1, its user lookup's); the kernel takes any other 32-bit id.
void check_user(const User& user, Problems& out) {
  if (user.uid == kUnchangedId) out.add("process.user.uid", "4294967295 is not a valid user id");
  if (user.gid == kUnchangedId) out.add("process.user.gid", "4294967295 is not a valid group id");
  if (!user.additional_gids) return;
  for (size_t i = 0; i < user.additional_gids->size(); ++i) {
    if ((*user.additional_gids)[i] == kUnchangedId) {
      out.add(at("process.user.additionalGids", i), "4294967295 is not a valid group id");
    }
  }
}

}  // namespace

void check_process(const Process& process, Problems& out) {
  check_args(process, out);
  // Windows only (config.md): a Linux runtime runs `args`, and must not look as if it ran this.
  if (process.command_line) {
    out.add("process.commandLine", "is for Windows containers only; on Linux use process.args");
  }
  require_absolute(out, "process.cwd", process.cwd);
  if (process.env) check_env(*process.env, "process.env", out);
  check_user(process.user, out);
  if (process.user.umask && *process.user.umask > 0777) {
    out.add("process.user.umask", "must be at most 0777, got " + octal(*process.user.umask));
  }
  if (process.rlimits) check_rlimits(*process.rlimits, out);
  if (process.oom_score_adj && (*process.oom_score_adj < -1000 || *process.oom_score_adj > 1000)) {
    out.add("process.oomScoreAdj",
            fmt::format("must be between -1000 and 1000, got {}", *process.oom_score_adj));
  }
  if (process.scheduler) check_scheduler(*process.scheduler, out);
  if (process.io_priority) check_io_priority(*process.io_priority, out);
  if (process.exec_cpu_affinity) {
    check_cpu_list(process.exec_cpu_affinity->initial, "process.execCPUAffinity.initial", out);
    check_cpu_list(process.exec_cpu_affinity->final_cpus, "process.execCPUAffinity.final", out);
  }
}

void warn_process(const Process& process, Problems& out) {
  if (process.console_size && !process.terminal.value_or(false)) {
    out.add("process.consoleSize", "ignored because process.terminal is not true");
  }
  if (!process.capabilities) return;
  const Capabilities& caps = *process.capabilities;
  warn_capability_set(caps.bounding, "bounding", out);
  warn_capability_set(caps.effective, "effective", out);
  warn_capability_set(caps.inheritable, "inheritable", out);
  warn_capability_set(caps.permitted, "permitted", out);
  warn_capability_set(caps.ambient, "ambient", out);
}

}  // namespace cruntime::spec::detail
