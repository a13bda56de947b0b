// The name tables of the OCI enums in config.json `process` (config.md "POSIX process", "Linux
// Process"): rlimit types, capabilities, scheduler policies and flags, I/O priority classes.
// One table per enum, used both by validate() and by the core code that applies the values.
// Each name maps to its kernel value, taken from the uapi headers (no library, no syscall).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cruntime/spec/name_table.hpp"

namespace cruntime::spec {

// getrlimit(2): every resource Linux defines. "RLIMIT_NOFILE" → RLIMIT_NOFILE.
std::span<const Named<int>> rlimit_table();
std::optional<int> rlimit_resource(std::string_view name);

// capabilities(7) in number order: "CAP_CHOWN" (0) .. "CAP_CHECKPOINT_RESTORE" (40). This is the
// build's list; whether the running kernel has a capability is the core's question
// (security::capability_number).
std::span<const Named<int>> capability_table();
// "CAP_BPF" → 39; nullopt when unknown to this build.
std::optional<int> capability_index(std::string_view name);
// 21 → "CAP_SYS_ADMIN"; numbers newer than this build come back as "CAP_41" (as cap_to_name).
std::string capability_name(int number);

// config.md "scheduler": `policy` (sched(7)) → its number, "SCHED_FIFO" → 1. SCHED_ISO (4) is
// reserved and the kernel rejects it, but the spec lists it.
std::span<const Named<int>> sched_policy_table();
std::optional<int> sched_policy(std::string_view name);
// `flags` (include/uapi/linux/sched.h) → the sched_attr bit, "SCHED_FLAG_RECLAIM" → 0x02.
std::span<const Named<uint64_t>> sched_flag_table();
std::optional<uint64_t> sched_flag(std::string_view name);

// config.md "ioPriority": `class` → IOPRIO_CLASS_* (include/uapi/linux/ioprio.h), "_BE" → 2.
std::span<const Named<int>> io_priority_class_table();
std::optional<int> io_priority_class(std::string_view name);

}  // namespace cruntime::spec
