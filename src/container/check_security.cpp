// `cruntime check`, security: libseccomp and the kernel's seccomp actions,
// AppArmor, SELinux.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/container/check_probes.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/security/seccomp_host.hpp"

namespace cruntime::container {
namespace {

// The runtime-spec actions and the names actions_avail gives them (seccomp(2)).
struct ActionName {
  std::string_view spec;
  std::string_view kernel;
};
constexpr ActionName kActions[] = {
    {"SCMP_ACT_KILL_PROCESS", "kill_process"},
    {"SCMP_ACT_KILL_THREAD", "kill_thread"},
    {"SCMP_ACT_TRAP", "trap"},
    {"SCMP_ACT_ERRNO", "errno"},
    {"SCMP_ACT_NOTIFY", "user_notif"},
    {"SCMP_ACT_TRACE", "trace"},
    {"SCMP_ACT_LOG", "log"},
    {"SCMP_ACT_ALLOW", "allow"},
};
// seccomp_api_get(3): level 5 adds the user notification API (SCMP_ACT_NOTIFY).
constexpr unsigned kNotifyApiLevel = 5;

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool is_dir(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

HostCheck apparmor_check() {
  HostCheck c = make_check("lsm.apparmor");
  const bool securityfs = is_dir("/sys/kernel/security/apparmor");
  const std::string where = fmt::format(
      "/sys/module/apparmor/parameters/enabled; "
      "/sys/kernel/security/apparmor {}",
      securityfs ? "present" : "absent");
  if (security::apparmor_enabled()) {
    c.value = "enabled";
    c.reason = fmt::format("AppArmor is on ({})", where);
    return c;
  }
  c.value = "disabled";
  c.status = CheckStatus::kMissing;
  c.reason = fmt::format("AppArmor is off or not built in ({})", where);
  c.impact = "a config with process.apparmorProfile is refused";
  return c;
}

HostCheck selinux_check() {
  HostCheck c = make_check("lsm.selinux");
  if (!security::selinux_enabled()) {
    c.value = "disabled";
    c.status = CheckStatus::kMissing;
    c.reason = "no writable selinuxfs at /sys/fs/selinux, or no policy loaded";
    c.impact =
        "a config with process.selinuxLabel is refused; "
        "linux.mountLabel is not applied";
    return c;
  }
  auto enforce = fs::read_file("/sys/fs/selinux/enforce", 16);
  const bool enforcing = enforce && strings::trim(*enforce) == "1";
  c.value = enforcing ? "enforcing" : "permissive";
  c.reason = fmt::format("SELinux is on and {} (/sys/fs/selinux/enforce)", c.value);
  return c;
}

}  // namespace

std::vector<HostCheck> seccomp_checks(std::string_view version, unsigned api_level,
                                      const std::optional<std::vector<std::string>>& actions) {
  HostCheck lib = make_check("seccomp.libseccomp");
  lib.value = std::string(version);
  lib.values = {fmt::format("api={}", api_level)};
  lib.reason = fmt::format("libseccomp {} (API level {}), loaded at run time", version, api_level);

  HostCheck kernel = make_check("seccomp.actions");
  HostCheck notify = make_check("seccomp.user_notif");
  if (!actions) {
    kernel.status = CheckStatus::kMissing;
    kernel.reason = fmt::format("no {}: a kernel without seccomp filters, or before 4.14",
                                security::kSeccompActionsAvail);
    kernel.impact = "a config with linux.seccomp fails to create";
    notify.status = CheckStatus::kMissing;
    notify.value = "no";
    notify.reason = "the kernel lists no seccomp actions";
    notify.impact = "a seccomp rule with SCMP_ACT_NOTIFY fails";
    return {lib, kernel, notify};
  }
  kernel.values = *actions;
  kernel.value = strings::join(*actions, " ");
  kernel.reason = fmt::format("the kernel's filter actions ({})", security::kSeccompActionsAvail);
  std::vector<std::string> missing;
  for (const ActionName& action : kActions) {
    if (!has(*actions, action.kernel)) {
      missing.push_back(fmt::format("{} ({})", action.spec, action.kernel));
    }
  }
  if (!missing.empty()) {
    kernel.status = CheckStatus::kWarning;
    kernel.reason += fmt::format("; missing: {}", strings::join(missing, ", "));
    kernel.impact = "a seccomp profile that uses a missing action fails to load";
  }

  const bool kernel_notify = has(*actions, "user_notif");
  const bool lib_notify = api_level >= kNotifyApiLevel;
  notify.value = kernel_notify && lib_notify ? "yes" : "no";
  if (notify.value == "yes") {
    notify.reason = fmt::format(
        "SECCOMP_RET_USER_NOTIF: the kernel lists "
        "user_notif and libseccomp's API level is {} "
        "(>= {})",
        api_level, kNotifyApiLevel);
    return {lib, kernel, notify};
  }
  notify.status = CheckStatus::kMissing;
  notify.reason = !kernel_notify ? "the kernel does not list user_notif (before 5.0)"
                                 : fmt::format("libseccomp's API level {} is below {}", api_level,
                                               kNotifyApiLevel);
  notify.impact = "a seccomp rule with SCMP_ACT_NOTIFY (linux.seccomp.listenerPath) fails";
  return {lib, kernel, notify};
}

std::vector<HostCheck> check_security(const CheckContext& /*ctx*/) {
  std::vector<HostCheck> out =
      seccomp_checks(security::libseccomp_version(), security::libseccomp_api_level(),
                     security::kernel_seccomp_actions());
  out.push_back(apparmor_check());
  out.push_back(selinux_check());
  return out;
}

}  // namespace cruntime::container
