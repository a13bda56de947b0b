// Host-side file helpers with Result errors that name the path.
#include "cruntime/base/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cruntime::fs {

Result<UniqueFd> open(const std::string& path, int flags, mode_t mode) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return fail(Error::sys(errno, fmt::format("open {}", path)));
  return UniqueFd(fd);
}

Result<UniqueFd> open_at(int dir_fd, const std::string& name, int flags, mode_t mode) {
  int fd = ::openat(dir_fd, name.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return fail(Error::sys(errno, fmt::format("open {}", name)));
  return UniqueFd(fd);
}

Result<UniqueFd> above_stdio(UniqueFd fd) {
  if (fd.get() > 2) return fd;
  int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return fail(Error::sys(errno, "fcntl F_DUPFD_CLOEXEC"));
  return UniqueFd(moved);
}

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(Error::sys(errno, "pipe2"));
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  Pipe pipe;
  pipe.read = CR_TRY(above_stdio(std::move(read_end)));
  pipe.write = CR_TRY(above_stdio(std::move(write_end)));
  return pipe;
}

Result<std::string> read_fd(int fd, size_t max_size) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::sys(errno, "read"));
    if (n == 0) return out;
    if (out.size() + static_cast<size_t>(n) > max_size) {
      return fail(Error::sys(EFBIG, fmt::format("read: larger than {} bytes", max_size)));
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<std::string> read_file(const std::string& path, size_t max_size) {
  UniqueFd fd = CR_TRY(open(path, O_RDONLY));
  return CR_TRY_CTX(read_fd(fd.get(), max_size), "{}", path);
}

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::sys(errno, "write"));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<void> write_file_atomic_at(int dir_fd, const std::string& name, std::string_view data,
                                  mode_t mode, Durability durability) {
  std::string tmp = fmt::format(".{}.tmp-{}", name, getpid());
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
  int fd = ::openat(dir_fd, tmp.c_str(), kFlags, mode);
  // Left by a writer that was killed and had our pid (no live process has it): stale, replace.
  if (fd < 0 && errno == EEXIST && ::unlinkat(dir_fd, tmp.c_str(), 0) == 0) {
    fd = ::openat(dir_fd, tmp.c_str(), kFlags, mode);
  }
  if (fd < 0) return fail(Error::sys(errno, fmt::format("create {}", tmp)));
  UniqueFd owned(fd);
  auto cleanup_tmp = [&] { ::unlinkat(dir_fd, tmp.c_str(), 0); };
  if (auto r = write_all(fd, data); !r) {
    cleanup_tmp();
    return fail(std::move(r).error().with_context(fmt::format("write {}", tmp)));
  }
  if (durability == Durability::kSync && ::fsync(fd) != 0) {
    int err = errno;
    cleanup_tmp();
    return fail(Error::sys(err, fmt::format("fsync {}", tmp)));
  }
  if (::renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str()) != 0) {
    int err = errno;
    cleanup_tmp();
    return fail(Error::sys(err, fmt::format("rename {} to {}", tmp, name)));
  }
  return {};
}

Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  UniqueFd dir_fd = CR_TRY(open(dir, O_RDONLY | O_DIRECTORY));
  CR_TRY_CTX(write_file_atomic_at(dir_fd.get(), name, data, mode), "write {}", path);
  return {};
}

Result<void> mkdir_p(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) {
      return fail(Error::sys(errno, fmt::format("mkdir {}", prefix)));
    }
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return fail(Error::sys(errno, fmt::format("stat {}", path)));
  if (!S_ISDIR(st.st_mode)) return fail(Error::sys(ENOTDIR, fmt::format("mkdir {}", path)));
  return {};
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
  CHandle<DIR, ::closedir> dir(::opendir(path.c_str()));
  if (!dir) return fail(Error::sys(errno, fmt::format("open directory {}", path)));
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return fail(Error::sys(errno, fmt::format("read directory {}", path)));
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace cruntime::fs
