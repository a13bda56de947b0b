// String helpers: split/join/trim, strict integer parsing, size suffixes ("64m").
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cruntime::strings {

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with_ci(std::string_view s, std::string_view prefix);
std::string to_upper(std::string_view s);

// One JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped;
// bytes >= 0x80 pass through. Shared by the logger, validation messages and hand-built JSON.
std::string json_quote(std::string_view text);

// Strict: the whole string, base 10, in range for T; no sign for unsigned T, no spaces.
template <class T>
  requires std::is_integral_v<T>
std::optional<T> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (std::is_unsigned_v<T> && s.front() == '-') return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  T value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// "512", "64k", "64KiB", "1.5g" style sizes are not all runc's; we accept an integer with an
// optional b/k/m/g/t suffix (1024-based, case-insensitive, optional trailing "b"/"ib").
std::optional<int64_t> parse_size(std::string_view s);

}  // namespace cruntime::strings
