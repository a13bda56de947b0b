// Private to spec/src: JSON paths, scalar readers with range checks, bounded parsing and safe dumping.
#include "json_detail.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cruntime/spec/io.hpp"

namespace cruntime::spec {
namespace {

bool is_identifier(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

void append_key(std::string& out, std::string_view key) {
  if (is_identifier(key)) {
    if (!out.empty()) out += '.';
    out += key;
    return;
  }
  out += '[';
  out += Json(std::string(key)).dump(-1, ' ', false, Json::error_handler_t::replace);
  out += ']';
}

// A number as JSON would print it, for messages ("1.5", "-3").
std::string number_text(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A whole-valued float beyond the 64-bit range is an integer nlohmann could not store as one.
// Every double of magnitude 2^53 or more is whole, so no trunc() test is needed (and none is
// made: std::trunc is a libm call at -Os).
bool is_huge_integer(double v) { return std::isfinite(v) && std::fabs(v) >= 9.2e18; }

// `"text"` with JSON escapes ("a\u0000b"), cut to a bounded length: the message may end up in a
// log line, and the text is the caller's.
std::string quote_cut(std::string_view text) {
  constexpr size_t kMaxQuoted = 200;
  std::string out = Json(std::string(text.substr(0, kMaxQuoted)))
                        .dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > kMaxQuoted) out += "...";
  return out;
}

Unexpected<Error> range_error(const Node& node, std::string_view value, std::string_view range) {
  return fail(node.error(fmt::format("{} is out of range ({})", value, range)));
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Depth check before the DOM is built, so `[[[[...` of any length costs one linear scan.
Result<void> check_depth(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '\n') {
      ++line;
      line_start = i + 1;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return fail_msg("invalid JSON at line {}, column {}: nesting deeper than {} levels", line,
                        i - line_start + 1, kMaxJsonDepth);
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return {};
}

// Builds the DOM from the parser's events (nlohmann's SAX interface) instead of letting
// Json::parse throw: project code is compiled without exceptions (style rule 12; the binary
// is 11% smaller without landing pads, bench/PROFILE.md §9). A syntax error arrives as
// parse_error() with the text nlohmann's exception would carry; a duplicate key stops the parse.
//
// Duplicate keys: RFC 8259 leaves their meaning open and parsers differ: Go's encoding/json
// (runc, and Go tools that check a config before it runs) takes the last value but merges two
// objects, nlohmann keeps only the last one. So {"process": {"user": {"uid": 1000, ...}},
// "process": {"args": [...]}} would run as uid 1000 under runc and as root here; refusing
// duplicates removes any such difference.
class DomBuilder {
 public:
  explicit DomBuilder(Json& root) : root_(root) {}

  bool null() { return add(Json(nullptr)); }
  bool boolean(bool value) { return add(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return add(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return add(Json(value)); }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) {
    return add(Json(value));
  }
  bool string(Json::string_t& value) { return add(Json(std::move(value))); }
  // Part of the interface; JSON text has no binary values.
  bool binary(Json::binary_t& value) { return add(Json(std::move(value))); }

  bool start_object(std::size_t /*size*/) { return open(Json::object(), false); }
  bool start_array(std::size_t /*size*/) { return open(Json::array(), true); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(Json::string_t& key) {
    Frame& top = frames_.back();
    top.key = key;
    // The members read so far are in the object already: a second one of the name is a repeat.
    if (top.node->contains(key)) {
      error_ = fmt::format("{}: duplicate key (each key may appear once per object)", path());
      return false;
    }
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    error_ = json_error_text(error.what());
    return false;
  }

  // Why the parse stopped (empty if it did not).
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    Json* node;        // the open object or array; stable while it is open (only the innermost
                       // container grows, and its parent does not until it closes)
    bool array;
    size_t index = 0;  // elements added so far
    std::string key;   // the member being read
  };

  // The value where it belongs: the root, the next element, or the member of the last key.
  Json* place(Json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& top = frames_.back();
    if (top.array) {
      ++top.index;
      top.node->push_back(std::move(value));
      return &top.node->back();
    }
    Json& member = (*top.node)[top.key];
    member = std::move(value);
    return &member;
  }
  bool add(Json&& value) {
    place(std::move(value));
    return true;
  }
  bool open(Json&& container, bool array) {
    Json* node = place(std::move(container));
    frames_.push_back(Frame{.node = node, .array = array, .index = 0, .key = {}});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }

  std::string path() const {
    std::string out;
    for (const Frame& frame : frames_) {
      if (frame.array) {
        out += fmt::format("[{}]", frame.index - 1);
      } else {
        append_key(out, frame.key);
      }
    }
    return out;
  }

  Json& root_;
  std::vector<Frame> frames_;
  std::string error_;
};

}  // namespace

// nlohmann's "[json.exception.parse_error.101] parse error at line 3, column 5: <reason>" becomes
// "invalid JSON at line 3, column 5: <reason>", cut short (the "last read" part can be megabytes).
std::string json_error_text(std::string_view what) {
  constexpr size_t kMaxReason = 200;
  std::string_view rest = what;
  if (size_t at = what.find("at line "); at != std::string_view::npos) {
    rest = what.substr(at);
  } else if (size_t bracket = what.find("] "); bracket != std::string_view::npos) {
    rest = what.substr(bracket + 2);
  }
  std::string out = "invalid JSON ";
  if (rest.substr(0, 3) != "at ") out = "invalid JSON: ";
  // The "last read" snippet is raw input: keep the message printable ASCII (it may end up in
  // a JSON log line, and a cut may split a UTF-8 sequence).
  for (char c : rest.substr(0, kMaxReason)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (rest.size() > kMaxReason) out += "...";
  return out;
}

void Node::append_path(std::string& out) const {
  if (parent_ == nullptr) return;
  parent_->append_path(out);
  if (is_index_) {
    out += fmt::format("[{}]", index_);
  } else {
    append_key(out, key_);
  }
}

std::string Node::path() const {
  std::string out;
  append_path(out);
  return out.empty() ? std::string("top level") : out;
}

std::string Node::member_path(std::string_view key) const {
  std::string out;
  append_path(out);
  append_key(out, key);
  return out;
}

Unexpected<Error> type_error(const Node& node, std::string_view expected) {
  return fail(node.error(fmt::format("expected {}, got {}", expected, node.json().type_name())));
}

Result<void> read_json(const Node& node, bool& out) {
  if (!node.json().is_boolean()) return type_error(node, "boolean");
  out = node.json().get<bool>();
  return {};
}

Result<void> read_json(const Node& node, std::string& out) {
  if (!node.json().is_string()) return type_error(node, "string");
  const std::string& text = node.json().get_ref<const std::string&>();
  if (text.find('\0') != std::string::npos) {
    return fail(node.error("must not contain a NUL byte, got " + quote_cut(text)));
  }
  out = text;
  return {};
}

Result<void> check_key(const Node& node, std::string_view key) {
  if (key.find('\0') == std::string_view::npos) return {};
  return fail(node.error("member name must not contain a NUL byte, got " + quote_cut(key)));
}

Result<void> read_annotations(const Node& node, std::map<std::string, std::string>& out) {
  if (!node.json().is_object()) return type_error(node, "object");
  out.clear();
  for (const auto& [key, value] : node.json().items()) {
    if (!value.is_string()) return type_error(Node(value, node, key), "string");
    out.emplace(key, value.get<std::string>());
  }
  return {};
}

Result<int64_t> read_signed(const Node& node, int64_t min, int64_t max) {
  const Json& v = node.json();
  std::string range = fmt::format("{} to {}", min, max);
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (std::cmp_less(u, min) || std::cmp_greater(u, max)) return range_error(node, number_text(v), range);
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    if (i < min || i > max) return range_error(node, number_text(v), range);
    return i;
  }
  if (v.is_number_float() && is_huge_integer(v.get<double>())) {
    return range_error(node, number_text(v), range);
  }
  if (v.is_number_float()) return fail(node.error("expected integer, got " + number_text(v)));
  return type_error(node, "integer");
}

Result<uint64_t> read_unsigned(const Node& node, uint64_t max) {
  const Json& v = node.json();
  std::string range = fmt::format("0 to {}", max);
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > max) return range_error(node, number_text(v), range);
    return u;
  }
  if (v.is_number_integer()) return range_error(node, number_text(v), range);  // negative
  if (v.is_number_float() && is_huge_integer(v.get<double>())) {
    return range_error(node, number_text(v), range);
  }
  if (v.is_number_float()) return fail(node.error("expected integer, got " + number_text(v)));
  return type_error(node, "integer");
}

const Json* Fields::find(std::string_view key) const {
  auto it = node_->json().find(key);
  return it == node_->json().end() ? nullptr : &*it;
}

Result<void> Fields::opt_annotations(std::string_view key,
                                     std::optional<std::map<std::string, std::string>>& out) const {
  out.reset();
  const Json* value = find(key);
  if (value == nullptr || value->is_null()) return {};
  std::map<std::string, std::string> map;
  CR_TRY(read_annotations(Node(*value, *node_, key), map));
  out = std::move(map);
  return {};
}

Result<void> Fields::opt_annotations(std::string_view key,
                                     std::map<std::string, std::string>& out) const {
  const Json* value = find(key);
  if (value == nullptr || value->is_null()) return {};
  return read_annotations(Node(*value, *node_, key), out);
}

Result<void> Fields::int_in_range(std::string_view key, bool required, int& out, int min,
                                  int max) const {
  const Json* value = find(key);
  if (value == nullptr || (!required && value->is_null())) {
    if (required) return fail(Error::msg(node_->member_path(key) + ": missing required field"));
    return {};
  }
  out = static_cast<int>(CR_TRY(read_signed(Node(*value, *node_, key), min, max)));
  return {};
}

Result<Fields> fields(const Node& node) {
  if (!node.json().is_object()) return type_error(node, "object");
  return Fields(node);
}

Result<Json> parse_document(std::string_view text) {
  if (text.size() > kMaxConfigBytes) {
    return fail_msg("document is {} bytes, more than the limit of {}", text.size(), kMaxConfigBytes);
  }
  size_t first = 0;
  while (first < text.size() && is_json_space(text[first])) ++first;
  if (first == text.size()) return fail_msg("empty document");
  CR_TRY(check_depth(text));
  Json doc;
  DomBuilder builder(doc);
  if (!Json::sax_parse(text.begin(), text.end(), &builder)) {
    return fail(Error::msg(builder.error()));
  }
  return doc;
}

std::string dump_json(const OJson& json, int indent, char indent_char) {
  return json.dump(indent, indent_char, false, OJson::error_handler_t::replace);
}

}  // namespace cruntime::spec
