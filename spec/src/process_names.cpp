// The name tables of the `process` enums: rlimits, capabilities, scheduler policies and flags,
// I/O priority classes, with kernel values from the uapi headers (not <sys/*>: no libc, no syscall).
#include "cruntime/spec/process_names.hpp"

#include <asm/resource.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <linux/sched.h>

#include <array>
#include <cstddef>

namespace cruntime::spec {
namespace {

// getrlimit(2); <asm/resource.h> has the architecture's numbers (they differ on mips, sparc, alpha).
constexpr std::array<Named<int>, 16> kRlimits = {{
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
}};
static_assert(kRlimits.size() == RLIM_NLIMITS);

constexpr std::array<Named<int>, 41> kCapabilities = {{
    {"CAP_CHOWN", CAP_CHOWN},
    {"CAP_DAC_OVERRIDE", CAP_DAC_OVERRIDE},
    {"CAP_DAC_READ_SEARCH", CAP_DAC_READ_SEARCH},
    {"CAP_FOWNER", CAP_FOWNER},
    {"CAP_FSETID", CAP_FSETID},
    {"CAP_KILL", CAP_KILL},
    {"CAP_SETGID", CAP_SETGID},
    {"CAP_SETUID", CAP_SETUID},
    {"CAP_SETPCAP", CAP_SETPCAP},
    {"CAP_LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE},
    {"CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE},
    {"CAP_NET_BROADCAST", CAP_NET_BROADCAST},
    {"CAP_NET_ADMIN", CAP_NET_ADMIN},
    {"CAP_NET_RAW", CAP_NET_RAW},
    {"CAP_IPC_LOCK", CAP_IPC_LOCK},
    {"CAP_IPC_OWNER", CAP_IPC_OWNER},
    {"CAP_SYS_MODULE", CAP_SYS_MODULE},
    {"CAP_SYS_RAWIO", CAP_SYS_RAWIO},
    {"CAP_SYS_CHROOT", CAP_SYS_CHROOT},
    {"CAP_SYS_PTRACE", CAP_SYS_PTRACE},
    {"CAP_SYS_PACCT", CAP_SYS_PACCT},
    {"CAP_SYS_ADMIN", CAP_SYS_ADMIN},
    {"CAP_SYS_BOOT", CAP_SYS_BOOT},
    {"CAP_SYS_NICE", CAP_SYS_NICE},
    {"CAP_SYS_RESOURCE", CAP_SYS_RESOURCE},
    {"CAP_SYS_TIME", CAP_SYS_TIME},
    {"CAP_SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG},
    {"CAP_MKNOD", CAP_MKNOD},
    {"CAP_LEASE", CAP_LEASE},
    {"CAP_AUDIT_WRITE", CAP_AUDIT_WRITE},
    {"CAP_AUDIT_CONTROL", CAP_AUDIT_CONTROL},
    {"CAP_SETFCAP", CAP_SETFCAP},
    {"CAP_MAC_OVERRIDE", CAP_MAC_OVERRIDE},
    {"CAP_MAC_ADMIN", CAP_MAC_ADMIN},
    {"CAP_SYSLOG", CAP_SYSLOG},
    {"CAP_WAKE_ALARM", CAP_WAKE_ALARM},
    {"CAP_BLOCK_SUSPEND", CAP_BLOCK_SUSPEND},
    {"CAP_AUDIT_READ", CAP_AUDIT_READ},
    {"CAP_PERFMON", CAP_PERFMON},
    {"CAP_BPF", CAP_BPF},
    {"CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE},
}};

// capability_name() indexes the table by number: the entries must be in number order.
constexpr bool in_number_order() {
  for (size_t i = 0; i < kCapabilities.size(); ++i) {
    if (kCapabilities[i].value != static_cast<int>(i)) return false;
  }
  return true;
}
static_assert(in_number_order());
static_assert(kCapabilities.size() == CAP_CHECKPOINT_RESTORE + 1);

// The spec's "SCHED_OTHER" is the kernel's SCHED_NORMAL; uapi leaves SCHED_ISO out.
constexpr int kSchedIso = 4;
constexpr std::array<Named<int>, 7> kSchedPolicies = {{
    {"SCHED_OTHER", SCHED_NORMAL},
    {"SCHED_FIFO", SCHED_FIFO},
    {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},
    {"SCHED_ISO", kSchedIso},
    {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
}};

constexpr std::array<Named<uint64_t>, 7> kSchedFlags = {{
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
}};

// IOPRIO_CLASS_NONE is not a spec name.
constexpr std::array<Named<int>, 3> kIoPriorityClasses = {{
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
}};

}  // namespace

std::span<const Named<int>> rlimit_table() { return kRlimits; }
std::optional<int> rlimit_resource(std::string_view name) {
  return value_of(rlimit_table(), name);
}

std::span<const Named<int>> capability_table() { return kCapabilities; }
std::optional<int> capability_index(std::string_view name) {
  return value_of(capability_table(), name);
}
std::string capability_name(int number) {
  if (number >= 0 && static_cast<size_t>(number) < kCapabilities.size()) {
    return std::string(kCapabilities[static_cast<size_t>(number)].name);
  }
  return "CAP_" + std::to_string(number);
}

std::span<const Named<int>> sched_policy_table() { return kSchedPolicies; }
std::optional<int> sched_policy(std::string_view name) {
  return value_of(sched_policy_table(), name);
}
std::span<const Named<uint64_t>> sched_flag_table() { return kSchedFlags; }
std::optional<uint64_t> sched_flag(std::string_view name) {
  return value_of(sched_flag_table(), name);
}

std::span<const Named<int>> io_priority_class_table() { return kIoPriorityClasses; }
std::optional<int> io_priority_class(std::string_view name) {
  return value_of(io_priority_class_table(), name);
}

}  // namespace cruntime::spec
