// Text names of the model's enums: container status (runtime.md, plus runc's "paused") and namespace types.
#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "cruntime/spec/linux.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::spec {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 5> kStatusNames = {{
    {Status::kCreating, "creating"},
    {Status::kCreated, "created"},
    {Status::kRunning, "running"},
    {Status::kPaused, "paused"},
    {Status::kStopped, "stopped"},
}};

// config-linux.md "Namespaces": the values of `type`.
constexpr std::array<std::pair<NamespaceType, std::string_view>, 8> kNamespaceNames = {{
    {NamespaceType::kPid, "pid"},
    {NamespaceType::kNetwork, "network"},
    {NamespaceType::kMount, "mount"},
    {NamespaceType::kIpc, "ipc"},
    {NamespaceType::kUts, "uts"},
    {NamespaceType::kUser, "user"},
    {NamespaceType::kCgroup, "cgroup"},
    {NamespaceType::kTime, "time"},
}};

}  // namespace

std::string_view status_name(Status status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<Status> parse_status(std::string_view name) {
  for (const auto& [value, text] : kStatusNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::optional<NamespaceType> parse_namespace_type(std::string_view name) {
  for (const auto& [value, text] : kNamespaceNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

const std::vector<NamespaceType>& namespace_types() {
  static const std::vector<NamespaceType> types = [] {
    std::vector<NamespaceType> out;
    for (const auto& [value, name] : kNamespaceNames) out.push_back(value);
    return out;
  }();
  return types;
}

std::string_view namespace_type_name(NamespaceType type) {
  for (const auto& [value, name] : kNamespaceNames) {
    if (value == type) return name;
  }
  return "unknown";
}

}  // namespace cruntime::spec
