// Container id validation: ids become directory names under --root (security.md promise 9).
#include <string>

#include "cruntime/container/operations.hpp"

namespace cruntime::container {
namespace {

// runc has no length limit; 1024 bytes keeps `<root>/<id>/state.json` well inside PATH_MAX.
constexpr size_t kMaxIdBytes = 1024;

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '.' || c == '-';
}

// A hostile id may hold newlines or terminal escapes: echo it with those made visible.
std::string printable(std::string_view id) {
  std::string out;
  for (unsigned char c : id) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

}  // namespace

Result<void> validate_id(std::string_view id) {
  if (id.empty()) return fail_msg("container id cannot be empty");
  if (id.size() > kMaxIdBytes) {
    return fail_msg("invalid container ID format: {} bytes long, at most {} allowed", id.size(),
                    kMaxIdBytes);
  }
  bool charset_ok = true;
  for (char c : id) charset_ok = charset_ok && is_id_char(c);
  if (!charset_ok || id == "." || id == "..") {
    return fail_msg("invalid container ID format: \"{}\"", printable(id));
  }
  return {};
}

}  // namespace cruntime::container
