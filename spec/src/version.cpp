// SemVer 2.0.0 parsing and precedence for ociVersion checks.
#include "cruntime/spec/version.hpp"

#include <cctype>
#include <charconv>
#include <vector>

namespace cruntime::spec {
namespace {

bool parse_number(std::string_view s, unsigned long& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool valid_identifiers(std::string_view s, bool numeric_no_leading_zero) {
  if (s.empty()) return false;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    std::string_view id = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (id.empty()) return false;
    bool all_digits = true;
    for (char c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
      if (!std::isdigit(static_cast<unsigned char>(c))) all_digits = false;
    }
    if (numeric_no_leading_zero && all_digits && id.size() > 1 && id[0] == '0') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

std::strong_ordering compare_prerelease(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return b.empty() <=> a.empty();  // release sorts after prerelease
  auto xs = split_dots(a);
  auto ys = split_dots(b);
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    unsigned long x = 0;
    unsigned long y = 0;
    bool xn = parse_number(xs[i], x);
    bool yn = parse_number(ys[i], y);
    if (xn && yn && x != y) return x <=> y;
    if (xn != yn) return xn ? std::strong_ordering::less : std::strong_ordering::greater;
    if (!xn && xs[i] != ys[i]) return xs[i].compare(ys[i]) <=> 0;
  }
  return xs.size() <=> ys.size();
}

}  // namespace

std::strong_ordering SemVer::operator<=>(const SemVer& other) const {
  if (auto c = major <=> other.major; c != 0) return c;
  if (auto c = minor <=> other.minor; c != 0) return c;
  if (auto c = patch <=> other.patch; c != 0) return c;
  return compare_prerelease(prerelease, other.prerelease);
}

std::optional<SemVer> parse_semver(std::string_view text) {
  SemVer v;
  if (size_t plus = text.find('+'); plus != std::string_view::npos) {
    v.build = std::string(text.substr(plus + 1));
    if (!valid_identifiers(v.build, false)) return std::nullopt;
    text = text.substr(0, plus);
  }
  if (size_t dash = text.find('-'); dash != std::string_view::npos) {
    v.prerelease = std::string(text.substr(dash + 1));
    if (!valid_identifiers(v.prerelease, true)) return std::nullopt;
    text = text.substr(0, dash);
  }
  auto core = split_dots(text);
  if (core.size() != 3) return std::nullopt;
  if (!parse_number(core[0], v.major) || !parse_number(core[1], v.minor) ||
      !parse_number(core[2], v.patch)) {
    return std::nullopt;
  }
  return v;
}

bool is_supported_oci_version(std::string_view text) {
  auto v = parse_semver(text);
  return v.has_value() && v->major == 1;
}

}  // namespace cruntime::spec
