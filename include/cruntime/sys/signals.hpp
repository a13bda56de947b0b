// Signal names ⇄ numbers, as `kill` accepts them: "KILL", "SIGKILL", "kill", "9", "RTMIN+3".
#pragma once

#include <optional>
#include <string_view>

namespace cruntime::sys {

// nullopt for unknown names and out-of-range numbers (valid: 1..SIGRTMAX).
std::optional<int> parse_signal(std::string_view text);
// "SIGKILL"; "SIGRTMIN+3"; empty for unknown numbers.
std::string_view signal_name(int signo);

}  // namespace cruntime::sys
