// validate()/check()/warnings(): runs the per-section checks in document order; checks the
// top-level fields and hooks, and holds the path and quoting helpers all validate*.cpp files share.
#include "cruntime/spec/validate.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cruntime/base/strings.hpp"
#include "cruntime/spec/version.hpp"
#include "validate_detail.hpp"

namespace cruntime::spec {
namespace detail {
namespace {

bool is_identifier(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string quote(std::string_view text) { return strings::json_quote(text); }

std::string at(std::string_view base, size_t index) { return fmt::format("{}[{}]", base, index); }

// Same spelling as the JSON layer's error paths (json_detail.cpp), so a parse error and a
// validation error about one field name it the same way.
std::string member(std::string_view base, std::string_view key) {
  if (is_identifier(key)) return base.empty() ? std::string(key) : fmt::format("{}.{}", base, key);
  return fmt::format("{}[{}]", base, quote(key));
}

std::string octal(uint64_t value) { return value == 0 ? "0" : fmt::format("0{:o}", value); }

bool is_absolute(std::string_view path) { return !path.empty() && path.front() == '/'; }

bool has_dotdot_component(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (path.substr(start, end - start) == "..") return true;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

void require_absolute(Problems& out, const std::string& where, std::string_view path) {
  if (!is_absolute(path)) out.add(where, "must be an absolute path, got " + quote(path));
}

bool is_valid_id_list(std::string_view list) {
  auto number = [](std::string_view s, unsigned long& value) {
    if (s.empty() || s.size() > 9) return false;
    value = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    return true;
  };
  if (list.empty()) return true;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    std::string_view item =
        list.substr(start, comma == std::string_view::npos ? comma : comma - start);
    size_t dash = item.find('-');
    unsigned long first = 0;
    unsigned long last = 0;
    if (dash == std::string_view::npos) {
      if (!number(item, first)) return false;
    } else if (!number(item.substr(0, dash), first) || !number(item.substr(dash + 1), last) ||
               last < first) {
      return false;
    }
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

void check_env(const std::vector<std::string>& env, const std::string& where, Problems& out) {
  for (size_t i = 0; i < env.size(); ++i) {
    const std::string& entry = env[i];
    size_t eq = entry.find('=');
    if (entry.find('\0') != std::string::npos) {
      out.add(at(where, i), "must not contain a NUL byte, got " + quote(entry));
    } else if (eq == std::string::npos) {
      out.add(at(where, i), "must have the form KEY=VALUE, got " + quote(entry));
    } else if (eq == 0) {
      out.add(at(where, i), "has an empty variable name: " + quote(entry));
    }
  }
}

NamespaceIndex::NamespaceIndex(const Config& config) {
  if (!config.linux_config || !config.linux_config->namespaces) return;
  list_ = &*config.linux_config->namespaces;
  for (size_t i = 0; i < list_->size(); ++i) {
    std::optional<NamespaceType> type = parse_namespace_type((*list_)[i].type);
    if (type && !index_[static_cast<size_t>(*type)]) index_[static_cast<size_t>(*type)] = i;
  }
}

const Namespace* NamespaceIndex::entry(NamespaceType type) const {
  const std::optional<size_t>& i = slot(type);
  return i ? &(*list_)[*i] : nullptr;
}

bool NamespaceIndex::creates(NamespaceType type) const {
  const Namespace* ns = entry(type);
  return ns != nullptr && !ns->path;
}

}  // namespace detail

namespace {

using detail::at;
using detail::member;
using detail::Problems;
using detail::quote;

// sethostname(2)/setdomainname(2) take at most 64 bytes (HOST_NAME_MAX, __NEW_UTS_LEN).
constexpr size_t kMaxUtsName = 64;

void check_oci_version(const std::string& version, Problems& out) {
  if (version.empty()) {
    out.add("ociVersion", "must not be empty");
    return;
  }
  std::optional<SemVer> semver = parse_semver(version);
  if (!semver) {
    out.add("ociVersion", quote(version) + " is not a SemVer version");
  } else if (!is_supported_oci_version(version)) {
    out.add("ociVersion",
            fmt::format("unsupported major version {} (cruntime supports 1.x)", semver->major));
  }
}

// config.md "Root": REQUIRED on every platform but Hyper-V Windows containers.
void check_root(const std::optional<Root>& root, Problems& out) {
  if (!root) {
    out.add("root", "missing required field");
  } else if (root->path.empty()) {
    out.add("root.path", "must not be empty");
  }
}

// runc refuses a hostname or domainname without a UTS namespace of the container's own: setting
// it would rename the host.
void check_uts_name(const std::optional<std::string>& name, std::string_view field,
                    const detail::NamespaceIndex& ns, Problems& out) {
  if (!name || name->empty()) return;
  if (!ns.has(NamespaceType::kUts)) {
    out.add(std::string(field), "needs a \"uts\" namespace in linux.namespaces");
  } else if (name->size() > kMaxUtsName) {
    out.add(std::string(field), fmt::format("must be at most {} bytes long, got {}", kMaxUtsName,
                                            name->size()));
  }
}

void check_hook_list(const std::optional<std::vector<Hook>>& hooks, const std::string& where,
                     Problems& out) {
  if (!hooks) return;
  for (size_t i = 0; i < hooks->size(); ++i) {
    const Hook& hook = (*hooks)[i];
    std::string base = at(where, i);
    detail::require_absolute(out, base + ".path", hook.path);
    if (hook.env) detail::check_env(*hook.env, base + ".env", out);
    if (hook.timeout && *hook.timeout <= 0) {
      out.add(base + ".timeout", fmt::format("must be greater than 0, got {}", *hook.timeout));
    }
  }
}

// config.md "POSIX-platform Hooks": path absolute, timeout > 0 when set.
void check_hooks(const Hooks& hooks, Problems& out) {
  check_hook_list(hooks.prestart, "hooks.prestart", out);
  check_hook_list(hooks.create_runtime, "hooks.createRuntime", out);
  check_hook_list(hooks.create_container, "hooks.createContainer", out);
  check_hook_list(hooks.start_container, "hooks.startContainer", out);
  check_hook_list(hooks.poststart, "hooks.poststart", out);
  check_hook_list(hooks.poststop, "hooks.poststop", out);
}

}  // namespace

std::string member_path(std::string_view base, std::string_view key) {
  return detail::member(base, key);
}

std::vector<Problem> validate(const Config& config) {
  Problems out;
  const detail::NamespaceIndex ns(config);
  check_oci_version(config.oci_version, out);
  check_root(config.root, out);
  detail::check_mounts(config, ns, out);
  if (config.process) detail::check_process(*config.process, out);
  check_uts_name(config.hostname, "hostname", ns, out);
  check_uts_name(config.domainname, "domainname", ns, out);
  if (config.hooks) check_hooks(*config.hooks, out);
  if (config.annotations && config.annotations->contains("")) {
    out.add(member("annotations", ""), "key must not be empty");
  }
  detail::check_linux(config, ns, out);
  return std::move(out).take();
}

std::vector<Problem> warnings(const Config& config) {
  Problems out;
  detail::warn_mounts(config, out);
  if (config.process) detail::warn_process(*config.process, out);
  if (!config.linux_config) return std::move(out).take();
  const Linux& lx = *config.linux_config;
  if (lx.resources && lx.resources->memory) {
    const MemoryResources& memory = *lx.resources->memory;
    if (memory.kernel) {
      out.add("linux.resources.memory.kernel",
              "ignored: kernel memory limits are not supported by current kernels");
    }
    if (memory.kernel_tcp) {
      out.add("linux.resources.memory.kernelTCP",
              "ignored: kernel memory limits are not supported by current kernels");
    }
  }
  if (lx.personality && lx.personality->flags && !lx.personality->flags->empty()) {
    out.add("linux.personality.flags", "ignored: no personality flags are supported");
  }
  return std::move(out).take();
}

namespace {

Result<void> report(const std::vector<Problem>& problems, std::string_view name) {
  if (problems.empty()) return {};
  std::string text = fmt::format("{}: {}: {}", name, problems[0].path, problems[0].message);
  if (size_t more = problems.size() - 1; more > 0) {
    text += fmt::format(" (and {} more problem{})", more, more == 1 ? "" : "s");
  }
  return fail(Error::msg(std::move(text)));
}

}  // namespace

Result<void> check(const Config& config) { return report(validate(config), "config.json"); }

Result<void> check_resources(const LinuxResources& resources, std::string_view name) {
  Problems out;
  detail::check_resources(resources, out);
  return report(std::move(out).take(), name);
}

Result<void> check_process(const Process& process, std::string_view name) {
  Problems out;
  detail::check_process(process, out);
  return report(std::move(out).take(), name);
}

}  // namespace cruntime::spec
