// process.user (supplementary groups, gid, uid, umask) and process.noNewPrivileges.
#include "cruntime/security/user.hpp"

#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::security {
namespace {

// (uid_t)-1 means "leave unchanged" to setresuid(2): accepting it would silently keep root.
constexpr uint32_t kUnchangedId = static_cast<uint32_t>(-1);
// runc's default when process.user.umask is unset (cli-contract §12.1).
constexpr mode_t kDefaultUmask = 0022;

// True when /proc/self/setgroups says "deny": setgroups(2) can never succeed in this user
// namespace (a gid_map written without CAP_SETGID, i.e. rootless). A missing or unreadable
// file (no /proc in the container, kernels before 3.19) means setgroups is allowed.
bool setgroups_denied() {
  Result<std::string> policy = fs::read_file("/proc/self/setgroups", 64);
  return policy && strings::trim(*policy) == "deny";
}

Result<void> set_groups(const spec::User& user) {
  std::vector<gid_t> groups;
  if (user.additional_gids)
    groups.assign(user.additional_gids->begin(), user.additional_gids->end());
  if (setgroups_denied()) {
    // Nothing to clear either: the inherited list is fixed. Silently, as runc.
    if (groups.empty()) return {};
    return fail_msg("additionalGids: setgroups is denied in this user namespace");
  }
  // An empty list clears the groups inherited from the runtime.
  if (::setgroups(groups.size(), groups.empty() ? nullptr : groups.data()) != 0) {
    return fail(Error::sys(errno, "additionalGids: setgroups"));
  }
  return {};
}

Result<void> set_ids(const spec::User& user) {
  if (user.gid == kUnchangedId) return fail_msg("gid: {} is not a valid group id", user.gid);
  if (user.uid == kUnchangedId) return fail_msg("uid: {} is not a valid user id", user.uid);
  // The gid first: after setresuid to a non-root uid we could no longer change it.
  if (::setresgid(user.gid, user.gid, user.gid) != 0) {
    // EINVAL: the gid has no mapping in this user namespace.
    if (errno == EINVAL)
      return fail(Error::sys(errno, fmt::format("cannot setgid to unmapped gid {}", user.gid)));
    return fail(Error::sys(errno, fmt::format("setresgid {}", user.gid)));
  }
  if (::setresuid(user.uid, user.uid, user.uid) != 0) {
    if (errno == EINVAL)
      return fail(Error::sys(errno, fmt::format("cannot setuid to unmapped uid {}", user.uid)));
    return fail(Error::sys(errno, fmt::format("setresuid {}", user.uid)));
  }
  return {};
}

}  // namespace

Result<void> switch_user(const spec::User& user) {
  CR_TRY(set_groups(user));
  // KEEPCAPS keeps the permitted set across the switch to a non-zero uid (the effective set is
  // still cleared); apply_capabilities then sets the configured sets from it.
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
    return fail(Error::sys(errno, "prctl PR_SET_KEEPCAPS"));
  Result<void> ids = set_ids(user);
  // Cleared again so a later setuid in the payload follows the normal rules.
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0 && ids) {
    return fail(Error::sys(errno, "prctl PR_SET_KEEPCAPS"));
  }
  if (!ids) return ids;
  ::umask(static_cast<mode_t>(user.umask.value_or(kDefaultUmask) & 0777));
  return {};
}

Result<void> set_no_new_privs() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return fail(Error::sys(errno, "process.noNewPrivileges: prctl PR_SET_NO_NEW_PRIVS"));
  }
  return {};
}

}  // namespace cruntime::security
