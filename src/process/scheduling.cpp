// Scheduling fields: process.scheduler (sched_setattr), process.ioPriority (ioprio_set),
// linux.personality (personality) and process.execCPUAffinity (sched_setaffinity).
#include "cruntime/process/scheduling.hpp"

#include <sched.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>

#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/spec/linux_names.hpp"
#include "cruntime/spec/process_names.hpp"

namespace cruntime::process {
namespace {

// include/uapi/linux/sched/types.h, SCHED_ATTR_SIZE_VER1. glibc 2.36 has no sched_setattr
// wrapper, and <linux/sched/types.h> clashes with <sched.h>, so the layout is spelled out here.
struct SchedAttr {
  uint32_t size = 0;
  uint32_t sched_policy = 0;
  uint64_t sched_flags = 0;
  int32_t sched_nice = 0;
  uint32_t sched_priority = 0;
  uint64_t sched_runtime = 0;
  uint64_t sched_deadline = 0;
  uint64_t sched_period = 0;
  uint32_t sched_util_min = 0;
  uint32_t sched_util_max = 0;
};
static_assert(sizeof(SchedAttr) == 56, "SCHED_ATTR_SIZE_VER1");

// include/uapi/linux/ioprio.h (the class numbers are the table in spec/process_names.hpp).
constexpr int kIoprioClassShift = 13;
constexpr int kIoprioWhoPgrp = 2;
constexpr int kIoprioMaxLevel = 7;

// Far above any real machine (x86_64 MAXSMP is 8192), low enough to bound the mask we build.
constexpr unsigned kMaxCpu = 65535;

Result<unsigned> parse_list_number(std::string_view text, std::string_view list,
                                   std::string_view what, unsigned max) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  std::optional<unsigned> number = digits ? strings::parse_int<unsigned>(text) : std::nullopt;
  if (!number) {
    return fail_msg("invalid {} list \"{}\": \"{}\" is not a {} number", what, list, text, what);
  }
  if (*number > max) {
    return fail_msg("invalid {} list \"{}\": {} {} is too large (at most {})", what, list, what,
                    *number, max);
  }
  return *number;
}

}  // namespace

Result<void> apply_scheduler(const spec::Scheduler& scheduler) {
  std::optional<int> policy = spec::sched_policy(scheduler.policy);
  if (!policy) return fail_msg("unknown scheduler policy \"{}\"", scheduler.policy);
  SchedAttr attr;
  attr.size = sizeof attr;
  attr.sched_policy = static_cast<uint32_t>(*policy);
  for (const std::string& name : scheduler.flags.value_or(std::vector<std::string>{})) {
    std::optional<uint64_t> flag = spec::sched_flag(name);
    if (!flag) return fail_msg("unknown scheduler flag \"{}\"", name);
    attr.sched_flags |= *flag;
  }
  // The spec gives no utilization clamp values: with the UTIL_CLAMP flags they stay 0, as in runc.
  attr.sched_nice = scheduler.nice.value_or(0);
  attr.sched_priority = static_cast<uint32_t>(scheduler.priority.value_or(0));
  attr.sched_runtime = scheduler.runtime.value_or(0);
  attr.sched_deadline = scheduler.deadline.value_or(0);
  attr.sched_period = scheduler.period.value_or(0);
  if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0) {
    return fail(
        Error::sys(errno, fmt::format("sched_setattr {} nice {} priority {}", scheduler.policy,
                                      attr.sched_nice, attr.sched_priority)));
  }
  return {};
}

Result<void> apply_io_priority(const spec::IOPriority& priority) {
  std::optional<int> io_class = spec::io_priority_class(priority.io_class);
  if (!io_class) return fail_msg("unknown I/O priority class \"{}\"", priority.io_class);
  if (priority.priority < 0 || priority.priority > kIoprioMaxLevel) {
    return fail_msg("I/O priority {} is outside 0..{}", priority.priority, kIoprioMaxLevel);
  }
  const int value = (*io_class << kIoprioClassShift) | priority.priority;
  // Who = our process group: the init called setsid(), so that is the init alone (runc does so).
  if (::syscall(SYS_ioprio_set, kIoprioWhoPgrp, 0, value) != 0) {
    return fail(
        Error::sys(errno, fmt::format("ioprio_set {} {}", priority.io_class, priority.priority)));
  }
  return {};
}

Result<void> apply_personality(const spec::Personality& personality) {
  std::optional<unsigned long> domain = spec::personality_domain(personality.domain);
  if (!domain) {
    return fail_msg("unknown personality domain \"{}\" (want LINUX or LINUX32)",
                    personality.domain);
  }
  if (personality.flags && !personality.flags->empty()) {
    // runc accepts and ignores them too; the spec defines no flag names yet.
    log::warn("linux.personality.flags [{}] are not supported and are ignored",
              strings::join(*personality.flags, ", "));
  }
  if (::personality(*domain) < 0) {
    return fail(Error::sys(errno, fmt::format("personality {}", personality.domain)));
  }
  return {};
}

Result<std::vector<unsigned>> parse_number_list(std::string_view list, std::string_view what,
                                                unsigned max) {
  if (list.empty()) return fail_msg("invalid {} list \"\": empty", what);
  std::vector<unsigned> numbers;
  for (const std::string& item : strings::split(list, ',')) {
    const size_t dash = item.find('-');
    const std::string_view text(item);
    const unsigned low = CR_TRY(parse_list_number(text.substr(0, dash), list, what, max));
    unsigned high = low;
    if (dash != std::string::npos) {
      high = CR_TRY(parse_list_number(text.substr(dash + 1), list, what, max));
    }
    if (high < low) return fail_msg("invalid {} list \"{}\": range {} is reversed", what, list, item);
    for (unsigned number = low; number <= high; ++number) numbers.push_back(number);
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  return numbers;
}

Result<std::vector<unsigned>> parse_cpu_list(std::string_view list) {
  return parse_number_list(list, "cpu", kMaxCpu);
}

Result<void> apply_cpu_affinity(const spec::ExecCPUAffinity& affinity) {
  // The init is already in its cgroup (CLONE_INTO_CGROUP), so the `final` set is the one that
  // must hold; `initial` only when there is no final. Empty lists leave the kernel's choice.
  const bool has_final = affinity.final_cpus && !affinity.final_cpus->empty();
  const bool has_initial = affinity.initial && !affinity.initial->empty();
  if (!has_final && !has_initial) return {};
  const std::string& list = has_final ? *affinity.final_cpus : *affinity.initial;
  const std::vector<unsigned> cpus =
      CR_TRY_CTX(parse_cpu_list(list), "{}", has_final ? "final" : "initial");
  // The kernel takes a plain array of unsigned longs of any length (sched_setaffinity(2)).
  constexpr unsigned kBits = sizeof(unsigned long) * CHAR_BIT;
  std::vector<unsigned long> mask(cpus.back() / kBits + 1, 0);
  for (unsigned cpu : cpus) mask[cpu / kBits] |= 1UL << (cpu % kBits);
  if (::syscall(SYS_sched_setaffinity, 0, mask.size() * sizeof(unsigned long), mask.data()) != 0) {
    return fail(Error::sys(errno, fmt::format("sched_setaffinity {}", list)));
  }
  return {};
}

}  // namespace cruntime::process
