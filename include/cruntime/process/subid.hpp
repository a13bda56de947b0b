// The subordinate id ranges of /etc/subuid and /etc/subgid (subuid(5)) that
// newuidmap and newgidmap grant a user.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace cruntime::process {

struct SubIdRange {
  uint64_t start = 0;
  uint64_t count = 0;
  bool operator==(const SubIdRange&) const = default;
};

// Pure. The ranges of the lines "<user>:<start>:<count>" whose first field is
// `user` or the decimal `uid` (shadow accepts either), in file order. Empty
// lines, "#" comments, malformed lines and a zero count are skipped, as
// shadow's parser does.
std::vector<SubIdRange> parse_subid_ranges(std::string_view text, std::string_view user, uid_t uid);

}  // namespace cruntime::process
