// Error construction, context chaining and formatting.
#include "cruntime/base/error.hpp"

#include <cstring>

namespace cruntime {

Error Error::sys(int err, std::string what) {
  Error e;
  e.code_ = err;
  e.frames_.push_back(std::move(what));
  return e;
}

Error Error::msg(std::string what) {
  Error e;
  e.frames_.push_back(std::move(what));
  return e;
}

Error Error::with_context(std::string outer) && {
  frames_.push_back(std::move(outer));
  return std::move(*this);
}

Error& Error::add_context(std::string outer) {
  frames_.push_back(std::move(outer));
  return *this;
}

std::string Error::to_string() const {
  std::string out;
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    if (it->empty()) continue;
    if (!out.empty()) out += ": ";
    out += *it;
  }
  if (code_ != 0) {
    if (!out.empty()) out += ": ";
    const char* name = strerrorname_np(code_);
    out += fmt::format("{} ({})", std::strerror(code_), name != nullptr ? name : "?");
  }
  return out;
}

std::string Error::to_wire() const {
  std::string out = std::to_string(code_);
  for (const auto& frame : frames_) {
    out += '\n';
    for (char c : frame) out += (c == '\n' ? ' ' : c);
  }
  return out;
}

Error Error::from_wire(std::string_view wire) {
  Error e;
  size_t pos = wire.find('\n');
  std::string_view code = wire.substr(0, pos);
  int value = 0;
  for (char c : code) {
    if (c < '0' || c > '9') break;
    value = value * 10 + (c - '0');
    if (value > 4095) break;
  }
  e.code_ = value;
  while (pos != std::string_view::npos) {
    size_t next = wire.find('\n', pos + 1);
    e.frames_.emplace_back(wire.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1));
    pos = next;
  }
  return e;
}

}  // namespace cruntime
