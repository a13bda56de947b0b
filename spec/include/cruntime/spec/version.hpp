// The runtime-spec versions cruntime implements, and SemVer 2.0 parsing/comparison for ociVersion.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace cruntime::spec {

inline constexpr std::string_view kOciVersionMin = "1.0.0";
// The runtime-spec version cruntime implements; written to state.json and hooks' state.
inline constexpr std::string_view kOciVersion = "1.3.0";

struct SemVer {
  unsigned long major = 0;
  unsigned long minor = 0;
  unsigned long patch = 0;
  std::string prerelease;  // "rc.1", empty for a release
  std::string build;       // "+dev" metadata without the '+', ignored in comparisons

  // SemVer precedence: release > its prereleases; build metadata ignored.
  std::strong_ordering operator<=>(const SemVer& other) const;
  bool operator==(const SemVer& other) const { return (*this <=> other) == 0; }
};

// Strict SemVer 2.0.0 (no leading zeros, no "v" prefix). nullopt when invalid.
std::optional<SemVer> parse_semver(std::string_view text);

// An ociVersion cruntime accepts: valid SemVer with major version 1.
bool is_supported_oci_version(std::string_view text);

}  // namespace cruntime::spec
