// `cruntime check`: runs the probes of every host area and judges whether the
// default container can run. The JSON shape and the text are the CLI's
// (cli/check_format.cpp).
#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "cruntime/container/check_probes.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/container/rootless.hpp"

namespace cruntime::container {
namespace {

// What execvp falls back to when PATH is unset (glibc's confstr(_CS_PATH) plus
// the sbin dirs).
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string user_name(uid_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return "";
  return pw.pw_name;
}

CheckContext context(const GlobalOptions& global) {
  CheckContext ctx;
  ctx.euid = ::geteuid();
  const Result<bool> rootless = resolve_rootless(global.rootless);
  ctx.rootless = rootless ? *rootless : ctx.euid != 0;
  ctx.systemd_cgroup = global.systemd_cgroup;
  ctx.root = global.root;
  ctx.user = user_name(ctx.euid);
  const char* path = std::getenv("PATH");
  ctx.path_env = path != nullptr && *path != '\0' ? path : kDefaultPath;
  return ctx;
}

// The deepest existing directory of `path` (which is absolute), "/" at worst.
std::string existing_ancestor(std::string path) {
  struct stat st {};
  while (path.size() > 1 && ::stat(path.c_str(), &st) != 0) {
    const size_t slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return path;
}

}  // namespace

bool HostReport::can_run() const {
  for (const HostCheck& c : checks) {
    if (c.blocks) return false;
  }
  return true;
}

std::string_view check_status_name(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return "ok";
    case CheckStatus::kWarning:
      return "warning";
    case CheckStatus::kMissing:
      return "missing";
  }
  return "unknown";
}

HostCheck check_state_root(const CheckContext& ctx) {
  HostCheck c = make_check("runtime.root");
  c.value = ctx.root;
  struct stat st {};
  const bool exists = ::stat(ctx.root.c_str(), &st) == 0;
  const std::string dir = exists ? ctx.root : existing_ancestor(ctx.root);
  if (exists && !S_ISDIR(st.st_mode)) {
    c.status = CheckStatus::kMissing;
    c.reason = fmt::format("--root {} is not a directory", ctx.root);
  } else if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    c.status = CheckStatus::kMissing;
    c.reason = fmt::format("{} is not writable for uid {}", dir, ctx.euid);
  } else {
    c.reason = exists ? "the state directory exists and is writable"
                      : fmt::format("created on first use (below {}, writable)", dir);
    return c;
  }
  c.impact = "every command that stores container state fails";
  c.blocks = true;
  return c;
}

HostReport check(const GlobalOptions& global) {
  const CheckContext ctx = context(global);
  HostReport report;
  report.euid = ctx.euid;
  report.rootless = ctx.rootless;
  auto add = [&](std::vector<HostCheck> checks) {
    for (HostCheck& c : checks) report.checks.push_back(std::move(c));
  };
  report.checks.push_back(check_state_root(ctx));
  std::optional<cgroup::Mode> mode;
  add(check_cgroups(ctx, mode));
  add(check_namespaces(ctx));
  add(check_security(ctx));
  add(check_services(ctx, mode));
  add(check_kernel(ctx));
  return report;
}

}  // namespace cruntime::container
