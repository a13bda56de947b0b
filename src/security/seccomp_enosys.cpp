// The -ENOSYS stub in front of the libseccomp filter (issue 9 §3). glibc and musl probe new
// syscalls (clone3, faccessat2, fchmodat2...) and fall back to older ones on ENOSYS, but give up
// on EPERM; a profile written before a syscall existed cannot name it, so its default action
// (usually ERRNO(EPERM)) would break them. Same rule as runc's patchbpf: "unknown" means above
// the highest number the profile names for that architecture, a heuristic that cannot see
// holes in the table (a syscall added out of order below the maximum still gets the default).
#include "cruntime/security/seccomp_enosys.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cruntime::security {
namespace {

// x32 processes enter the x86_64 syscall table with this bit set in the number
// (__X32_SYSCALL_BIT in <asm/unistd.h>, which only x86 builds have).
constexpr uint32_t kX32SyscallBit = 0x40000000;
// s390 and s390x pass syscall numbers above 255 through syscall 0 (the long-dead setup(2)), and a
// number the kernel does not know stays 0: so 0 is "unknown" there, whatever the profile names.
constexpr uint32_t kS390Multiplexer = 0;
constexpr uint32_t kRetEnosys = SECCOMP_RET_ERRNO | ENOSYS;

// The kernel's AUDIT_ARCH_* for a libseccomp token: they are equal except for x32, which libseccomp
// tells apart with a made-up token but the kernel reports as x86_64.
uint32_t audit_arch(uint32_t token) { return token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token; }

// One kernel architecture's limits: x86_64 can carry two (native and x32 numbers).
struct ArchGroup {
  uint32_t audit = 0;
  std::optional<uint32_t> native_max;
  std::optional<uint32_t> x32_max;
};

std::vector<ArchGroup> group_by_audit_arch(std::span<const ArchLimit> limits) {
  std::vector<ArchGroup> groups;
  for (const ArchLimit& limit : limits) {
    const uint32_t audit = audit_arch(limit.arch);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const ArchGroup& g) { return g.audit == audit; });
    if (it == groups.end()) it = groups.insert(groups.end(), ArchGroup{audit, {}, {}});
    std::optional<uint32_t>& slot = limit.arch == SCMP_ARCH_X32 ? it->x32_max : it->native_max;
    slot = std::max(slot.value_or(0), limit.max_nr);
  }
  return groups;
}

// Where a conditional jump of a section goes: `skip` instructions ahead, or one of the two
// instructions every section ends with (return ENOSYS; jump into the filter).
struct Target {
  enum class Kind { kSkip, kEnosys, kFilter };
  Kind kind = Kind::kSkip;
  uint8_t skip = 0;
};
constexpr Target kNext{Target::Kind::kSkip, 0};
constexpr Target kEnosys{Target::Kind::kEnosys, 0};
constexpr Target kFilter{Target::Kind::kFilter, 0};
constexpr Target skip(uint8_t n) { return Target{Target::Kind::kSkip, n}; }

struct Pending {
  uint16_t code;
  uint32_t k;
  Target jt;
  Target jf;
};

constexpr uint16_t kLoadWord = BPF_LD | BPF_W | BPF_ABS;
constexpr uint16_t kJgt = BPF_JMP | BPF_JGT | BPF_K;
constexpr uint16_t kJeq = BPF_JMP | BPF_JEQ | BPF_K;
constexpr uint16_t kJset = BPF_JMP | BPF_JSET | BPF_K;

