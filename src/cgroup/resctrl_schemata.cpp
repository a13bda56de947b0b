// resctrl schemata: the lines a config asks for, and whether an existing group
// already has them.
#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/resctrl.hpp"

namespace cruntime::cgroup {
namespace {

// How a resource writes its values (Documentation/filesystems/resctrl.rst
// "Schemata files").
enum class ValueKind { kBitmask, kDecimal };

std::optional<ValueKind> value_kind(std::string_view resource) {
  if (resource == "L3" || resource == "L3CODE" || resource == "L3DATA" || resource == "L2" ||
      resource == "L2CODE" || resource == "L2DATA") {
    return ValueKind::kBitmask;
  }
  if (resource == "MB" || resource == "SMBA") return ValueKind::kDecimal;
  return std::nullopt;
}

struct SchemaLine {
  std::string resource;
  std::map<std::string, std::string> values;  // domain id → normalized value
};

// "ff" and "0ff" are one bitmask; "020" and "20" one percentage.
Result<std::string> normalize(ValueKind kind, std::string_view value) {
  const int base = kind == ValueKind::kBitmask ? 16 : 10;
  uint64_t number = 0;
  if (value.empty()) return fail_msg("empty value");
  for (char c : value) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0 || number > (UINT64_MAX - static_cast<uint64_t>(digit)) / base) {
      return fail_msg("\"{}\" is not a {} number", value, base == 16 ? "hexadecimal" : "decimal");
    }
    number = number * base + static_cast<uint64_t>(digit);
  }
  return base == 16 ? fmt::format("{:x}", number) : std::to_string(number);
}

// "  L3:0=7f0;1=1f" → {L3, {0: 7f0, 1: 1f}}; nullopt for a resource we cannot
// compare.
Result<std::optional<SchemaLine>> parse_line(std::string_view raw) {
  const std::string_view line = strings::trim(raw);
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail_msg("\"{}\" has no \"<resource>:\"", line);
  SchemaLine out;
  out.resource = std::string(strings::trim(line.substr(0, colon)));
  const std::optional<ValueKind> kind = value_kind(out.resource);
  if (!kind) return std::optional<SchemaLine>();
  for (const std::string& token : strings::split(line.substr(colon + 1), ';')) {
    if (strings::trim(token).empty()) continue;
    const size_t eq = token.find('=');
    if (eq == std::string::npos)
      return fail_msg("\"{}\": \"{}\" is not <domain>=<value>", line, token);
    const std::string domain(strings::trim(std::string_view(token).substr(0, eq)));
    const std::string_view value = strings::trim(std::string_view(token).substr(eq + 1));
    out.values[domain] = CR_TRY_CTX(normalize(*kind, value), "\"{}\"", line);
  }
  return std::optional<SchemaLine>(std::move(out));
}

}  // namespace

std::vector<std::string> resctrl_schemata_lines(const spec::IntelRdt& rdt) {
  std::vector<std::string> out;
  if (rdt.l3_cache_schema && !rdt.l3_cache_schema->empty()) out.push_back(*rdt.l3_cache_schema);
  if (rdt.mem_bw_schema && !rdt.mem_bw_schema->empty()) out.push_back(*rdt.mem_bw_schema);
  if (rdt.schemata) {
    for (const std::string& line : *rdt.schemata) {
      if (!line.empty()) out.push_back(line);
    }
  }
  return out;
}

Result<void> check_schemata_match(std::string_view existing,
                                  const std::vector<std::string>& wanted) {
  std::map<std::string, SchemaLine> have;
  for (const std::string& line : strings::split(existing, '\n')) {
    if (strings::trim(line).empty()) continue;
    std::optional<SchemaLine> parsed = CR_TRY_CTX(parse_line(line), "the group's schemata");
    if (parsed) have[parsed->resource] = std::move(*parsed);
  }
  for (const std::string& line : wanted) {
    std::optional<SchemaLine> want = CR_TRY(parse_line(line));
    if (!want) {
      return fail_msg(
          "\"{}\": cruntime cannot compare this resource with the "
          "existing group's "
          "schemata (it compares L2, L3, their CODE/DATA variants, "
          "MB and SMBA)",
          line);
    }
    auto it = have.find(want->resource);
    if (it == have.end()) {
      return fail_msg("\"{}\": the existing group's schemata has no {} line", line, want->resource);
    }
    for (const auto& [domain, value] : want->values) {
      auto found = it->second.values.find(domain);
      if (found == it->second.values.end() || found->second != value) {
        return fail_msg("\"{}\": the existing group has {} domain {} = {}", line, want->resource,
                        domain, found == it->second.values.end() ? "(none)" : found->second);
      }
    }
  }
  return {};
}

}  // namespace cruntime::cgroup
