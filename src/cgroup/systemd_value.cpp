// BusValue and the GVariant text parser for org.systemd.property.* annotations (runc's syntax).
#include "cruntime/cgroup/systemd_value.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "cruntime/base/strings.hpp"

namespace cruntime::cgroup {
namespace {

// The type keywords of the GVariant text format (and godbus) → their D-Bus type code.
const std::map<std::string_view, char>& type_keywords() {
  static const std::map<std::string_view, char> kKeywords{
      {"boolean", 'b'}, {"byte", 'y'},   {"int16", 'n'},      {"uint16", 'q'},
      {"int32", 'i'},   {"uint32", 'u'}, {"int64", 'x'},      {"uint64", 't'},
      {"double", 'd'},  {"string", 's'}, {"objectpath", 'o'}, {"signature", 'g'}};
  return kKeywords;
}

bool basic_type(char c) {
  return std::string_view("bynqiuxtdsog").find(c) != std::string_view::npos && c != '\0';
}
bool string_type(char c) { return c == 's' || c == 'o' || c == 'g'; }
bool number_type(char c) { return std::string_view("ynqiuxtd").find(c) != std::string_view::npos; }

// One scalar as written, before its type is settled (an array's elements share one type).
struct Scalar {
  enum class Kind { kBool, kNumber, kString } kind = Kind::kNumber;
  std::string text;  // the number literal, or the decoded string
  char type = '\0';  // from an annotation; '\0' when untyped
};

// The type an untyped scalar gets (GVariant: integers are int32, decimals double).
char default_type(const Scalar& s) {
  if (s.kind == Scalar::Kind::kBool) return 'b';
  if (s.kind == Scalar::Kind::kString) return 's';
  const bool hex = s.text.find("0x") != std::string::npos || s.text.find("0X") != std::string::npos;
  return !hex && s.text.find_first_of(".eE") != std::string::npos ? 'd' : 'i';
}

template <class T>
Result<BusValue::Basic> in_range(bool negative, uint64_t magnitude, std::string_view text) {
  using Limits = std::numeric_limits<T>;
  if (negative) {
    // -magnitude >= min, computed without overflowing int64.
    if (!Limits::is_signed || magnitude > static_cast<uint64_t>(Limits::max()) + 1) {
      return fail_msg("{} is out of range", text);
    }
    return BusValue::Basic(static_cast<T>(-static_cast<int64_t>(magnitude - 1) - 1));
  }
  if (magnitude > static_cast<uint64_t>(Limits::max())) return fail_msg("{} is out of range", text);
  return BusValue::Basic(static_cast<T>(magnitude));
}

Result<BusValue::Basic> to_number(std::string_view text, char type) {
  if (type == 'd') {
    // strtod, not std::from_chars<double>: libstdc++'s floating from_chars is the one piece of
    // the static C++ runtime that needs libm (fesetround) and it brings std::pmr along; strtod
    // is libc's. What strtod takes beyond from_chars is refused first: leading blanks or '+',
    // hex floats. The process never calls setlocale, so the decimal point is '.'.
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front())) != 0 ||
        text.front() == '+' || text.find_first_of("xX") != std::string_view::npos) {
      return fail_msg("\"{}\" is not a number", text);
    }
    const std::string copy(text);
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(copy.c_str(), &end);
    if (errno != 0 || end != copy.c_str() + copy.size()) {
      return fail_msg("\"{}\" is not a number", text);
    }
    return BusValue::Basic(value);
  }
  std::string_view digits = text;
  const bool negative = digits.starts_with('-');
  if (negative || digits.starts_with('+')) digits.remove_prefix(1);
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && digits.starts_with('0')) {
    base = 8;
    digits.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || ec == std::errc::result_out_of_range) {
    return fail_msg("\"{}\" is not an integer in range", text);
  }
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return fail_msg("\"{}\" is not an integer", text);
  }
  switch (type) {
    case 'y':
      return in_range<uint8_t>(negative, magnitude, text);
    case 'n':
      return in_range<int16_t>(negative, magnitude, text);
    case 'q':
      return in_range<uint16_t>(negative, magnitude, text);
    case 'i':
      return in_range<int32_t>(negative, magnitude, text);
    case 'u':
      return in_range<uint32_t>(negative, magnitude, text);
    case 'x':
      return in_range<int64_t>(negative, magnitude, text);
    default:
      return in_range<uint64_t>(negative, magnitude, text);
  }
}