// The number checks of one architecture, entered with the arch matched. Sections are a few
// instructions long, so every conditional jump fits its 8-bit offset; the final `ja` (32-bit
// offset, patched by the caller) leaves for the filter.
std::vector<sock_filter> section(const ArchGroup& group) {
  std::vector<Pending> body;
  body.push_back({kLoadWord, offsetof(seccomp_data, nr), kNext, kNext});
  if (group.audit == AUDIT_ARCH_S390 || group.audit == AUDIT_ARCH_S390X) {
    body.push_back({kJeq, kS390Multiplexer, kEnosys, kNext});
  }
  if (group.audit != AUDIT_ARCH_X86_64) {
    body.push_back({kJgt, group.native_max.value_or(0), kEnosys, kFilter});
  } else if (group.native_max && group.x32_max) {
    body.push_back({kJset, kX32SyscallBit, skip(1), kNext});
    body.push_back({kJgt, *group.native_max, kEnosys, kFilter});
    body.push_back({kJgt, *group.x32_max, kEnosys, kFilter});
  } else if (group.native_max) {
    // x32 calls are not this profile's: the filter gives them its bad-architecture action.
    body.push_back({kJset, kX32SyscallBit, kFilter, kNext});
    body.push_back({kJgt, *group.native_max, kEnosys, kFilter});
  } else {
    body.push_back({kJset, kX32SyscallBit, kNext, kFilter});
    body.push_back({kJgt, group.x32_max.value_or(0), kEnosys, kFilter});
  }
  const size_t enosys_at = body.size();
  auto offset = [&](size_t from, Target to) -> uint8_t {
    const size_t target = to.kind == Target::Kind::kSkip     ? from + 1 + to.skip
                          : to.kind == Target::Kind::kEnosys ? enosys_at
                                                             : enosys_at + 1;
    return static_cast<uint8_t>(target - (from + 1));
  };
  std::vector<sock_filter> out;
  for (size_t i = 0; i < body.size(); ++i) {
    const Pending& p = body[i];
    out.push_back(sock_filter{p.code, offset(i, p.jt), offset(i, p.jf), p.k});
  }
  out.push_back(sock_filter{BPF_RET | BPF_K, 0, 0, kRetEnosys});
  out.push_back(sock_filter{BPF_JMP | BPF_JA, 0, 0, 0});  // k: set once the stub is complete
  return out;
}

}  // namespace

bool needs_enosys_stub(uint32_t default_action) {
  if (default_action == SCMP_ACT_ALLOW || default_action == SCMP_ACT_LOG) return false;
  // A tracer sees the unknown number and can answer ENOSYS itself (runc's reasoning).
  if ((default_action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE) return false;
  // Already the answer the stub would give.
  if (default_action == SCMP_ACT_ERRNO(ENOSYS)) return false;
  // Every other default (ERRNO, TRAP, the KILLs) gets the stub. For the KILLs too, as in runc:
  // a program probing a syscall newer than the profile should see what a kernel older than the
  // syscall would answer, not die; nothing more becomes reachable, the syscall never runs.
  return true;
}

std::vector<ArchLimit> named_syscall_limits(std::span<const uint32_t> arches,
                                            const spec::Seccomp& seccomp) {
  std::vector<ArchLimit> out;
  if (!seccomp.syscalls) return out;
  std::vector<uint32_t> seen;
  for (const uint32_t arch : arches) {
    if (std::find(seen.begin(), seen.end(), arch) != seen.end()) continue;
    seen.push_back(arch);
    std::optional<uint32_t> max;
    for (const spec::SeccompSyscall& rule : *seccomp.syscalls) {
      for (const std::string& name : rule.names) {
        // Negative: unknown here, or a pseudo-number libseccomp uses for a call multiplexed
        // through another syscall (socket via socketcall on x86); neither bounds the table.
        const int nr = seccomp_syscall_resolve_name_arch(arch, name.c_str());
        if (nr < 0) continue;
        max = std::max(max.value_or(0), static_cast<uint32_t>(nr));
      }
    }
    if (max) out.push_back(ArchLimit{arch, *max});
  }
  return out;
}

std::vector<sock_filter> enosys_stub(std::span<const ArchLimit> limits) {
  if (limits.empty()) return {};
  std::vector<sock_filter> out;
  out.push_back(sock_filter{kLoadWord, 0, 0, offsetof(seccomp_data, arch)});
  std::vector<size_t> exits;  // the `ja` at the end of each section
  for (const ArchGroup& group : group_by_audit_arch(limits)) {
    const std::vector<sock_filter> body = section(group);
    // A different architecture skips the section, and arrives at the next arch test with the
    // arch still loaded (sections load the number only on their own path).
    out.push_back(sock_filter{kJeq, 0, static_cast<uint8_t>(body.size()), group.audit});
    out.insert(out.end(), body.begin(), body.end());
    exits.push_back(out.size() - 1);
  }
  // No section matched: fall through into the filter, which follows the stub directly.
  for (const size_t at : exits) out[at].k = static_cast<uint32_t>(out.size() - (at + 1));
  return out;
}

}  // namespace cruntime::security
