// linux.seccomp (config-linux.md "Seccomp"). Actions, architectures, ops and flags stay strings here;
// validate() checks them and security/seccomp.cpp maps them to libseccomp values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cruntime::spec {

struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  std::optional<uint64_t> value_two;
  std::string op;  // SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ
  bool operator==(const SeccompArg&) const = default;
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_*
  std::optional<uint32_t> errno_ret;
  std::optional<std::vector<SeccompArg>> args;
  bool operator==(const SeccompSyscall&) const = default;
};

struct Seccomp {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::optional<std::vector<std::string>> architectures;  // SCMP_ARCH_*
  std::optional<std::vector<std::string>> flags;          // SECCOMP_FILTER_FLAG_*
  std::optional<std::string> listener_path;
  std::optional<std::string> listener_metadata;
  std::optional<std::vector<SeccompSyscall>> syscalls;
  bool operator==(const Seccomp&) const = default;
};

}  // namespace cruntime::spec
