// Pure checks of linux.sysctl (cli-contract §12.3): well-formed names, and only keys that live in
// a namespace the container has of its own, so that no write reaches the host's /proc/sys.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "validate_detail.hpp"

namespace cruntime::spec::detail {
namespace {

// IPC-namespaced sysctls besides fs.mqueue.* (ipc_namespaces(7)).
constexpr std::array<std::string_view, 8> kIpcSysctls = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",  "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

// sysctl(8) names use '.' between components, or '/' (then a '.' is part of a component, as in
// "net/ipv4/conf/eth0.100/rp_filter"); in dotted names '/' stands for a literal '.'.
// Returns the file-name components under /proc/sys.
std::vector<std::string> components(std::string_view key) {
  const size_t first = key.find_first_of("./");
  const bool slash_style = first != std::string_view::npos && key[first] == '/';
  std::vector<std::string> parts(1);
  for (char c : key) {
    if (c == (slash_style ? '/' : '.')) {
      parts.emplace_back();
    } else {
      parts.back() += (c == '/' ? '.' : c);
    }
  }
  return parts;
}

bool safe_components(const std::vector<std::string>& parts) {
  return std::none_of(parts.begin(), parts.end(), [](const std::string& p) {
    return p.empty() || p == "." || p == ".." || p.find('\0') != std::string::npos;
  });
}

// The namespace a sysctl belongs to, or nullopt when it is global.
std::optional<NamespaceType> owning_namespace(const std::vector<std::string>& parts,
                                              const std::string& dotted) {
  if (std::find(kIpcSysctls.begin(), kIpcSysctls.end(), dotted) != kIpcSysctls.end()) {
    return NamespaceType::kIpc;
  }
  if (parts.size() > 2 && parts[0] == "fs" && parts[1] == "mqueue") return NamespaceType::kIpc;
  if (parts.size() > 1 && parts[0] == "net") return NamespaceType::kNetwork;
  if (parts.size() > 1 && parts[0] == "user") return NamespaceType::kUser;
  if (dotted == "kernel.domainname") return NamespaceType::kUts;
  return std::nullopt;
}

}  // namespace

void check_sysctl(const Linux& lx, const NamespaceIndex& ns, Problems& out) {
  for (const auto& [key, value] : *lx.sysctl) {
    const std::string where = member("linux.sysctl", key);
    if (key.empty()) {
      out.add(where, "key must not be empty");
      continue;
    }
    const std::vector<std::string> parts = components(key);
    if (!safe_components(parts)) {
      out.add(where, "invalid sysctl name " + quote(key));
      continue;
    }
    std::string dotted = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) dotted += "." + parts[i];
    if (dotted == "kernel.hostname") {
      out.add(where, "sysctl \"kernel.hostname\" is not allowed: use the \"hostname\" field");
      continue;
    }
    std::optional<NamespaceType> owner = owning_namespace(parts, dotted);
    if (!owner) {
      out.add(where, fmt::format("sysctl {} is not in a separate kernel namespace (it would change "
                                 "the host)", quote(dotted)));
    } else if (!ns.has(*owner)) {
      // A joined network namespace may still be the host's; the sysctl code checks that when it
      // can look at the namespace file.
      const std::string_view type = namespace_type_name(*owner);
      out.add(where, fmt::format("sysctl {} needs {} {} namespace in linux.namespaces",
                                 quote(dotted), type == "ipc" ? "an" : "a", quote(type)));
    }
  }
}

}  // namespace cruntime::spec::detail
