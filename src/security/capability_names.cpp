// The capability name table (capabilities(7)): "CAP_CHOWN" (0) .. "CAP_CHECKPOINT_RESTORE" (40).
#include <linux/capability.h>
#include <sys/capability.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/security/security.hpp"

namespace cruntime::security {
namespace {

// Indexed by capability number; the static_assert keeps it in step with the kernel headers.
constexpr std::array<std::string_view, 41> kNames = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
static_assert(kNames.size() == CAP_CHECKPOINT_RESTORE + 1);
static_assert(CAP_SYS_ADMIN == 21 && CAP_BPF == 39);

}  // namespace

std::optional<int> capability_index(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string capability_name(int number) {
  if (number >= 0 && static_cast<size_t>(number) < kNames.size()) {
    return std::string(kNames[static_cast<size_t>(number)]);
  }
  return "CAP_" + std::to_string(number);  // newer than this build (cap_to_name does the same)
}

int kernel_capability_count() {
  // libcap probes the running kernel with PR_CAPBSET_READ once at load time; unlike
  // /proc/sys/kernel/cap_last_cap this works after pivot_root without /proc.
  const cap_value_t bits = cap_max_bits();
  return bits > 0 ? static_cast<int>(bits) : static_cast<int>(kNames.size());
}

std::optional<int> capability_number(std::string_view name) {
  std::optional<int> index = capability_index(name);
  if (!index || *index >= kernel_capability_count()) return std::nullopt;
  return index;
}

std::vector<std::string> known_capabilities() { return {kNames.begin(), kNames.end()}; }

}  // namespace cruntime::security
