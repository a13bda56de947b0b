// Pure mappings from linux.seccomp strings (spec/seccomp_names.hpp) to libseccomp values: actions,
// architectures, comparison operators and filter flags (config-linux.md "Seccomp", §12.3).
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::security {

// "SCMP_ACT_ERRNO" with errnoRet 99 → SCMP_ACT_ERRNO(99). ERRNO and TRACE default to EPERM (as
// runc); errnoRet with any other action, or above 65535 (the kernel's 16 data bits), is an error.
Result<uint32_t> seccomp_action(std::string_view name, std::optional<uint32_t> errno_ret);
// "SCMP_ARCH_X86_64" → SCMP_ARCH_X86_64. Unknown names and names the libseccomp this build
// was compiled against lacks are errors.
Result<uint32_t> seccomp_arch(std::string_view name);
// "SCMP_CMP_MASKED_EQ" → SCMP_CMP_MASKED_EQ.
Result<scmp_compare> seccomp_operator(std::string_view name);
// "SECCOMP_FILTER_FLAG_LOG" → SCMP_FLTATR_CTL_LOG (set to 1 to enable). Unknown flags and
// flags this libseccomp cannot express are errors.
Result<scmp_filter_attr> seccomp_flag_attribute(std::string_view name);

// The names this build accepts (for `features`). Architectures and flags are the ones the
// libseccomp headers support; whether the running kernel does is only known at load time.
std::vector<std::string> known_seccomp_actions();
std::vector<std::string> known_seccomp_operators();
std::vector<std::string> known_seccomp_architectures();
std::vector<std::string> known_seccomp_flags();

}  // namespace cruntime::security
