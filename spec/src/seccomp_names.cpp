// The name tables of the linux.seccomp enums: actions, architectures, operators, filter flags.
#include "cruntime/spec/seccomp_names.hpp"

#include <array>

namespace cruntime::spec {
namespace {

constexpr std::array<Named<SeccompAction>, 9> kActions = {{
    {"SCMP_ACT_KILL", SeccompAction::kKill},
    {"SCMP_ACT_KILL_PROCESS", SeccompAction::kKillProcess},
    {"SCMP_ACT_KILL_THREAD", SeccompAction::kKillThread},
    {"SCMP_ACT_TRAP", SeccompAction::kTrap},
    {"SCMP_ACT_ERRNO", SeccompAction::kErrno},
    {"SCMP_ACT_TRACE", SeccompAction::kTrace},
    {"SCMP_ACT_ALLOW", SeccompAction::kAllow},
    {"SCMP_ACT_LOG", SeccompAction::kLog},
    {"SCMP_ACT_NOTIFY", SeccompAction::kNotify},
}};

constexpr std::array<Named<SeccompArch>, 23> kArches = {{
    {"SCMP_ARCH_X86", SeccompArch::kX86},
    {"SCMP_ARCH_X86_64", SeccompArch::kX86_64},
    {"SCMP_ARCH_X32", SeccompArch::kX32},
    {"SCMP_ARCH_ARM", SeccompArch::kArm},
    {"SCMP_ARCH_AARCH64", SeccompArch::kAarch64},
    {"SCMP_ARCH_MIPS", SeccompArch::kMips},
    {"SCMP_ARCH_MIPS64", SeccompArch::kMips64},
    {"SCMP_ARCH_MIPS64N32", SeccompArch::kMips64N32},
    {"SCMP_ARCH_MIPSEL", SeccompArch::kMipsel},
    {"SCMP_ARCH_MIPSEL64", SeccompArch::kMipsel64},
    {"SCMP_ARCH_MIPSEL64N32", SeccompArch::kMipsel64N32},
    {"SCMP_ARCH_PPC", SeccompArch::kPpc},
    {"SCMP_ARCH_PPC64", SeccompArch::kPpc64},
    {"SCMP_ARCH_PPC64LE", SeccompArch::kPpc64Le},
    {"SCMP_ARCH_S390", SeccompArch::kS390},
    {"SCMP_ARCH_S390X", SeccompArch::kS390X},
    {"SCMP_ARCH_PARISC", SeccompArch::kParisc},
    {"SCMP_ARCH_PARISC64", SeccompArch::kParisc64},
    {"SCMP_ARCH_RISCV64", SeccompArch::kRiscv64},
    {"SCMP_ARCH_LOONGARCH64", SeccompArch::kLoongarch64},
    {"SCMP_ARCH_M68K", SeccompArch::kM68k},
    {"SCMP_ARCH_SH", SeccompArch::kSh},
    {"SCMP_ARCH_SHEB", SeccompArch::kSheb},
}};

constexpr std::array<Named<SeccompOperator>, 7> kOperators = {{
    {"SCMP_CMP_NE", SeccompOperator::kNe},
    {"SCMP_CMP_LT", SeccompOperator::kLt},
    {"SCMP_CMP_LE", SeccompOperator::kLe},
    {"SCMP_CMP_EQ", SeccompOperator::kEq},
    {"SCMP_CMP_GE", SeccompOperator::kGe},
    {"SCMP_CMP_GT", SeccompOperator::kGt},
    {"SCMP_CMP_MASKED_EQ", SeccompOperator::kMaskedEq},
}};

constexpr std::array<Named<SeccompFlag>, 4> kFlags = {{
    {"SECCOMP_FILTER_FLAG_TSYNC", SeccompFlag::kTsync},
    {"SECCOMP_FILTER_FLAG_LOG", SeccompFlag::kLog},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SeccompFlag::kSpecAllow},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SeccompFlag::kWaitKillableRecv},
}};

}  // namespace

std::span<const Named<SeccompAction>> seccomp_action_table() { return kActions; }
std::optional<SeccompAction> parse_seccomp_action(std::string_view name) {
  return value_of(seccomp_action_table(), name);
}
bool seccomp_action_takes_errno(SeccompAction action) {
  return action == SeccompAction::kErrno || action == SeccompAction::kTrace;
}

std::span<const Named<SeccompArch>> seccomp_arch_table() { return kArches; }
std::optional<SeccompArch> parse_seccomp_arch(std::string_view name) {
  return value_of(seccomp_arch_table(), name);
}

std::span<const Named<SeccompOperator>> seccomp_operator_table() { return kOperators; }
std::optional<SeccompOperator> parse_seccomp_operator(std::string_view name) {
  return value_of(seccomp_operator_table(), name);
}

std::span<const Named<SeccompFlag>> seccomp_flag_table() { return kFlags; }
std::optional<SeccompFlag> parse_seccomp_flag(std::string_view name) {
  return value_of(seccomp_flag_table(), name);
}

}  // namespace cruntime::spec
