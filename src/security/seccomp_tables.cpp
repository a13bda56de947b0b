// The one translation of the linux.seccomp enums (spec/seccomp_names.hpp, where the names are)
// to libseccomp's values. No syscalls: everything here is unit-tested without root.
#include "cruntime/security/seccomp_tables.hpp"

#include <cerrno>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/spec/seccomp_names.hpp"

namespace cruntime::security {
namespace {

using spec::SeccompAction;
using spec::SeccompArch;
using spec::SeccompFlag;
using spec::SeccompOperator;

// Without the errno bits, which seccomp_action() adds for ERRNO and TRACE.
uint32_t action_value(SeccompAction action) {
  switch (action) {
    case SeccompAction::kKill: return SCMP_ACT_KILL;  // KILL_THREAD (seccomp.h), as in runc
    case SeccompAction::kKillProcess: return SCMP_ACT_KILL_PROCESS;
    case SeccompAction::kKillThread: return SCMP_ACT_KILL_THREAD;
    case SeccompAction::kTrap: return SCMP_ACT_TRAP;
    case SeccompAction::kErrno: return SCMP_ACT_ERRNO(0);
    case SeccompAction::kTrace: return SCMP_ACT_TRACE(0);
    case SeccompAction::kAllow: return SCMP_ACT_ALLOW;
    case SeccompAction::kLog: return SCMP_ACT_LOG;
    case SeccompAction::kNotify: return SCMP_ACT_NOTIFY;
  }
  return SCMP_ACT_KILL_PROCESS;  // not reached: -Wswitch covers every enumerator
}

// nullopt: named by the spec, unknown to the libseccomp this build was compiled against.
std::optional<uint32_t> arch_token(SeccompArch arch) {
  switch (arch) {
    case SeccompArch::kX86: return SCMP_ARCH_X86;
    case SeccompArch::kX86_64: return SCMP_ARCH_X86_64;
    case SeccompArch::kX32: return SCMP_ARCH_X32;
    case SeccompArch::kArm: return SCMP_ARCH_ARM;
    case SeccompArch::kAarch64: return SCMP_ARCH_AARCH64;
    case SeccompArch::kMips: return SCMP_ARCH_MIPS;
    case SeccompArch::kMips64: return SCMP_ARCH_MIPS64;
    case SeccompArch::kMips64N32: return SCMP_ARCH_MIPS64N32;
    case SeccompArch::kMipsel: return SCMP_ARCH_MIPSEL;
    case SeccompArch::kMipsel64: return SCMP_ARCH_MIPSEL64;
    case SeccompArch::kMipsel64N32: return SCMP_ARCH_MIPSEL64N32;
    case SeccompArch::kPpc: return SCMP_ARCH_PPC;
    case SeccompArch::kPpc64: return SCMP_ARCH_PPC64;
    case SeccompArch::kPpc64Le: return SCMP_ARCH_PPC64LE;
    case SeccompArch::kS390: return SCMP_ARCH_S390;
    case SeccompArch::kS390X: return SCMP_ARCH_S390X;
    case SeccompArch::kParisc: return SCMP_ARCH_PARISC;
    case SeccompArch::kParisc64: return SCMP_ARCH_PARISC64;
    case SeccompArch::kRiscv64: return SCMP_ARCH_RISCV64;
// Added in libseccomp 2.6 (as macros, so the preprocessor can tell).
#ifdef SCMP_ARCH_LOONGARCH64
    case SeccompArch::kLoongarch64: return SCMP_ARCH_LOONGARCH64;
#else
    case SeccompArch::kLoongarch64: return std::nullopt;
#endif
#ifdef SCMP_ARCH_M68K
    case SeccompArch::kM68k: return SCMP_ARCH_M68K;
#else
    case SeccompArch::kM68k: return std::nullopt;
#endif
#ifdef SCMP_ARCH_SH
    case SeccompArch::kSh: return SCMP_ARCH_SH;
#else
    case SeccompArch::kSh: return std::nullopt;
#endif
#ifdef SCMP_ARCH_SHEB
    case SeccompArch::kSheb: return SCMP_ARCH_SHEB;
#else
    case SeccompArch::kSheb: return std::nullopt;
#endif
  }
  return std::nullopt;
}

scmp_compare operator_value(SeccompOperator op) {
  switch (op) {
    case SeccompOperator::kNe: return SCMP_CMP_NE;
    case SeccompOperator::kLt: return SCMP_CMP_LT;
    case SeccompOperator::kLe: return SCMP_CMP_LE;
    case SeccompOperator::kEq: return SCMP_CMP_EQ;
    case SeccompOperator::kGe: return SCMP_CMP_GE;
    case SeccompOperator::kGt: return SCMP_CMP_GT;
    case SeccompOperator::kMaskedEq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;  // not reached: -Wswitch covers every enumerator
}

// libseccomp grew SCMP_FLTATR_CTL_WAITKILL in 2.6; the enum is not visible to #ifdef.
// nullopt: this libseccomp cannot set the flag.
std::optional<scmp_filter_attr> flag_attribute(SeccompFlag flag) {
  switch (flag) {
    case SeccompFlag::kTsync: return SCMP_FLTATR_CTL_TSYNC;
    case SeccompFlag::kLog: return SCMP_FLTATR_CTL_LOG;
    case SeccompFlag::kSpecAllow: return SCMP_FLTATR_CTL_SSB;
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
    case SeccompFlag::kWaitKillableRecv: return SCMP_FLTATR_CTL_WAITKILL;
#else
    case SeccompFlag::kWaitKillableRecv: return std::nullopt;
#endif
  }
  return std::nullopt;
}

std::string libseccomp_headers() {
  return fmt::format("libseccomp {}.{}.{}", SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
}

}  // namespace

Result<uint32_t> seccomp_action(std::string_view name, std::optional<uint32_t> errno_ret) {
  const std::optional<SeccompAction> action = spec::parse_seccomp_action(name);
  if (!action) return fail_msg("unknown action \"{}\"", name);
  if (!spec::seccomp_action_takes_errno(*action)) {
    if (errno_ret) return fail_msg("errnoRet is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    return action_value(*action);
  }
  const uint32_t code = errno_ret.value_or(EPERM);
  if (code > 0xffff) return fail_msg("errnoRet {} is out of range (at most 65535)", code);
  return action_value(*action) | code;
}

Result<uint32_t> seccomp_arch(std::string_view name) {
  const std::optional<SeccompArch> arch = spec::parse_seccomp_arch(name);
  if (!arch) return fail_msg("unknown architecture \"{}\"", name);
  const std::optional<uint32_t> token = arch_token(*arch);
  if (!token) return fail_msg("architecture {} is not supported by {}", name, libseccomp_headers());
  return *token;
}

Result<scmp_compare> seccomp_operator(std::string_view name) {
  const std::optional<SeccompOperator> op = spec::parse_seccomp_operator(name);
  if (!op) return fail_msg("unknown operator \"{}\"", name);
  return operator_value(*op);
}

Result<scmp_filter_attr> seccomp_flag_attribute(std::string_view name) {
  const std::optional<SeccompFlag> flag = spec::parse_seccomp_flag(name);
  if (!flag) return fail_msg("unknown flag \"{}\"", name);
  const std::optional<scmp_filter_attr> attribute = flag_attribute(*flag);
  if (!attribute) return fail_msg("flag {} is not supported by {}", name, libseccomp_headers());
  return *attribute;
}

std::vector<std::string> known_seccomp_actions() {
  return spec::names_of(spec::seccomp_action_table());
}

std::vector<std::string> known_seccomp_operators() {
  return spec::names_of(spec::seccomp_operator_table());
}

std::vector<std::string> known_seccomp_architectures() {
  std::vector<std::string> out;
  for (const auto& [name, arch] : spec::seccomp_arch_table()) {
    if (arch_token(arch)) out.emplace_back(name);
  }
  return out;
}

std::vector<std::string> known_seccomp_flags() {
  std::vector<std::string> out;
  for (const auto& [name, flag] : spec::seccomp_flag_table()) {
    if (flag_attribute(flag)) out.emplace_back(name);
  }
  return out;
}

}  // namespace cruntime::security
