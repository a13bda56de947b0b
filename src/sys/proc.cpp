// /proc/<pid>/stat parsing (pid start time, zombie detection), /proc/self/task counting, and
// opening a procfs root that is really one.
#include "cruntime/sys/proc.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::sys {
namespace {

// A stat line is well under 1 KiB; the bound only protects against a surprising /proc.
constexpr size_t kMaxStatBytes = size_t{64} * 1024;

// Fields are numbered from 1 as in proc(5); after the comm field, field 3 (state) comes first.
constexpr size_t kFirstFieldAfterComm = 3;
constexpr size_t kPpidField = 4;
constexpr size_t kStartTimeField = 22;

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos || text.find('(') > close) return std::nullopt;
  std::string_view rest = text.substr(close + 1);

  ProcStat out;
  size_t field = kFirstFieldAfterComm;
  bool have_start = false;
  size_t pos = 0;
  while (pos < rest.size() && !have_start) {
    while (pos < rest.size() && (rest[pos] == ' ' || rest[pos] == '\n')) ++pos;
    size_t end = rest.find_first_of(" \n", pos);
    if (end == std::string_view::npos) end = rest.size();
    if (end == pos) break;
    std::string_view token = rest.substr(pos, end - pos);
    if (field == kFirstFieldAfterComm) {
      if (token.size() != 1) return std::nullopt;
      out.state = token[0];
    } else if (field == kPpidField) {
      auto ppid = strings::parse_int<pid_t>(token);
      if (!ppid) return std::nullopt;
      out.ppid = *ppid;
    } else if (field == kStartTimeField) {
      auto start = strings::parse_int<uint64_t>(token);
      if (!start) return std::nullopt;
      out.start_time = *start;
      have_start = true;
    }
    ++field;
    pos = end;
  }
  if (!have_start) return std::nullopt;
  return out;
}

Result<ProcStat> read_proc_stat(pid_t pid) {
  // /proc/0 does not exist and /proc/-1 would be nonsense: refuse before touching /proc.
  if (pid <= 0) return fail(Error::sys(EINVAL, fmt::format("read /proc/{}/stat", pid)));
  std::string path = fmt::format("/proc/{}/stat", pid);
  std::string text = CR_TRY(fs::read_file(path, kMaxStatBytes));
  auto parsed = parse_proc_stat(text);
  if (!parsed) return fail_msg("{}: malformed contents", path);
  return *parsed;
}

std::optional<uint64_t> process_start_time(pid_t pid) {
  auto stat = read_proc_stat(pid);
  if (!stat) return std::nullopt;
  return stat->start_time;
}

bool is_alive(pid_t pid, uint64_t start_time) {
  auto stat = read_proc_stat(pid);
  if (!stat) return false;
  // A zombie has exited already; only its parent's wait is missing.
  if (stat->state == 'Z' || stat->state == 'X') return false;
  return stat->start_time == start_time;
}

bool in_initial_user_namespace() {
  auto text = fs::read_file("/proc/self/uid_map", size_t{64} * 1024);
  if (!text) return true;
  unsigned long long inside = 1, outside = 1, count = 0;
  int consumed = 0;
  const int fields =
      std::sscanf(text->c_str(), "%llu %llu %llu %n", &inside, &outside, &count, &consumed);
  return fields == 3 && inside == 0 && outside == 0 && count == UINT32_MAX &&
         static_cast<size_t>(consumed) == text->size();
}

Result<size_t> thread_count() {
  auto tasks = CR_TRY_CTX(fs::list_dir("/proc/self/task"), "count threads");
  return tasks.size();
}

Result<void> assert_single_threaded() {
  size_t threads = CR_TRY(thread_count());
  if (threads != 1) return fail_msg("internal error: {} threads before clone", threads);
  return {};
}

Result<UniqueFd> open_procfs(const std::string& path) {
  UniqueFd proc = CR_TRY(fs::open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW));
  struct statfs st{};
  if (::fstatfs(proc.get(), &st) != 0) {
    return fail(Error::sys(errno, fmt::format("statfs {}", path)));
  }
  if (st.f_type != PROC_SUPER_MAGIC) return fail_msg("{} is not a procfs", path);
  return proc;
}

}  // namespace cruntime::sys