// A scalar as a value of `type`.
Result<BusValue::Basic> convert(const Scalar& s, char type) {
  switch (s.kind) {
    case Scalar::Kind::kBool:
      if (type != 'b') return fail_msg("{} is not of type '{}'", s.text, type);
      return BusValue::Basic(s.text == "true");
    case Scalar::Kind::kString:
      if (!string_type(type)) return fail_msg("a string is not of type '{}'", type);
      return BusValue::Basic(s.text);
    case Scalar::Kind::kNumber:
      if (!number_type(type)) return fail_msg("{} is not of type '{}'", s.text, type);
      return to_number(s.text, type);
  }
  return fail_msg("unknown value");
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The C escapes GVariant strings take (\a \b \f \n \r \t); any other escaped character stands
// for itself (\\, \', \").
char unescape(char c) {
  constexpr std::string_view kFrom = "abfnrt";
  constexpr std::string_view kTo = "\a\b\f\n\r\t";
  const size_t at = kFrom.find(c);
  return at == std::string_view::npos ? c : kTo[at];
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<BusValue> parse() {
    const std::string signature = CR_TRY(annotation());
    skip_space();
    BusValue out = peek() == '[' ? CR_TRY(array(signature)) : CR_TRY(single(signature));
    skip_space();
    if (pos_ != text_.size()) return fail_msg("unexpected \"{}\"", text_.substr(pos_));
    return out;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  std::string_view word() {
    const size_t start = pos_;
    while (pos_ < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // "@t", "@as" or a keyword ("uint64"): the type the value must have; "" when there is none.
  Result<std::string> annotation() {
    skip_space();
    if (peek() == '@') {
      ++pos_;
      const std::string signature(word());
      const bool ok = (signature.size() == 1 && basic_type(signature[0])) ||
                      (signature.size() == 2 && signature[0] == 'a' && basic_type(signature[1]));
      if (!ok) return fail_msg("unsupported type \"@{}\"", signature);
      return signature;
    }
    if (!std::isalpha(static_cast<unsigned char>(peek()))) return std::string();
    const size_t start = pos_;
    const std::string_view name = word();
    if (auto it = type_keywords().find(name); it != type_keywords().end()) {
      return std::string(1, it->second);
    }
    pos_ = start;  // true, false, or something scalar() refuses
    return std::string();
  }

  Result<std::string> quoted() {
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      c = text_[pos_++];
      const size_t hex_digits = c == 'u' ? 4 : c == 'U' ? 8 : 0;
      if (hex_digits != 0) {
        uint32_t cp = 0;
        const std::string_view hex = text_.substr(pos_, hex_digits);
        auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
        if (hex.size() != hex_digits || ec != std::errc() || end != hex.data() + hex.size()) {
          return fail_msg("bad \\{} escape", c);
        }
        append_utf8(out, cp);
        pos_ += hex_digits;
        continue;
      }
      if (c == '\n') continue;  // a line continuation
      out += unescape(c);
    }
    if (pos_ >= text_.size()) return fail_msg("unterminated string");
    ++pos_;
    return out;
  }

  // One scalar, with the annotation already read (`type`, or '\0').
  Result<Scalar> scalar(char type) {
    skip_space();
    Scalar s;
    s.type = type;
    const char c = peek();
    if (c == '\'' || c == '"') {
      s.kind = Scalar::Kind::kString;
      s.text = CR_TRY(quoted());
      return s;
    }
    if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
      const size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
              std::string_view("+-.").find(text_[pos_]) != std::string_view::npos)) {
        ++pos_;
      }
      s.text = std::string(text_.substr(start, pos_ - start));
      return s;
    }
    const std::string_view name = word();
    if (name == "true" || name == "false") {
      s.kind = Scalar::Kind::kBool;
      s.text = std::string(name);
      return s;
    }
    if (name.empty()) {
      if (c == '\0') return fail_msg("a value is missing");
      return fail_msg("unsupported syntax at \"{}\" (only basic values and arrays of them)",
                      text_.substr(pos_));
    }
    return fail_msg("unknown word \"{}\" (strings are quoted)", name);
  }

  Result<BusValue> single(const std::string& signature) {
    if (signature.size() == 2) return fail_msg("type @{} needs an array value", signature);
    const Scalar s = CR_TRY(scalar(signature.empty() ? '\0' : signature[0]));
    const char type = s.type != '\0' ? s.type : default_type(s);
    return BusValue{std::string(1, type), {CR_TRY(convert(s, type))}};
  }

  Result<BusValue> array(const std::string& signature) {
    if (signature.size() == 1) return fail_msg("type @{} does not take an array", signature);
    ++pos_;  // '['
    std::vector<Scalar> elements;
    skip_space();
    while (peek() != ']') {
      const std::string element_type = CR_TRY(annotation());
      if (element_type.size() > 1 || peek() == '[')
        return fail_msg("nested arrays are not supported");
      elements.push_back(CR_TRY(scalar(element_type.empty() ? '\0' : element_type[0])));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
        continue;
      }
      if (peek() != ']') return fail_msg("expected ',' or ']' in an array");
    }
    ++pos_;  // ']'
    char type = signature.empty() ? '\0' : signature[1];
    for (const Scalar& s : elements) {  // the first explicit type, else the inferred one
      if (type == '\0' && s.type != '\0') type = s.type;
    }
    for (const Scalar& s : elements) {
      if (type == '\0' || (type == 'i' && default_type(s) == 'd')) type = default_type(s);
    }
    if (type == '\0') return fail_msg("the type of an empty array is unknown (write \"@as []\")");
    BusValue out{std::string("a") + type, {}};
    for (const Scalar& s : elements) {
      if (s.type != '\0' && s.type != type) return fail_msg("array elements of different types");
      out.items.push_back(CR_TRY(convert(s, type)));
    }
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string basic_text(const BusValue::Basic& item) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          return strings::json_quote(v);
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, uint8_t>)
          return std::to_string(static_cast<unsigned>(v));
        else
          return fmt::format("{}", v);
      },
      item);
}

}  // namespace

BusValue BusValue::bytes(const std::vector<uint8_t>& value) {
  BusValue out{"ay", {}};
  for (uint8_t b : value) out.items.emplace_back(b);
  return out;
}

BusValue BusValue::u32s(const std::vector<uint32_t>& value) {
  BusValue out{"au", {}};
  for (uint32_t v : value) out.items.emplace_back(v);
  return out;
}

std::string BusValue::to_string() const {
  std::vector<std::string> parts;
  for (const Basic& item : items) parts.push_back(basic_text(item));
  if (!is_array()) return signature + " " + (parts.empty() ? "" : parts[0]);
  return signature + " [" + strings::join(parts, ", ") + "]";
}

Result<BusValue> parse_gvariant(std::string_view text) { return Parser(text).parse(); }

}  // namespace cruntime::cgroup
