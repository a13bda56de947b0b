// Private to spec/src: path-tracking typed readers over nlohmann::json and the JSON writers' declarations.
// Readers never throw and never use nlohmann's implicit conversions: every type and integer range is
// checked here, so an error names the exact JSON path ("process.args[1]: expected string, got number").
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"
#include "cruntime/spec/features.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::spec {

using Json = nlohmann::json;          // parsed input (DOM)
using OJson = nlohmann::ordered_json;  // output: keys in the order the Go structs (runc) use

// One JSON value plus where it sits in the document. Children point at their parent, so the
// path text is only built when an error is reported.
class Node {
 public:
  explicit Node(const Json& value) : value_(&value) {}
  Node(const Json& value, const Node& parent, std::string_view key)
      : value_(&value), parent_(&parent), key_(key) {}
  Node(const Json& value, const Node& parent, size_t index)
      : value_(&value), parent_(&parent), index_(index), is_index_(true) {}

  const Json& json() const { return *value_; }
  // "process.args[1]", `linux.sysctl["net.ipv4.ip_forward"]`; "top level" for the root.
  std::string path() const;
  // The path of a member that is not there (for "missing required field").
  std::string member_path(std::string_view key) const;
  Error error(std::string_view what) const { return Error::msg(path() + ": " + std::string(what)); }

 private:
  void append_path(std::string& out) const;

  const Json* value_;
  const Node* parent_ = nullptr;
  std::string_view key_;
  size_t index_ = 0;
  bool is_index_ = false;
};

// Fails with "<path>: expected <what>, got <json type>".
Unexpected<Error> type_error(const Node& node, std::string_view expected);

Result<void> read_json(const Node& node, bool& out);
// Refuses NUL bytes: every string of a config reaches the kernel as a C string somewhere (paths,
// names, file contents), where a NUL would silently cut it short ("rootfs\u0000x" -> "rootfs").
Result<void> read_json(const Node& node, std::string& out);
// Annotations are opaque data that only travels as JSON (state, hooks' stdin), never as a C
// string, so NUL bytes stay allowed there, as runc keeps them.
Result<void> read_annotations(const Node& node, std::map<std::string, std::string>& out);
Result<int64_t> read_signed(const Node& node, int64_t min, int64_t max);
Result<uint64_t> read_unsigned(const Node& node, uint64_t max);

template <std::integral T>
  requires(!std::same_as<T, bool>)
