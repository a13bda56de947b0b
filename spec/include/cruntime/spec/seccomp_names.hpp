// The name tables of the OCI enums in linux.seccomp (config-linux.md "Seccomp", cli-contract
// §12.3): actions, architectures, argument operators and filter flags. One table per enum, used
// both by validate() and by the core's seccomp filter builder. The names are libseccomp's, and
// spec/ does not depend on libseccomp: each name maps to a spec enum, and
// security/seccomp_tables.cpp is the one translation of that enum to libseccomp's value.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "cruntime/spec/name_table.hpp"

namespace cruntime::spec {

enum class SeccompAction {
  kKill,  // = KILL_THREAD (seccomp.h), as in runc
  kKillProcess,
  kKillThread,
  kTrap,
  kErrno,
  kTrace,
  kAllow,
  kLog,
  kNotify,
};
// "SCMP_ACT_ERRNO" → kErrno.
std::span<const Named<SeccompAction>> seccomp_action_table();
std::optional<SeccompAction> parse_seccomp_action(std::string_view name);
// ERRNO and TRACE carry errnoRet in their low 16 bits; no other action takes one.
bool seccomp_action_takes_errno(SeccompAction action);

// The architectures of libseccomp 2.6; an older libseccomp lacks some (the core says which).
enum class SeccompArch {
  kX86,
  kX86_64,
  kX32,
  kArm,
  kAarch64,
  kMips,
  kMips64,
  kMips64N32,
  kMipsel,
  kMipsel64,
  kMipsel64N32,
  kPpc,
  kPpc64,
  kPpc64Le,
  kS390,
  kS390X,
  kParisc,
  kParisc64,
  kRiscv64,
  kLoongarch64,
  kM68k,
  kSh,
  kSheb,
};
// "SCMP_ARCH_X86_64" → kX86_64.
std::span<const Named<SeccompArch>> seccomp_arch_table();
std::optional<SeccompArch> parse_seccomp_arch(std::string_view name);

enum class SeccompOperator { kNe, kLt, kLe, kEq, kGe, kGt, kMaskedEq };
// "SCMP_CMP_MASKED_EQ" → kMaskedEq.
std::span<const Named<SeccompOperator>> seccomp_operator_table();
std::optional<SeccompOperator> parse_seccomp_operator(std::string_view name);

enum class SeccompFlag { kTsync, kLog, kSpecAllow, kWaitKillableRecv };
// "SECCOMP_FILTER_FLAG_LOG" → kLog.
std::span<const Named<SeccompFlag>> seccomp_flag_table();
std::optional<SeccompFlag> parse_seccomp_flag(std::string_view name);

}  // namespace cruntime::spec
