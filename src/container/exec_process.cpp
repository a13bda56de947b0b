// `exec`'s process: the template with runc's command-line overrides, and strict --user parsing.
#include "cruntime/container/exec_process.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "cruntime/base/strings.hpp"
#include "cruntime/spec/process_names.hpp"

namespace cruntime::container {
namespace {

// A decimal id; 4294967295 is (uid_t)-1, "no change" to setresuid, so it is refused too.
std::optional<uint32_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto value = strings::parse_int<uint64_t>(text);
  if (!value || *value >= std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

void add_missing(std::optional<std::vector<std::string>>& set, const std::string& name) {
  if (!set) set.emplace();
  if (std::find(set->begin(), set->end(), name) == set->end()) set->push_back(name);
}

Result<void> add_caps(spec::Process& process, const std::vector<std::string>& names) {
  if (names.empty()) return {};
  if (!process.capabilities) process.capabilities.emplace();
  for (const std::string& name : names) {
    if (!spec::capability_index(name)) return fail_msg("--cap: unknown capability \"{}\"", name);
    add_missing(process.capabilities->bounding, name);
    add_missing(process.capabilities->effective, name);
    add_missing(process.capabilities->permitted, name);
  }
  return {};
}

Result<void> add_gids(spec::Process& process, const std::vector<std::string>& gids) {
  if (gids.empty()) return {};
  if (!process.user.additional_gids) process.user.additional_gids.emplace();
  for (const std::string& text : gids) {
    auto gid = parse_id(text);
    if (!gid) return fail_msg("--additional-gids: \"{}\" is not a group id (0 to 4294967294)", text);
    process.user.additional_gids->push_back(*gid);
  }
  return {};
}

}  // namespace

Result<ExecUser> parse_exec_user(std::string_view text) {
  ExecUser user;
  size_t colon = text.find(':');
  auto uid = parse_id(text.substr(0, colon));
  if (!uid) {
    return fail_msg("--user: \"{}\" is not UID[:GID] with numeric ids (0 to 4294967294)", text);
  }
  user.uid = *uid;
  if (colon == std::string_view::npos) return user;
  auto gid = parse_id(text.substr(colon + 1));
  if (!gid) {
    return fail_msg("--user: \"{}\" is not UID[:GID] with numeric ids (0 to 4294967294)", text);
  }
  user.gid = *gid;
  return user;
}

Result<spec::Process> apply_exec_overrides(spec::Process process, const ExecOptions& options) {
  if (options.args.empty()) return fail_msg("exec args cannot be empty");
  process.args = options.args;
  if (!options.cwd.empty()) process.cwd = options.cwd;
  if (!options.env.empty()) {
    if (!process.env) process.env.emplace();
    process.env->insert(process.env->end(), options.env.begin(), options.env.end());
  }
  process.terminal = options.tty;
  if (!options.user.empty()) {
    ExecUser user = CR_TRY(parse_exec_user(options.user));
    process.user.uid = user.uid;
    if (user.gid) process.user.gid = *user.gid;
  }
  CR_TRY(add_gids(process, options.additional_gids));
  if (options.no_new_privs) process.no_new_privileges = true;
  CR_TRY(add_caps(process, options.caps));
  if (!options.apparmor.empty()) process.apparmor_profile = options.apparmor;
  if (!options.process_label.empty()) process.selinux_label = options.process_label;
  return process;
}

}  // namespace cruntime::container
