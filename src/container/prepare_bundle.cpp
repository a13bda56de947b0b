// Everything `create` checks before it touches the system: bundle, config.json, rootfs, stdio options.
#include "cruntime/container/prepare_bundle.hpp"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/resctrl.hpp"
#include "cruntime/container/notify_socket.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"

namespace cruntime::container {
namespace {

Result<std::string> real_path(const std::string& path, std::string_view what) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) {
    return fail(Error::sys(errno, fmt::format("{} {}", what, path)));
  }
  return std::string(buf);
}

Result<std::string> absolute_from_cwd(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf) == nullptr) return fail(Error::sys(errno, "getcwd"));
  return std::string(buf) + "/" + path;
}

Result<std::string> resolve_rootfs(const spec::Config& config, const std::string& bundle) {
  if (!config.root || config.root->path.empty()) return fail_msg("config.json: root.path: not set");
  std::string path = config.root->path[0] == '/' ? config.root->path : bundle + "/" + config.root->path;
  std::string resolved = CR_TRY_CTX(real_path(path, "root.path:"), "config.json");
  // runc: a root path that goes through a symlink is refused (it could point anywhere).
  std::string normal = std::filesystem::path(path).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  if (normal != resolved) {
    return fail_msg("config.json: root.path: {} resolves through a symlink (to {})", path, resolved);
  }
  struct stat st{};
  if (::stat(resolved.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail_msg("config.json: root.path: {} is not a directory", resolved);
  }
  if (resolved == "/") return fail_msg("config.json: root.path: the host's / cannot be a container root");
  return resolved;
}

}  // namespace

Result<void> check_intel_rdt(const spec::Config& config) {
  if (!config.linux_config || !config.linux_config->intel_rdt) return {};
  const spec::IntelRdt& rdt = *config.linux_config->intel_rdt;
  // runtime-spec 1.3 replaced these 1.1/1.2 flags with enableMonitoring: hardware cannot enable
  // one monitoring feature alone, and no runtime implemented them. Asked for, they are refused.
  if (rdt.enable_cmt.value_or(false) || rdt.enable_mbm.value_or(false)) {
    return fail_msg("linux.intelRdt.{}: not supported (runtime-spec 1.3 replaced it with "
                    "enableMonitoring, which cruntime applies)",
                    rdt.enable_cmt.value_or(false) ? "enableCMT" : "enableMBM");
  }
  CR_TRY_CTX(cgroup::check_resctrl_mounted(), "linux.intelRdt");
  return {};
}

bool wants_terminal(const spec::Config& config) {
  return config.process && config.process->terminal.value_or(false);
}

Result<void> check_terminal(const spec::Config& config, const CreateOptions& options) {
  bool terminal = wants_terminal(config);
  if (options.console_socket_fd >= 0) return {};  // foreground `run`: our own relay
  if (terminal && options.console_socket.empty()) {
    return fail_msg("cannot allocate tty if cruntime will detach without setting console socket "
                    "(process.terminal is true: pass --console-socket)");
  }
  if (!terminal && !options.console_socket.empty()) {
    return fail_msg("cannot use console socket if cruntime will not detach or allocate tty "
                    "(process.terminal is false)");
  }
  return {};
}

namespace {

// systemd socket activation: fds 3.. belong to us when LISTEN_PID is our pid (cli-contract §8.5).
int listen_fds_for_us() {
  const char* pid = ::getenv("LISTEN_PID");
  const char* fds = ::getenv("LISTEN_FDS");
  if (pid == nullptr || fds == nullptr) return 0;
  auto p = strings::parse_int<pid_t>(pid);
  auto n = strings::parse_int<int>(fds);
  if (!p || *p != ::getpid() || !n || *n <= 0) return 0;
  return *n;
}

}  // namespace

Result<void> check_preserved_fds(int count) {
  for (int fd = 3; fd < 3 + count; ++fd) {
    if (::fcntl(fd, F_GETFD) < 0) {
      return fail(Error::sys(errno, fmt::format("unable to stat preserved-fd {} (of --preserve-fds)", fd)));
    }
  }
  return {};
}

Result<void> check_lsm_labels(const spec::Process& process, const security::LsmSupport& host) {
  // Even "unconfined" is refused without AppArmor, as runc does: runc writes "exec unconfined"
  // like any profile, and a kernel without AppArmor refuses that write (EINVAL).
  if (process.apparmor_profile && !process.apparmor_profile->empty() && !host.apparmor) {
    return fail_msg("process.apparmorProfile: apparmor profile \"{}\" specified but AppArmor is "
                    "not enabled on this system",
                    *process.apparmor_profile);
  }
  // runc's wording (validateProcessSpec and the config validator).
  if (process.selinux_label && !process.selinux_label->empty() && !host.selinux) {
    return fail_msg("process.selinuxLabel: selinux label \"{}\" is specified in config, but "
                    "selinux is disabled or not supported",
                    *process.selinux_label);
  }
  return {};
}

Result<PreparedBundle> prepare_bundle(const GlobalOptions& global, std::string_view id,
                                      const CreateOptions& options) {
  CR_TRY(validate_id(id));
  PreparedBundle out;
  out.bundle = CR_TRY(real_path(options.bundle.empty() ? "." : options.bundle, "bundle"));
  spec::Config config = CR_TRY(spec::load_config(out.bundle + "/config.json"));
  CR_TRY(spec::check(config));
  for (const auto& warning : spec::warnings(config)) {
    log::warn("config.json: {}: {}", warning.path, warning.message);
  }
  if (config.process) CR_TRY(check_lsm_labels(*config.process, security::host_lsm_support()));
  out.rootfs = CR_TRY(resolve_rootfs(config, out.bundle));
  if (options.preserve_fds < 0) return fail_msg("--preserve-fds: must not be negative");
  out.listen_fds = listen_fds_for_us();
  CR_TRY(check_preserved_fds(out.listen_fds + options.preserve_fds));
  out.pid_file = CR_TRY(absolute_from_cwd(options.pid_file));
  if (!options.notify_socket.empty()) {
    add_notify_socket(config, fmt::format("{}/{}", global.root, id));
  }
  out.config = std::make_unique<const spec::Config>(std::move(config));
  return out;
}

}  // namespace cruntime::container
