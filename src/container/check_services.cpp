// `cruntime check`, services: the systemd cgroup driver's systemd, criu, and resctrl for
// linux.intelRdt.
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/cgroup/resctrl.hpp"
#include "cruntime/cgroup/systemd_bus.hpp"
#include "cruntime/container/check_probes.hpp"
#include "cruntime/process/idmap_helper.hpp"
#include "cruntime/process/program.hpp"

namespace cruntime::container {
namespace {

constexpr const char* kSystemBusSocket = "/run/dbus/system_bus_socket";

bool is_socket(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// The bus the driver would use: the system bus, or (rootless) the user's own,
// whose socket sd-bus finds at $XDG_RUNTIME_DIR/bus.
std::string bus_socket(const CheckContext& ctx) {
  if (!ctx.rootless) return kSystemBusSocket;
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  return xdg != nullptr && *xdg != '\0' ? fmt::format("{}/bus", xdg) : "";
}

// Connect and ask the manager for its version: one round trip, only when the
// socket is there.
Result<int> systemd_version(const CheckContext& ctx) {
  cgroup::SystemdBus bus = ctx.rootless ? CR_TRY(cgroup::SystemdBus::connect_user())
                                        : CR_TRY(cgroup::SystemdBus::connect_system());
  return bus.version();
}

HostCheck systemd_check(const CheckContext& ctx, std::optional<cgroup::Mode> mode) {
  HostCheck c = make_check("systemd");
  auto comm = fs::read_file("/proc/1/comm", 64);
  const std::string init = comm ? std::string(strings::trim(*comm)) : "unknown";
  const std::string socket = bus_socket(ctx);
  c.values = {fmt::format("pid1={}", init)};
  const std::string impact = ctx.systemd_cgroup
                                 ? "--systemd-cgroup: every container fails to create"
                                 : "--systemd-cgroup fails; the default cgroupfs driver works";
  c.status = CheckStatus::kMissing;
  c.value = "unreachable";
  c.impact = impact;
  c.blocks = ctx.systemd_cgroup;
  if (!cgroup::systemd_running()) {
    c.reason = fmt::format("systemd is not init (PID 1 is {}, no /run/systemd/system)", init);
    return c;
  }
  if (socket.empty() || !is_socket(socket)) {
    c.reason = fmt::format("systemd runs, but there is no bus socket{}{}",
                           socket.empty() ? " ($XDG_RUNTIME_DIR is unset)" : " at ", socket);
    return c;
  }
  const Result<int> version = systemd_version(ctx);
  if (!version) {
    c.reason = fmt::format("systemd runs, but asking it over {} failed: {}", socket,
                           version.error().to_string());
    return c;
  }
  c.value = "reachable";
  c.values.push_back(fmt::format("version={}", *version));
  c.reason = fmt::format("systemd {} answers over {} (sd-bus)", *version, socket);
  c.impact.clear();
  c.blocks = false;
  c.status = CheckStatus::kOk;
  if (mode && *mode != cgroup::Mode::kUnified) {
    c.status = CheckStatus::kWarning;
    c.reason += "; cruntime's systemd driver needs cgroup v2";
    c.impact = impact;
    c.blocks = ctx.systemd_cgroup;
  }
  return c;
}

// "Version: 3.17.1\n" (criu --version; a git build adds a "GitID:" line).
std::string criu_version(std::string_view output) {
  for (const std::string& line : strings::split(output, '\n')) {
    std::string_view text = strings::trim(line);
    if (text.starts_with("Version:")) return std::string(strings::trim(text.substr(8)));
  }
  return "";
}

HostCheck criu_check(const CheckContext& ctx) {
  HostCheck c = make_check("criu");
  const std::string impact =
      "none today: cruntime's checkpoint and restore "
      "are not implemented yet (they will need criu)";
  const std::optional<std::string> path = process::find_in_path("criu", ctx.path_env);
  if (!path) {
    c.status = CheckStatus::kMissing;
    c.value = "";
    c.reason = "criu is not in PATH";
    c.impact = impact;
    return c;
  }
  c.values = {*path};
  const Result<process::ProgramRun> run = process::run_program(*path, {"criu", "--version"});
  if (!run || !WIFEXITED(run->status) || WEXITSTATUS(run->status) != 0) {
    c.status = CheckStatus::kWarning;
    c.reason = fmt::format(
        "{} --version failed: {}", *path,
        !run ? run.error().to_string()
             : process::describe_wait_status(run->status) + ": " + process::one_line(run->output));
    c.impact = impact;
    return c;
  }
  c.value = criu_version(run->output);
  c.reason = fmt::format("criu {} at {} (criu --version)", c.value, *path);
  c.impact = impact;
  return c;
}

HostCheck resctrl_check() {
  HostCheck c = make_check("resctrl");
  const Result<void> mounted = cgroup::check_resctrl_mounted();
  if (mounted) {
    c.value = "mounted";
    c.reason = fmt::format("resctrl at {} (statfs)", cgroup::kResctrlRoot);
    return c;
  }
  c.value = "absent";
  c.status = CheckStatus::kMissing;
  c.reason = mounted.error().to_string();
  c.impact = "a config with linux.intelRdt fails to create";
  return c;
}

}  // namespace

std::vector<HostCheck> check_services(const CheckContext& ctx, std::optional<cgroup::Mode> mode) {
  return {systemd_check(ctx, mode), criu_check(ctx), resctrl_check()};
}

}  // namespace cruntime::container
