// Unit tests for parse_subid_ranges: the /etc/subuid and /etc/subgid lines of
// one user.
#include "cruntime/process/subid.hpp"

#include <catch2/catch.hpp>

using cruntime::process::parse_subid_ranges;
using cruntime::process::SubIdRange;
using Ranges = std::vector<SubIdRange>;

TEST_CASE("parse_subid_ranges: the user's lines in file order, by name or by uid", "[process]") {
  const std::string text =
      "alice:100000:65536\n"
      "bob:165536:65536\n"
      "1000:231072:1000\n"
      "alice:300000:10\n";
  CHECK(parse_subid_ranges(text, "alice", 1000) ==
        Ranges{{100000, 65536}, {231072, 1000}, {300000, 10}});
  CHECK(parse_subid_ranges(text, "bob", 1001) == Ranges{{165536, 65536}});
  CHECK(parse_subid_ranges(text, "carol", 1002).empty());
}

TEST_CASE(
    "parse_subid_ranges: comments, blanks, malformed lines and zero "
    "counts are skipped",
    "[process]") {
  const std::string text =
      "# alice:1:2\n"
      "\n"
      "  alice:500:5  \n"
      "alice:600\n"
      "alice:x:5\n"
      "alice:700:0\n"
      "alice:-1:5\n"
      "alice:800:5:extra\n"
      "alicex:900:5\n"
      "alice:18446744073709551615:1";
  CHECK(parse_subid_ranges(text, "alice", 4242) == Ranges{{500, 5}, {18446744073709551615ULL, 1}});
}

TEST_CASE("parse_subid_ranges: an empty user name matches only the uid", "[process]") {
  CHECK(parse_subid_ranges(":1:2\n7:10:20\n", "", 7) == Ranges{{10, 20}});
}
