// The -ENOSYS stub put in front of the libseccomp filter: a syscall numbered above every
// syscall the profile names for the caller's architecture (a syscall newer than the profile)
// fails with ENOSYS instead of the profile's default action (issue 9 §3, runc's patchbpf).
// Pure: table lookups in libseccomp and BPF generation, no syscalls.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <span>
#include <vector>

#include "cruntime/spec/config.hpp"

namespace cruntime::security {

// The highest syscall number a profile names for one architecture.
struct ArchLimit {
  uint32_t arch = 0;    // SCMP_ARCH_* token (SCMP_ARCH_X32 stays distinct from X86_64)
  uint32_t max_nr = 0;  // as the kernel sees it: x32 numbers include __X32_SYSCALL_BIT
  bool operator==(const ArchLimit&) const = default;
};

// Whether unknown syscalls need the stub under this default action (an SCMP_ACT_* value).
// Not for allow-like defaults (ALLOW, LOG, TRACE: an unknown syscall already reaches the
// kernel, which answers ENOSYS itself, or a tracer that can) nor for ERRNO(ENOSYS).
bool needs_enosys_stub(uint32_t default_action);

// For each architecture in `arches` (SCMP_ARCH_* tokens, duplicates ignored), the highest
// syscall number any rule of `seccomp` names. Architectures for which the profile names no
// syscall libseccomp knows get no entry: without a known range, the stub stays out of the way.
std::vector<ArchLimit> named_syscall_limits(std::span<const uint32_t> arches,
                                            const spec::Seccomp& seccomp);

// The BPF instructions to run before the libseccomp filter: for a listed architecture, a syscall
// number above its limit returns SECCOMP_RET_ERRNO|ENOSYS; everything else falls through to the
// instruction right after the stub (the filter). Empty when `limits` is empty.
std::vector<sock_filter> enosys_stub(std::span<const ArchLimit> limits);

}  // namespace cruntime::security
