// Private to spec/src/validate*.cpp: the problem collector, JSON-path and quoting helpers, and the
// per-section checkers that validate() runs in document order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cruntime/spec/config.hpp"
#include "cruntime/spec/validate.hpp"

namespace cruntime::spec::detail {

// Collects problems in the order the checks find them.
class Problems {
 public:
  void add(std::string path, std::string message) {
    list_.push_back(Problem{std::move(path), std::move(message)});
  }
  std::vector<Problem> take() && { return std::move(list_); }

 private:
  std::vector<Problem> list_;
};

// `"text"` with JSON escapes (quote, backslash, control characters), for messages and paths.
std::string quote(std::string_view text);
// base + "[i]": "process.args" + 1 → "process.args[1]".
std::string at(std::string_view base, size_t index);
// base + member, spelled like the JSON layer does: ".key" for identifiers, `["a.b"]` otherwise.
std::string member(std::string_view base, std::string_view key);
// A number in C octal notation for modes and masks: 0755, 017777.
std::string octal(uint64_t value);

bool is_absolute(std::string_view path);
// True when one of the '/'-separated components of `path` is "..".
bool has_dotdot_component(std::string_view path);
// Adds `must be an absolute path, got "x"` when `path` is not absolute.
void require_absolute(Problems& out, const std::string& where, std::string_view path);
// True when `name` is one of the entries of a name table.
template <size_t N>
bool in_table(const std::array<std::string_view, N>& table, std::string_view name) {
  for (std::string_view entry : table) {
    if (entry == name) return true;
  }
  return false;
}
// "0-3,7": comma-separated numbers and ascending ranges; "" is accepted (means "unset").
bool is_valid_id_list(std::string_view list);

// linux.namespaces indexed by type: the index of the first entry of each known type.
class NamespaceIndex {
 public:
  explicit NamespaceIndex(const Config& config);
  bool has(NamespaceType type) const { return entry(type) != nullptr; }
  // nullptr when the type is not listed.
  const Namespace* entry(NamespaceType type) const;
  size_t position(NamespaceType type) const { return slot(type).value_or(0); }
  // Listed without a path: the runtime creates it.
  bool creates(NamespaceType type) const;

 private:
  const std::optional<size_t>& slot(NamespaceType type) const {
    return index_[static_cast<size_t>(type)];
  }
  const std::vector<Namespace>* list_ = nullptr;
  std::array<std::optional<size_t>, 8> index_{};
};

// (uid_t)-1 / (gid_t)-1: "no change" to the set*id and chown calls, never a real id.
inline constexpr uint32_t kUnchangedId = UINT32_MAX;

// One check per config section; each appends to `out` in document order.
void check_mounts(const Config& config, const NamespaceIndex& ns, Problems& out);
void check_id_mappings(const std::vector<IdMapping>& mappings, const std::string& where,
                       Problems& out);
void check_process(const Process& process, Problems& out);
void check_env(const std::vector<std::string>& env, const std::string& where, Problems& out);
void check_linux(const Config& config, const NamespaceIndex& ns, Problems& out);
void check_sysctl(const Linux& linux_config, const NamespaceIndex& ns, Problems& out);
void check_resources(const LinuxResources& resources, Problems& out);
void check_seccomp(const Seccomp& seccomp, Problems& out);

// Warnings (things the spec says to ignore or only log), per section.
void warn_mounts(const Config& config, Problems& out);
void warn_process(const Process& process, Problems& out);

}  // namespace cruntime::spec::detail
