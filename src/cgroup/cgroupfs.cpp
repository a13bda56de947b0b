// cgroupfs file operations: knob writes with the IfMissing rules, cgroup.procs, mkdir/rmdir.
#include "cruntime/cgroup/cgroupfs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::cgroup::cgfs {
namespace {

constexpr int kAttachTries = 5;
constexpr std::chrono::milliseconds kAttachRetryDelay{30};
constexpr std::chrono::milliseconds kFirstRemoveDelay{10};
constexpr std::chrono::milliseconds kMaxRemoveDelay{100};
// Rounds of "list, SIGKILL" while processes keep forking faster than we kill them.
constexpr int kKillRounds = 5;

// The sub-directories (child cgroups) of dir; unreadable or vanished directories give none.
std::vector<std::string> child_cgroups(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code type_ec;
    if (entry.is_directory(type_ec) && !entry.is_symlink(type_ec))
      out.push_back(entry.path().string());
  }
  return out;
}

Result<void> remove_one(const std::string& dir, std::chrono::steady_clock::time_point deadline,
                        const std::function<void()>& on_busy, const DirHooks& hooks) {
  std::chrono::milliseconds delay = kFirstRemoveDelay;
  for (;;) {
    if (hooks.before_rmdir) hooks.before_rmdir(dir);
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    const int err = errno;
    if (err != EBUSY) return fail(Error::sys(err, "rmdir " + dir));
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Error::sys(
          err, fmt::format("rmdir {} (still busy after {} ms)", dir, kRemoveTimeout.count())));
    }
    if (on_busy) on_busy();
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, kMaxRemoveDelay);
  }
}

}  // namespace

std::string join(std::string_view dir, std::string_view file) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += file;
  return out;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<void> write(const std::string& dir, const std::string& file, std::string_view value) {
  const std::string path = join(dir, file);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd) return fail(Error::sys(errno, "write " + path));
  // A cgroup knob parses one command per write(2): never split it.
  const ssize_t n = ::write(fd.get(), value.data(), value.size());
  if (n < 0) return fail(Error::sys(errno, "write " + path));
  if (static_cast<size_t>(n) != value.size()) {
    return fail(Error::sys(EIO, fmt::format("write {}: short write", path)));
  }
  return {};
}

Result<std::string> read(const std::string& dir, const std::string& file) {
  return fs::read_file(join(dir, file));
}

Result<void> apply_write(const std::string& dir, const FileWrite& w) {
  auto result = write(dir, w.file, w.value);
  if (result) return {};
  if (result.error().code() == ENOENT && w.if_missing == IfMissing::kSkip) {
    log::debug("cgroup: {} has no {}; {} skipped", dir, w.file, w.field);
    return {};
  }
  if (result.error().code() == ENOENT && w.if_missing == IfMissing::kFallback) {
    CR_TRY_CTX(write(dir, w.fallback_file, w.fallback_value), "{}", w.field);
    return {};
  }
  return fail(std::move(result).error().with_context(w.field));
}

Result<std::vector<std::string>> make_dirs(const std::string& top, const std::string& dir,
                                           const DirHooks& hooks) {
  if (dir.size() <= top.size() || !dir.starts_with(top) || dir[top.size()] != '/') {
    return fail_msg("cgroup directory {} is not below {}", dir, top);
  }
  std::vector<std::string> created;
  std::string current = top;
  for (const std::string& part :
       strings::split(std::string_view(dir).substr(top.size() + 1), '/')) {
    if (part.empty()) continue;
    current = join(current, part);
    if (::mkdir(current.c_str(), 0755) == 0) {
      created.push_back(current);
      if (hooks.after_mkdir) hooks.after_mkdir(current);
      continue;
    }
    if (errno == EEXIST) continue;
    Error error = Error::sys(errno, "mkdir " + current);
    // Leave nothing behind: the caller never learns about these directories.
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
      if (hooks.before_rmdir) hooks.before_rmdir(*it);
      // The mkdir error is the one reported; a directory that cannot go is said in the log.
      if (::rmdir(it->c_str()) != 0) log::warn("cgroup: {}", Error::sys(errno, "rmdir " + *it).to_string());
    }
    return fail(std::move(error));
  }
  return created;
}

