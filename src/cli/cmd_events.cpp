// `cruntime events [--interval DUR] [--stats] <id>` (cli-contract §7.10).
#include <cstdlib>
#include <cstdlib>

#include "commands.hpp"

namespace cruntime::cli {

Result<std::chrono::nanoseconds> parse_go_duration(std::string_view text) {
  // Go's time.ParseDuration: a sequence of decimal numbers with units ns us µs ms s m h; "0".
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return fail_msg("invalid duration \"\"");
  const std::string original(text);
  double total_ns = 0;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return fail_msg("invalid duration \"{}\"", original);
  while (!text.empty()) {
    size_t digits = 0;
    while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) ++digits;
    if (digits == 0) return fail_msg("invalid duration \"{}\"", original);
    const std::string number(text.substr(0, digits));
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return fail_msg("invalid duration \"{}\"", original);
    text.remove_prefix(digits);
    size_t unit_len = 0;
    while (unit_len < text.size() && !std::isdigit(static_cast<unsigned char>(text[unit_len])) && text[unit_len] != '.') ++unit_len;
    const std::string_view unit = text.substr(0, unit_len);
    text.remove_prefix(unit_len);
    double scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else if (unit.empty()) return fail_msg("missing unit in duration \"{}\"", original);
    else return fail_msg("unknown unit \"{}\" in duration \"{}\"", unit, original);
    total_ns += value * scale;
  }
  if (total_ns > 9.2e18) return fail_msg("invalid duration \"{}\"", original);
  // Rounded half up by hand (total_ns >= 0; x - trunc(x) is exact): std::llround was the only
  // libm function left in the binary, and libm.so costs every command a DSO (base/float_math.hpp).
  auto ns = static_cast<int64_t>(total_ns);
  if (total_ns - static_cast<double>(ns) >= 0.5) ++ns;
  return std::chrono::nanoseconds(negative ? -ns : ns);
}

Result<int> run_events(const Invocation& invocation) {
  container::EventsOptions options;
  options.stats_only = invocation.args.flag("stats");
  const std::string interval = invocation.args.value("interval", "5s");
  const auto duration = CR_TRY_CTX(parse_go_duration(interval), "--interval");
  if (duration.count() <= 0) return fail_msg("--interval: duration must be greater than 0");
  options.interval = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(duration),
                              std::chrono::milliseconds(1));
  CR_TRY(container::events(invocation.global, invocation.args.positionals.front(), options,
                           [](const std::string& line) { return print_stdout(line + "\n"); }));
  return 0;
}

}  // namespace cruntime::cli
