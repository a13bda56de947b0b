// Tests of the -ENOSYS stub: when it applies, the per-architecture limits, and what the
// generated BPF does, run by a small classic-BPF interpreter over made-up seccomp_data.
#include "cruntime/security/seccomp_enosys.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace cruntime::security {
namespace {

// What the "filter" after the stub returns in these tests: anything the stub itself never does.
constexpr uint32_t kReachedFilter = SECCOMP_RET_TRACE | 0x77;
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t kX32 = 0x40000000;

// Runs `program` followed by the one-instruction stand-in filter, the way the kernel would for
// a syscall `nr` of architecture `arch`. nullopt: an instruction the stub should not use, a load
// outside seccomp_data, or a jump out of the program.
std::optional<uint32_t> run(const std::vector<sock_filter>& stub, uint32_t arch, uint32_t nr) {
  std::vector<sock_filter> program = stub;
  program.push_back(sock_filter{BPF_RET | BPF_K, 0, 0, kReachedFilter});
  seccomp_data data{};
  data.nr = static_cast<int>(nr);
  data.arch = arch;
  uint32_t a = 0;
  size_t pc = 0;
  while (pc < program.size()) {
    const sock_filter& insn = program[pc];
    const auto branch = [&](bool taken) { pc += 1 + (taken ? insn.jt : insn.jf); };
    switch (insn.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (insn.k % 4 != 0 || insn.k + 4 > sizeof data) return std::nullopt;
        std::memcpy(&a, reinterpret_cast<const char*>(&data) + insn.k, 4);
        ++pc;
        break;
      case BPF_JMP | BPF_JA:
        pc += 1 + insn.k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        branch(a == insn.k);
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        branch(a > insn.k);
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        branch((a & insn.k) != 0);
        break;
      case BPF_RET | BPF_K:
        return insn.k;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

spec::Seccomp profile(std::vector<std::vector<std::string>> name_lists) {
  spec::Seccomp out;
  out.default_action = "SCMP_ACT_ERRNO";
  out.syscalls.emplace();
  for (auto& names : name_lists) {
    out.syscalls->push_back(
        spec::SeccompSyscall{std::move(names), "SCMP_ACT_ALLOW", std::nullopt, std::nullopt});
  }
  return out;
}

}  // namespace

TEST_CASE("needs_enosys_stub: not for allow-like defaults nor ERRNO(ENOSYS)", "[security]") {
  CHECK_FALSE(needs_enosys_stub(SCMP_ACT_ALLOW));
  CHECK_FALSE(needs_enosys_stub(SCMP_ACT_LOG));
  CHECK_FALSE(needs_enosys_stub(SCMP_ACT_TRACE(EPERM)));
  CHECK_FALSE(needs_enosys_stub(SCMP_ACT_TRACE(0)));
  CHECK_FALSE(needs_enosys_stub(SCMP_ACT_ERRNO(ENOSYS)));
  CHECK(needs_enosys_stub(SCMP_ACT_ERRNO(EPERM)));
  CHECK(needs_enosys_stub(SCMP_ACT_ERRNO(0)));
  CHECK(needs_enosys_stub(SCMP_ACT_ERRNO(71)));
  CHECK(needs_enosys_stub(SCMP_ACT_KILL_THREAD));
  CHECK(needs_enosys_stub(SCMP_ACT_KILL_PROCESS));
  CHECK(needs_enosys_stub(SCMP_ACT_TRAP));
}

TEST_CASE("named_syscall_limits: the highest named number per architecture", "[security]") {
  // read/mkdir are 0/83 on x86_64, 3/39 on i386; x32 numbers carry bit 30. mmap2 exists only on
  // 32-bit arches, the unknown name nowhere.
  const spec::Seccomp seccomp = profile({{"read", "mkdir"}, {"mmap2", "no_such_syscall_xyz"}});
  const std::vector<uint32_t> arches{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32,
                                     SCMP_ARCH_X86_64};
  const std::vector<ArchLimit> limits = named_syscall_limits(arches, seccomp);
  CHECK(limits == std::vector<ArchLimit>{
                      {SCMP_ARCH_X86_64, 83}, {SCMP_ARCH_X86, 192}, {SCMP_ARCH_X32, kX32 | 83}});
}

TEST_CASE("named_syscall_limits: an architecture with no known name gets no limit", "[security]") {
  const std::vector<uint32_t> arches{SCMP_ARCH_X86_64, SCMP_ARCH_X86};
  CHECK(named_syscall_limits(arches, profile({{"mmap2"}})) ==
        std::vector<ArchLimit>{{SCMP_ARCH_X86, 192}});
  CHECK(named_syscall_limits(arches, profile({{"no_such_syscall_xyz"}})).empty());
  spec::Seccomp no_rules;
  no_rules.default_action = "SCMP_ACT_ERRNO";
  CHECK(named_syscall_limits(arches, no_rules).empty());
}

TEST_CASE("enosys_stub: nothing to check, no stub", "[security]") {
  CHECK(enosys_stub({}).empty());
}

TEST_CASE("enosys_stub: one architecture, numbers above the limit get ENOSYS", "[security]") {
  const std::vector<ArchLimit> limits{{SCMP_ARCH_AARCH64, 300}};
  const std::vector<sock_filter> stub = enosys_stub(limits);
  CHECK(run(stub, AUDIT_ARCH_AARCH64, 0) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_AARCH64, 300) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_AARCH64, 301) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_AARCH64, 1000) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_AARCH64, 0xffffffff) == kEnosys);
  // Other architectures are the filter's business (its bad-arch action).
  CHECK(run(stub, AUDIT_ARCH_X86_64, 1000) == kReachedFilter);
}

