// process.env → the container's environment (duplicates, HOME), and args[0] → the file to exec.
// Both run in the init after pivot_root, so "/etc/passwd" and PATH entries are the container's.
#include "cruntime/process/environment.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::process {
namespace {

constexpr size_t kMaxPasswdSize = 4 * 1024 * 1024;
constexpr const char* kDefaultHome = "/";

// The image's file: refuse FIFOs and devices (a FIFO would block `create` forever).
Result<std::string> read_passwd(const std::string& path) {
  UniqueFd file = CR_TRY(fs::open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY));
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return fail(Error::sys(errno, fmt::format("stat {}", path)));
  if (!S_ISREG(st.st_mode)) return fail_msg("{} is not a regular file", path);
  return CR_TRY_CTX(fs::read_fd(file.get(), kMaxPasswdSize), "{}", path);
}

std::string home_of(uint32_t uid, const std::string& passwd_path) {
  auto passwd = read_passwd(passwd_path);
  if (!passwd) {
    // runc only logs this too: any uid may be configured, with or without an entry.
    log::debug("HOME for uid {}: {}; using {}", uid, passwd.error().to_string(), kDefaultHome);
    return kDefaultHome;
  }
  return passwd_home(*passwd, uid).value_or(kDefaultHome);
}

// 0 when `path` is a regular file with an execute bit, else the errno-like reason.
int executable_status(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno;
  if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) return EACCES;
  return 0;
}

std::optional<std::string_view> path_variable(const std::vector<std::string>& env) {
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    if (it->starts_with("PATH=")) return std::string_view(*it).substr(5);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> passwd_home(std::string_view passwd, uint32_t uid) {
  for (const std::string& line : strings::split(passwd, '\n')) {
    // name:password:uid:gid:gecos:home:shell (passwd(5))
    const std::vector<std::string> fields = strings::split(line, ':');
    if (fields.size() < 6) continue;
    std::optional<uint32_t> entry_uid = strings::parse_int<uint32_t>(fields[2]);
    if (!entry_uid || *entry_uid != uid) continue;
    if (fields[5].empty()) return std::nullopt;
    return fields[5];
  }
  return std::nullopt;
}

std::vector<std::string> build_environment(const spec::Process& process,
                                           const std::vector<std::string>& extra,
                                           const std::string& passwd_path) {
  std::vector<std::string> input = process.env.value_or(std::vector<std::string>{});
  input.insert(input.end(), extra.begin(), extra.end());
  // Walk backwards so the last occurrence of a key is the one kept, at its own position (runc's
  // prepareEnv). `seen` holds views into `input`, which no longer changes.
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  bool has_home = false;
  for (auto it = input.rbegin(); it != input.rend(); ++it) {
    const size_t eq = it->find('=');
    if (eq == std::string::npos || eq == 0) {
      log::warn("process.env: ignoring \"{}\": not NAME=VALUE", *it);
      continue;
    }
    const std::string_view key = std::string_view(*it).substr(0, eq);
    if (!seen.insert(key).second) continue;
    if (key == "HOME") {
      if (eq + 1 == it->size()) continue;  // an empty HOME is replaced below, as runc does
      has_home = true;
    }
    out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  // Unlike runc (which leaves an absent process.env empty) HOME is always provided
  // (cli-contract §12.1, crun).
  if (!has_home) out.push_back("HOME=" + home_of(process.user.uid, passwd_path));
  return out;
}

std::vector<std::string> build_environment(const spec::Process& process,
                                           const std::vector<std::string>& extra) {
  return build_environment(process, extra, "/etc/passwd");
}

Result<std::string> resolve_executable(const std::string& arg0,
                                       const std::vector<std::string>& env) {
  if (arg0.find('/') != std::string::npos) {
    // A path (absolute, or relative to process.cwd, which the init has entered).
    const int err = executable_status(arg0);
    if (err == 0) return arg0;
    if (err == ENOENT) return fail_msg("exec: \"{}\": no such file or directory", arg0);
    if (err == EACCES) return fail_msg("exec: \"{}\": permission denied", arg0);
    return fail(Error::sys(err, fmt::format("exec: \"{}\"", arg0)));
  }
  // Go's exec.LookPath in runc's init, whose own environment holds PATH only when process.env
  // does: without PATH (or with an empty one) a bare name is not found, where execvp would fall
  // back to /bin:/usr/bin. An empty entry inside PATH means the current directory.
  std::optional<std::string_view> path = path_variable(env);
  if (path && !path->empty() && !arg0.empty()) {
    for (const std::string& dir : strings::split(*path, ':')) {
      std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + arg0;
      if (executable_status(candidate) == 0) return candidate;
    }
  }
  return fail_msg("exec: \"{}\": executable file not found in $PATH", arg0);
}

}  // namespace cruntime::process
