// What the host offers for seccomp: the libseccomp the runtime runs with, and
// the filter actions the kernel accepts (`features`, `cruntime check`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cruntime::security {

// The kernel's list of accepted filter actions (seccomp(2), Linux 4.14).
inline constexpr const char* kSeccompActionsAvail = "/proc/sys/kernel/seccomp/actions_avail";

// The shared library's version ("2.5.4"), not the headers'.
std::string libseccomp_version();
// seccomp_api_get(3): 5 and up can hand out a notify fd (SCMP_ACT_NOTIFY).
unsigned libseccomp_api_level();

// Pure. The names in actions_avail: "kill_process kill_thread trap errno
// user_notif trace log allow\n" → one entry each, in order.
std::vector<std::string> parse_actions_avail(std::string_view text);

// The host's list; nullopt when the file is missing (a kernel without seccomp
// filters, or older than 4.14) or unreadable.
std::optional<std::vector<std::string>> kernel_seccomp_actions();

}  // namespace cruntime::security