TEST_CASE("enosys_stub: x86_64 alone leaves x32 numbers to the filter", "[security]") {
  const std::vector<ArchLimit> limits{{SCMP_ARCH_X86_64, 83}};
  const std::vector<sock_filter> stub = enosys_stub(limits);
  CHECK(run(stub, AUDIT_ARCH_X86_64, 83) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_X86_64, 84) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_X86_64, kX32 | 1000) == kReachedFilter);
}

TEST_CASE("enosys_stub: x86_64, x32 and i386 each against their own limit", "[security]") {
  const std::vector<ArchLimit> limits{
      {SCMP_ARCH_X86_64, 83}, {SCMP_ARCH_X32, kX32 | 100}, {SCMP_ARCH_X86, 39}};
  const std::vector<sock_filter> stub = enosys_stub(limits);
  CHECK(run(stub, AUDIT_ARCH_X86_64, 83) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_X86_64, 84) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_X86_64, kX32 | 100) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_X86_64, kX32 | 101) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_I386, 39) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_I386, 40) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_AARCH64, 1000) == kReachedFilter);
}

TEST_CASE("enosys_stub: x32 alone leaves x86_64 numbers to the filter", "[security]") {
  const std::vector<ArchLimit> limits{{SCMP_ARCH_X32, kX32 | 100}};
  const std::vector<sock_filter> stub = enosys_stub(limits);
  CHECK(run(stub, AUDIT_ARCH_X86_64, 1000) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_X86_64, kX32 | 100) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_X86_64, kX32 | 101) == kEnosys);
}

TEST_CASE("enosys_stub: on s390x, syscall 0 (the multiplexer) is ENOSYS", "[security]") {
  const std::vector<ArchLimit> limits{{SCMP_ARCH_S390X, 100}, {SCMP_ARCH_S390, 90}};
  const std::vector<sock_filter> stub = enosys_stub(limits);
  CHECK(run(stub, AUDIT_ARCH_S390X, 0) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_S390X, 1) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_S390X, 101) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_S390, 0) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_S390, 91) == kEnosys);
  CHECK(run(stub, AUDIT_ARCH_S390, 90) == kReachedFilter);
}

TEST_CASE("enosys_stub: a repeated architecture keeps its highest limit", "[security]") {
  const std::vector<ArchLimit> limits{{SCMP_ARCH_ARM, 50}, {SCMP_ARCH_ARM, 70}};
  const std::vector<sock_filter> stub = enosys_stub(limits);
  CHECK(run(stub, AUDIT_ARCH_ARM, 70) == kReachedFilter);
  CHECK(run(stub, AUDIT_ARCH_ARM, 71) == kEnosys);
}

TEST_CASE("enosys_stub: every architecture at once, all jumps land inside", "[security]") {
  std::vector<ArchLimit> limits;
  uint32_t max = 100;
  const std::vector<uint32_t> arches{
      SCMP_ARCH_X86,     SCMP_ARCH_X86_64,   SCMP_ARCH_X32,         SCMP_ARCH_ARM,
      SCMP_ARCH_AARCH64, SCMP_ARCH_MIPS,     SCMP_ARCH_MIPS64,      SCMP_ARCH_MIPS64N32,
      SCMP_ARCH_MIPSEL,  SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC,
      SCMP_ARCH_PPC64,   SCMP_ARCH_PPC64LE,  SCMP_ARCH_S390,        SCMP_ARCH_S390X,
      SCMP_ARCH_PARISC,  SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64};
  for (const uint32_t arch : arches) {
    limits.push_back({arch, arch == SCMP_ARCH_X32 ? kX32 | max : max});
    max += 10;
  }
  const std::vector<sock_filter> stub = enosys_stub(limits);
  for (const ArchLimit& limit : limits) {
    INFO("arch " << std::hex << limit.arch);
    const uint32_t audit = limit.arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : limit.arch;
    CHECK(run(stub, audit, limit.max_nr) == kReachedFilter);
    CHECK(run(stub, audit, limit.max_nr + 1) == kEnosys);
  }
  CHECK(run(stub, 0x12345678, 5000) == kReachedFilter);
}

}  // namespace cruntime::security
