// The signal name table behind `kill`; names are case-insensitive, "SIG" optional.
#include "cruntime/sys/signals.hpp"

#include <csignal>
#include <string>

#include "cruntime/base/strings.hpp"

namespace cruntime::sys {
namespace {

struct SignalName {
  std::string_view name;  // without "SIG"
  int number;
};

constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},
    {"URG", SIGURG},       {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},     {"WINCH", SIGWINCH},   {"IO", SIGIO},       {"POLL", SIGPOLL},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

std::optional<int> parse_realtime(std::string_view upper) {
  // RTMIN, RTMIN+n, RTMAX, RTMAX-n
  auto offset = [](std::string_view rest, char sign) -> std::optional<int> {
    if (rest.empty()) return 0;
    if (rest[0] != sign) return std::nullopt;
    return strings::parse_int<int>(rest.substr(1));
  };
  if (upper.starts_with("RTMIN")) {
    auto n = offset(upper.substr(5), '+');
    if (!n || *n < 0 || SIGRTMIN + *n > SIGRTMAX) return std::nullopt;
    return SIGRTMIN + *n;
  }
  if (upper.starts_with("RTMAX")) {
    auto n = offset(upper.substr(5), '-');
    if (!n || *n < 0 || SIGRTMAX - *n < SIGRTMIN) return std::nullopt;
    return SIGRTMAX - *n;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> parse_signal(std::string_view text) {
  if (auto n = strings::parse_int<int>(text)) {
    // 0 sends nothing: kill(2)'s existence probe (`kill ID 0`, as runc accepts).
    if (*n >= 0 && *n <= SIGRTMAX) return *n;
    return std::nullopt;
  }
  std::string upper = strings::to_upper(text);
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const auto& entry : kSignals) {
    if (entry.name == name) return entry.number;
  }
  return parse_realtime(name);
}

std::string_view signal_name(int signo) {
  static thread_local std::string realtime;
  for (const auto& entry : kSignals) {
    if (entry.number == signo) {
      realtime = "SIG" + std::string(entry.name);
      return realtime;
    }
  }
  if (signo >= SIGRTMIN && signo <= SIGRTMAX) {
    realtime = "SIGRTMIN+" + std::to_string(signo - SIGRTMIN);
    return realtime;
  }
  return {};
}

}  // namespace cruntime::sys
