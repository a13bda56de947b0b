// The host's seccomp support: libseccomp's version and API level, the kernel's
// actions.
#include "cruntime/security/seccomp_host.hpp"

#include <fmt/format.h>
#include <seccomp.h>

#include "cruntime/base/fs.hpp"

namespace cruntime::security {

std::string libseccomp_version() {
  const scmp_version* version = seccomp_version();
  if (version == nullptr) return "0.0.0";
  return fmt::format("{}.{}.{}", version->major, version->minor, version->micro);
}

unsigned libseccomp_api_level() { return seccomp_api_get(); }

std::vector<std::string> parse_actions_avail(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) ++i;
    size_t end = i;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t') ++end;
    if (end > i) out.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<std::vector<std::string>> kernel_seccomp_actions() {
  auto text = fs::read_file(kSeccompActionsAvail, 4096);
  if (!text) return std::nullopt;
  return parse_actions_avail(*text);
}

}  // namespace cruntime::security
