// linux.sysctl: key → file under /proc/sys, written through one procfs handle without symlinks.
// Runs inside the init, before pivot_root: /proc is still the host's mount, but /proc/sys/net
// and the IPC keys show the namespaces of the task that opens them, i.e. the container's.
#include "cruntime/process/sysctl.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>

#include <cerrno>

#include "cruntime/base/fs.hpp"

namespace cruntime::process {
namespace {

// security.md "writes to /proc": every handle we write through must really be procfs.
Result<void> require_procfs(int fd, const std::string& path) {
  struct statfs st {};
  if (::fstatfs(fd, &st) != 0) return fail(Error::sys(errno, fmt::format("fstatfs {}", path)));
  if (st.f_type != PROC_SUPER_MAGIC) return fail_msg("{} is not on procfs", path);
  return {};
}

Result<UniqueFd> open_below(int dir_fd, const std::string& name, int flags,
                            const std::string& path) {
  int fd = ::openat(dir_fd, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail(Error::sys(errno, fmt::format("open {}", path)));
  return UniqueFd(fd);
}

Result<void> write_one(int proc_sys, const std::string& key, const std::string& value) {
  const std::vector<std::string> parts = CR_TRY(sysctl_components(key));
  std::string path = "/proc/sys";
  UniqueFd dir;
  int at = proc_sys;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += "/" + parts[i];
    UniqueFd next = CR_TRY(open_below(at, parts[i], O_PATH | O_DIRECTORY, path));
    dir = std::move(next);
    at = dir.get();
  }
  path += "/" + parts.back();
  UniqueFd file = CR_TRY(open_below(at, parts.back(), O_WRONLY, path));
  CR_TRY(require_procfs(file.get(), path));
  CR_TRY_CTX(fs::write_all(file.get(), value), "{} = \"{}\"", path, value);
  return {};
}

}  // namespace

Result<std::vector<std::string>> sysctl_components(std::string_view key) {
  // sysctl(8): '.' separates components unless the first separator is '/', in which case '/'
  // does and a '.' is part of a name; in dotted keys a '/' stands for a literal '.'.
  const size_t first = key.find_first_of("./");
  const bool slash_style = first != std::string_view::npos && key[first] == '/';
  const char separator = slash_style ? '/' : '.';
  std::vector<std::string> parts(1);
  for (char c : key) {
    if (c == separator) {
      parts.emplace_back();
    } else {
      parts.back() += (c == '/' ? '.' : c);
    }
  }
  for (const std::string& part : parts) {
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string::npos) {
      return fail_msg("invalid sysctl name \"{}\"", key);
    }
  }
  return parts;
}

Result<void> apply_sysctl(const std::map<std::string, std::string>& sysctl) {
  if (sysctl.empty()) return {};
  UniqueFd proc_sys = CR_TRY(open_below(AT_FDCWD, "/proc/sys", O_PATH | O_DIRECTORY, "/proc/sys"));
  CR_TRY(require_procfs(proc_sys.get(), "/proc/sys"));
  for (const auto& [key, value] : sysctl) {
    CR_TRY_CTX(write_one(proc_sys.get(), key, value), "{}", key);
  }
  return {};
}

}  // namespace cruntime::process