Result<void> attach(const std::string& dir, pid_t pid) {
  const std::string value = std::to_string(pid);
  for (int attempt = 1;; ++attempt) {
    auto result = write(dir, "cgroup.procs", value);
    if (result) return {};
    if (result.error().code() != EINVAL || attempt == kAttachTries) {
      return fail(
          std::move(result).error().with_context(fmt::format("move pid {} into {}", pid, dir)));
    }
    std::this_thread::sleep_for(kAttachRetryDelay);
  }
}

std::vector<pid_t> parse_pids(std::string_view text) {
  std::vector<pid_t> pids;
  for (const std::string& line : strings::split(text, '\n')) {
    if (auto pid = strings::parse_int<pid_t>(strings::trim(line)); pid && *pid > 0) {
      pids.push_back(*pid);
    }
  }
  return pids;
}

Result<std::vector<pid_t>> all_pids(const std::string& dir) {
  std::vector<pid_t> pids;
  auto text = read(dir, "cgroup.procs");
  if (!text) {
    // A sub-cgroup removed while we walk is simply gone (ENOENT, or ENODEV on some kernels).
    if (text.error().code() == ENOENT || text.error().code() == ENODEV) return pids;
    return fail(std::move(text).error());
  }
  pids = parse_pids(*text);
  for (const std::string& child : child_cgroups(dir)) {
    std::vector<pid_t> more = CR_TRY(all_pids(child));
    pids.insert(pids.end(), more.begin(), more.end());
  }
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  return pids;
}

Result<void> signal_all(const std::vector<pid_t>& pids, int signo) {
  for (pid_t pid : pids) {
    if (::kill(pid, signo) != 0 && errno != ESRCH) {
      return fail(Error::sys(errno, fmt::format("kill {} with signal {}", pid, signo)));
    }
  }
  return {};
}

Result<void> kill_cgroup(const std::string& dir, int signo) {
  if (signo == SIGKILL && exists(join(dir, "cgroup.kill"))) {
    CR_TRY(write(dir, "cgroup.kill", "1"));
    return {};
  }
  std::vector<pid_t> signalled;
  for (int round = 0; round < kKillRounds; ++round) {
    std::vector<pid_t> pids = CR_TRY(all_pids(dir));
    std::vector<pid_t> fresh;
    std::set_difference(pids.begin(), pids.end(), signalled.begin(), signalled.end(),
                        std::back_inserter(fresh));
    if (fresh.empty()) return {};
    CR_TRY(signal_all(fresh, signo));
    // Other signals go once to each process; SIGKILL again to anything forked meanwhile.
    if (signo != SIGKILL) return {};
    signalled.insert(signalled.end(), fresh.begin(), fresh.end());
    std::sort(signalled.begin(), signalled.end());
  }
  return {};
}

Result<void> remove_tree(const std::string& dir, std::chrono::steady_clock::time_point deadline,
                         const std::function<void()>& on_busy, const DirHooks& hooks) {
  // The directory itself first: a container's cgroup rarely has sub-cgroups, and listing each
  // one before its rmdir cost an open, two getdents and a close per hierarchy — 36 syscalls of a
  // v1 teardown (issue 14, bench/PROFILE.md §4 item 7). Sub-cgroups or live processes make the
  // rmdir fail with EBUSY; then the children go first and remove_one waits for the processes.
  if (hooks.before_rmdir) hooks.before_rmdir(dir);
  if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
  for (const std::string& child : child_cgroups(dir)) {
    CR_TRY(remove_tree(child, deadline, on_busy, hooks));
  }
  return remove_one(dir, deadline, on_busy, hooks);
}

Result<void> remove_dirs(const std::vector<std::string>& created,
                         std::chrono::steady_clock::time_point deadline,
                         const std::function<void()>& on_busy, const DirHooks& hooks) {
  if (created.empty()) return {};
  CR_TRY(remove_tree(created.back(), deadline, on_busy, hooks));
  for (auto it = created.rbegin() + 1; it != created.rend(); ++it) {
    if (hooks.before_rmdir) hooks.before_rmdir(*it);
    if (::rmdir(it->c_str()) == 0 || errno == ENOENT) continue;
    // EBUSY/ENOTEMPTY: another container's cgroup lives here now; it stays, and so do we.
    if (errno == EBUSY || errno == ENOTEMPTY) {
      log::debug("cgroup: keeping {}: it is in use", *it);
      return {};
    }
    return fail(Error::sys(errno, "rmdir " + *it));
  }
  return {};
}

}  // namespace cruntime::cgroup::cgfs