Result<void> read_json(const Node& node, T& out) {
  if constexpr (std::is_signed_v<T>) {
    int64_t v = CR_TRY(read_signed(node, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
    out = static_cast<T>(v);
  } else {
    uint64_t v = CR_TRY(read_unsigned(node, std::numeric_limits<T>::max()));
    out = static_cast<T>(v);
  }
  return {};
}

// Model structs, one reader each (defined in the *_json.cpp file of the struct's header).
Result<void> read_json(const Node& node, Config& out);
Result<void> read_json(const Node& node, Root& out);
Result<void> read_json(const Node& node, Mount& out);
Result<void> read_json(const Node& node, Hook& out);
Result<void> read_json(const Node& node, Hooks& out);
Result<void> read_json(const Node& node, Process& out);
Result<void> read_json(const Node& node, ConsoleSize& out);
Result<void> read_json(const Node& node, User& out);
Result<void> read_json(const Node& node, Capabilities& out);
Result<void> read_json(const Node& node, Rlimit& out);
Result<void> read_json(const Node& node, Scheduler& out);
Result<void> read_json(const Node& node, IOPriority& out);
Result<void> read_json(const Node& node, ExecCPUAffinity& out);
Result<void> read_json(const Node& node, Linux& out);
Result<void> read_json(const Node& node, Namespace& out);
Result<void> read_json(const Node& node, IdMapping& out);
Result<void> read_json(const Node& node, TimeOffset& out);
Result<void> read_json(const Node& node, Device& out);
Result<void> read_json(const Node& node, NetDevice& out);
Result<void> read_json(const Node& node, IntelRdt& out);
Result<void> read_json(const Node& node, Personality& out);
Result<void> read_json(const Node& node, MemoryPolicy& out);
Result<void> read_json(const Node& node, LinuxResources& out);
Result<void> read_json(const Node& node, DeviceCgroupRule& out);
Result<void> read_json(const Node& node, MemoryResources& out);
Result<void> read_json(const Node& node, CpuResources& out);
Result<void> read_json(const Node& node, PidsResources& out);
Result<void> read_json(const Node& node, WeightDevice& out);
Result<void> read_json(const Node& node, ThrottleDevice& out);
Result<void> read_json(const Node& node, BlockIOResources& out);
Result<void> read_json(const Node& node, HugepageLimit& out);
Result<void> read_json(const Node& node, InterfacePriority& out);
Result<void> read_json(const Node& node, NetworkResources& out);
Result<void> read_json(const Node& node, RdmaLimit& out);
Result<void> read_json(const Node& node, Seccomp& out);
Result<void> read_json(const Node& node, SeccompSyscall& out);
Result<void> read_json(const Node& node, SeccompArg& out);
Result<void> read_json(const Node& node, Features& out);
Result<void> read_json(const Node& node, LinuxFeatures& out);
Result<void> read_json(const Node& node, SeccompFeatures& out);
Result<void> read_json(const Node& node, CgroupFeatures& out);
Result<void> read_json(const Node& node, EnabledFeature& out);
Result<void> read_json(const Node& node, IntelRdtFeatures& out);
Result<void> read_json(const Node& node, MemoryPolicyFeatures& out);
Result<void> read_json(const Node& node, MountExtensionsFeatures& out);
Result<void> read_json(const Node& node, StoredState& out);
Result<void> read_json(const Node& node, State& out);

// A member name used as data (sysctl keys, unified files, device names): no NUL byte.
Result<void> check_key(const Node& node, std::string_view key);

template <class T>
Result<void> read_json(const Node& node, std::vector<T>& out) {
  if (!node.json().is_array()) return type_error(node, "array");
  out.clear();
  out.reserve(node.json().size());
  for (size_t i = 0; i < node.json().size(); ++i) {
    T item{};
    CR_TRY(read_json(Node(node.json()[i], node, i), item));
    out.push_back(std::move(item));
  }
  return {};
}

template <class T>
Result<void> read_json(const Node& node, std::map<std::string, T>& out) {
  if (!node.json().is_object()) return type_error(node, "object");
  out.clear();
  for (const auto& [key, value] : node.json().items()) {
    CR_TRY(check_key(node, key));
    T item{};
    CR_TRY(read_json(Node(value, node, key), item));
    out.emplace(key, std::move(item));
  }
  return {};
}

// The members of one JSON object. Unknown keys are ignored (config.md: "MUST ignore unknown
// properties"); an explicit null counts as absent for optional members.
class Fields {
 public:
  template <class T>
  Result<void> req(std::string_view key, T& out) const {
    const Json* value = find(key);
    if (value == nullptr) return fail(Error::msg(node_->member_path(key) + ": missing required field"));
    return read_json(Node(*value, *node_, key), out);
  }

  template <class T>
  Result<void> opt(std::string_view key, std::optional<T>& out) const {
    out.reset();
    const Json* value = find(key);
    if (value == nullptr || value->is_null()) return {};
    T item{};
    CR_TRY(read_json(Node(*value, *node_, key), item));
    out = std::move(item);
    return {};
  }

  // For members the model keeps without std::optional although the spec lets them be absent:
  // absent or null leaves `out` at its default.
  template <class T>
  Result<void> opt_plain(std::string_view key, T& out) const {
    const Json* value = find(key);
    if (value == nullptr || value->is_null()) return {};
    return read_json(Node(*value, *node_, key), out);
  }

  // `opt` and `opt_plain` for annotations (read_annotations: NUL bytes allowed).
  Result<void> opt_annotations(std::string_view key,
                               std::optional<std::map<std::string, std::string>>& out) const;
  Result<void> opt_annotations(std::string_view key, std::map<std::string, std::string>& out) const;

  // An int member restricted to [min, max] (pids); `required` false leaves `out` when absent.
  Result<void> int_in_range(std::string_view key, bool required, int& out, int min, int max) const;

 private:
  friend Result<Fields> fields(const Node& node);
  explicit Fields(const Node& node) : node_(&node) {}
  const Json* find(std::string_view key) const;

  const Node* node_;
};

// The members of `node`, or "<path>: expected object, got <type>". `node` must outlive the result.
Result<Fields> fields(const Node& node);

// Writers: nlohmann finds these by ADL (also for vectors and maps of them). Optional members that
// are empty are omitted, so parse -> dump -> parse is the identity.
template <class T>
void put(OJson& out, const char* key, const std::optional<T>& value) {
  if (value.has_value()) out[key] = *value;
}

void to_json(OJson& out, const Config& in);
void to_json(OJson& out, const Root& in);
void to_json(OJson& out, const Mount& in);
void to_json(OJson& out, const Hook& in);
void to_json(OJson& out, const Hooks& in);
void to_json(OJson& out, const Process& in);
void to_json(OJson& out, const ConsoleSize& in);
void to_json(OJson& out, const User& in);
void to_json(OJson& out, const Capabilities& in);
void to_json(OJson& out, const Rlimit& in);
void to_json(OJson& out, const Scheduler& in);
void to_json(OJson& out, const IOPriority& in);
void to_json(OJson& out, const ExecCPUAffinity& in);
void to_json(OJson& out, const Linux& in);
void to_json(OJson& out, const Namespace& in);
void to_json(OJson& out, const IdMapping& in);
void to_json(OJson& out, const TimeOffset& in);
void to_json(OJson& out, const Device& in);
void to_json(OJson& out, const NetDevice& in);
void to_json(OJson& out, const IntelRdt& in);
void to_json(OJson& out, const Personality& in);
void to_json(OJson& out, const MemoryPolicy& in);
void to_json(OJson& out, const LinuxResources& in);
void to_json(OJson& out, const DeviceCgroupRule& in);
void to_json(OJson& out, const MemoryResources& in);
void to_json(OJson& out, const CpuResources& in);
void to_json(OJson& out, const PidsResources& in);
void to_json(OJson& out, const WeightDevice& in);
void to_json(OJson& out, const ThrottleDevice& in);
void to_json(OJson& out, const BlockIOResources& in);
void to_json(OJson& out, const HugepageLimit& in);
void to_json(OJson& out, const InterfacePriority& in);
void to_json(OJson& out, const NetworkResources& in);
void to_json(OJson& out, const RdmaLimit& in);
void to_json(OJson& out, const Seccomp& in);
void to_json(OJson& out, const SeccompSyscall& in);
void to_json(OJson& out, const SeccompArg& in);
void to_json(OJson& out, const Features& in);
void to_json(OJson& out, const LinuxFeatures& in);
void to_json(OJson& out, const SeccompFeatures& in);
void to_json(OJson& out, const CgroupFeatures& in);
void to_json(OJson& out, const EnabledFeature& in);
void to_json(OJson& out, const IntelRdtFeatures& in);
void to_json(OJson& out, const MemoryPolicyFeatures& in);
void to_json(OJson& out, const MountExtensionsFeatures& in);
void to_json(OJson& out, const StoredState& in);
void to_json(OJson& out, const ContainerProcessState& in);

// The State object in its three shapes (state_json.cpp).
enum class StateShape {
  kCommand,  // `cruntime state`: runc's keys and order, owner always present
  kHook,     // runtime.md state for hooks: pid omitted when 0, no rootfs/created/owner
};
OJson state_to_json(const State& state, StateShape shape);

// Text -> DOM with the limits of security.md promise 12 (size, depth) and positioned syntax
// errors; never throws. Errors are "<what>" frames; the caller adds the document name.
Result<Json> parse_document(std::string_view text);
// nlohmann's exception text without its "[json.exception.x.n]" id, positioned like
// "invalid JSON at line 3, column 5: <reason>", and cut to a bounded length.
std::string json_error_text(std::string_view what);
// Serialise without throwing: invalid UTF-8 (a non-UTF-8 bundle path) becomes U+FFFD, as Go does.
std::string dump_json(const OJson& json, int indent, char indent_char = ' ');

}  // namespace cruntime::spec
