// json_quote: one JSON string literal (RFC 8259 §7) without pulling nlohmann into the caller.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "cruntime/spec/io.hpp"

namespace cruntime::spec {

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // Other control characters need \u escapes; bytes >= 0x80 are UTF-8 and pass through
        // (config.json strings were UTF-8-checked by the parser).
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace cruntime::spec
