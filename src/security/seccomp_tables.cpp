// Pure mappings from linux.seccomp strings to libseccomp values (actions, architectures,
// operators, flags). No syscalls: everything here is unit-tested without root.
#include "cruntime/security/seccomp_tables.hpp"

#include <array>
#include <cerrno>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cruntime::security {
namespace {

struct Action {
  std::string_view name;
  uint32_t value;
  bool takes_errno;  // the low 16 bits carry errnoRet
};

// SCMP_ACT_KILL is KILL_THREAD (seccomp.h), as in runc.
constexpr std::array<Action, 9> kActions = {{
    {"SCMP_ACT_KILL", SCMP_ACT_KILL, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
}};

struct Arch {
  std::string_view name;
  std::optional<uint32_t> token;  // nullopt: named by the spec, unknown to this libseccomp
};

constexpr std::array<Arch, 23> kArches = {{
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
// Added in libseccomp 2.6 (as macros, so the preprocessor can tell).
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#else
    {"SCMP_ARCH_LOONGARCH64", std::nullopt},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#else
    {"SCMP_ARCH_M68K", std::nullopt},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
#else
    {"SCMP_ARCH_SH", std::nullopt},
#endif
#ifdef SCMP_ARCH_SHEB
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#else
    {"SCMP_ARCH_SHEB", std::nullopt},
#endif
}};

struct Operator {
  std::string_view name;
  scmp_compare value;
};

constexpr std::array<Operator, 7> kOperators = {{
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
}};

struct Flag {
  std::string_view name;
  std::optional<scmp_filter_attr> attribute;  // nullopt: this libseccomp cannot set it
};

// libseccomp grew SCMP_FLTATR_CTL_WAITKILL in 2.6; the enum is not visible to #ifdef.
constexpr bool kHasWaitKill = SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6);

constexpr std::array<Flag, 4> kFlags = {{
    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SCMP_FLTATR_CTL_WAITKILL},
#else
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", std::nullopt},
#endif
}};
static_assert(kHasWaitKill == kFlags[3].attribute.has_value());

std::string libseccomp_headers() {
  return fmt::format("libseccomp {}.{}.{}", SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
}

}  // namespace

Result<uint32_t> seccomp_action(std::string_view name, std::optional<uint32_t> errno_ret) {
  for (const Action& action : kActions) {
    if (action.name != name) continue;
    if (!action.takes_errno) {
      if (errno_ret)
        return fail_msg("errnoRet is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
      return action.value;
    }
    const uint32_t code = errno_ret.value_or(EPERM);
    if (code > 0xffff) return fail_msg("errnoRet {} is out of range (at most 65535)", code);
    return action.value | code;
  }
  return fail_msg("unknown action \"{}\"", name);
}

Result<uint32_t> seccomp_arch(std::string_view name) {
  for (const Arch& arch : kArches) {
    if (arch.name != name) continue;
    if (!arch.token)
      return fail_msg("architecture {} is not supported by {}", name, libseccomp_headers());
    return *arch.token;
  }
  return fail_msg("unknown architecture \"{}\"", name);
}

Result<scmp_compare> seccomp_operator(std::string_view name) {
  for (const Operator& op : kOperators) {
    if (op.name == name) return op.value;
  }
  return fail_msg("unknown operator \"{}\"", name);
}

Result<scmp_filter_attr> seccomp_flag_attribute(std::string_view name) {
  for (const Flag& flag : kFlags) {
    if (flag.name != name) continue;
    if (!flag.attribute)
      return fail_msg("flag {} is not supported by {}", name, libseccomp_headers());
    return *flag.attribute;
  }
  return fail_msg("unknown flag \"{}\"", name);
}

std::vector<std::string> known_seccomp_actions() {
  std::vector<std::string> out;
  for (const Action& action : kActions) out.emplace_back(action.name);
  return out;
}

std::vector<std::string> known_seccomp_operators() {
  std::vector<std::string> out;
  for (const Operator& op : kOperators) out.emplace_back(op.name);
  return out;
}

std::vector<std::string> known_seccomp_architectures() {
  std::vector<std::string> out;
  for (const Arch& arch : kArches) {
    if (arch.token) out.emplace_back(arch.name);
  }
  return out;
}

std::vector<std::string> known_seccomp_flags() {
  std::vector<std::string> out;
  for (const Flag& flag : kFlags) {
    if (flag.attribute) out.emplace_back(flag.name);
  }
  return out;
}

}  // namespace cruntime::security
