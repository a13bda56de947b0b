// Parsing /etc/subuid and /etc/subgid lines for one user.
#include "cruntime/process/subid.hpp"

#include <string>

#include "cruntime/base/strings.hpp"

namespace cruntime::process {

std::vector<SubIdRange> parse_subid_ranges(std::string_view text, std::string_view user,
                                           uid_t uid) {
  const std::string uid_text = std::to_string(uid);
  std::vector<SubIdRange> out;
  for (const std::string& raw : strings::split(text, '\n')) {
    const std::string_view line = strings::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string> fields = strings::split(line, ':');
    if (fields.size() != 3) continue;
    const bool mine = fields[0] == uid_text || (!user.empty() && fields[0] == user);
    if (!mine) continue;
    const auto start = strings::parse_int<uint64_t>(fields[1]);
    const auto count = strings::parse_int<uint64_t>(fields[2]);
    if (!start || !count || *count == 0) continue;
    out.push_back({*start, *count});
  }
  return out;
}

}  // namespace cruntime::process
