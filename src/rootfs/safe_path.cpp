// In-root path resolution with openat2(RESOLVE_IN_ROOT): lookups, mkdir -p, file and link creation.
#include "cruntime/rootfs/safe_path.hpp"

#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <vector>

#include "cruntime/sys/syscalls.hpp"

namespace cruntime::rootfs {
namespace {

// path_resolution(7): at most 40 symlinks per lookup; the same bound for our own redirections.
constexpr int kMaxLinkHops = 40;

std::vector<std::string> components(std::string_view clean) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start < clean.size()) {
    size_t slash = clean.find('/', start);
    size_t end = slash == std::string_view::npos ? clean.size() : slash;
    out.emplace_back(clean.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// sys::openat2 (EAGAIN/EINTR retried) with this file's own message for a failure.
Result<UniqueFd> openat2_as(int dir_fd, const std::string& path, int flags, uint64_t resolve,
                            std::string message) {
  auto fd = sys::openat2(dir_fd, path, flags, resolve);
  if (!fd) return fail(Error::sys(fd.error().code(), std::move(message)));
  return std::move(fd).value();
}

// Open a node this process just created in `dir_fd`, refusing any symlink (no swap-in).
Result<UniqueFd> open_created(int dir_fd, const std::string& name, int flags) {
  return openat2_as(dir_fd, name, flags | O_NOFOLLOW,
                    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
                    fmt::format("open new {}", name));
}

// The in-root path a dangling symlink `name` in directory `dir_fd` (reached as `dir_path`)
// points to; EEXIST when `name` is not a symlink (something else appeared there).
Result<std::string> redirect_through_link(int dir_fd, const std::string& dir_path,
                                          const std::string& name) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dir_fd, name.c_str(), buf, sizeof buf - 1);
  if (n < 0) {
    int err = errno == EINVAL ? EEXIST : errno;
    return fail(
        Error::sys(err, fmt::format("create {}/{}", dir_path == "/" ? "" : dir_path, name)));
  }
  std::string target(buf, static_cast<size_t>(n));
  // Relative targets are resolved from the link's directory; both stay inside the root.
  return clean_path(target.starts_with('/') ? target : dir_path + "/" + target);
}

std::string join_rest(const std::string& base, const std::vector<std::string>& parts, size_t from) {
  std::string out = base;
  for (size_t i = from; i < parts.size(); ++i) out += "/" + parts[i];
  return clean_path(out);
}

}  // namespace

std::string clean_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

std::string parent_path(std::string_view clean) {
  size_t slash = clean.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(clean.substr(0, slash));
}

std::string base_name(std::string_view clean) {
  size_t slash = clean.rfind('/');
  return std::string(slash == std::string_view::npos ? clean : clean.substr(slash + 1));
}

Result<std::string> fd_path(int fd) {
  char buf[PATH_MAX];
  std::string link = fmt::format("/proc/self/fd/{}", fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n < 0) return fail(Error::sys(errno, "readlink " + link));
  return std::string(buf, static_cast<size_t>(n));
}

Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags,
                              uint64_t extra_resolve) {
  std::string clean = clean_path(path);
  // openat2 treats "/x" as "x" under RESOLVE_IN_ROOT; "." names the root itself.
  std::string relative = clean == "/" ? "." : clean.substr(1);
  return openat2_as(root_fd, relative, flags,
                    RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve,
                    fmt::format("open {} in the rootfs", clean));
}

Result<UniqueFd> open_in_root_as_written(int root_fd, std::string_view path, int flags) {
  std::string_view rest = path;
  while (rest.starts_with('/')) rest.remove_prefix(1);
  const std::string relative = rest.empty() ? std::string(".") : std::string(rest);
  return openat2_as(root_fd, relative, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
                    fmt::format("open {}", path));
}

Result<UniqueFd> mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode) {
  std::string current = clean_path(path);
  for (int hops = 0; hops <= kMaxLinkHops; ++hops) {
    std::vector<std::string> parts = components(current);
    UniqueFd dir = CR_TRY(open_in_root(root_fd, "/", O_PATH | O_DIRECTORY));
    std::string walked = "/";
    bool redirected = false;
    for (size_t i = 0; i < parts.size() && !redirected; ++i) {
      std::string next = clean_path(walked + "/" + parts[i]);
      auto found = open_in_root(root_fd, next, O_PATH | O_DIRECTORY);
      if (found) {
        dir = std::move(found).value();
        walked = next;
        continue;
      }
      if (found.error().code() != ENOENT) return fail(std::move(found).error());
      if (::mkdirat(dir.get(), parts[i].c_str(), mode) == 0) {
        dir = CR_TRY(open_created(dir.get(), parts[i], O_PATH | O_DIRECTORY));
        walked = next;
        continue;
      }
      if (errno != EEXIST)
        return fail(Error::sys(errno, fmt::format("mkdir {} in the rootfs", next)));
      // Missing yet existing: a dangling symlink. Create what it points to, inside the root.
      std::string target = CR_TRY(redirect_through_link(dir.get(), walked, parts[i]));
      current = join_rest(target, parts, i + 1);
      redirected = true;
    }
    if (!redirected) return dir;
  }
  return fail(Error::sys(ELOOP, fmt::format("mkdir {} in the rootfs", clean_path(path))));
}

Result<UniqueFd> open_or_create_file_in_root(int root_fd, std::string_view path, mode_t mode) {
  std::string current = clean_path(path);
  if (current == "/") return fail(Error::sys(EISDIR, "create / in the rootfs"));
  for (int hops = 0; hops <= kMaxLinkHops; ++hops) {
    auto found = open_in_root(root_fd, current, O_PATH);
    if (found) return found;
    if (found.error().code() != ENOENT) return fail(std::move(found).error());
    std::string dir_path = parent_path(current);
    std::string name = base_name(current);
    UniqueFd dir = CR_TRY(mkdir_all_in_root(root_fd, dir_path));
    int fd = ::openat(dir.get(), name.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
                      mode);
    if (fd >= 0) {
      UniqueFd created(fd);
      return open_created(dir.get(), name, O_PATH);
    }
    if (errno != EEXIST)
      return fail(Error::sys(errno, fmt::format("create {} in the rootfs", current)));
    current = CR_TRY(redirect_through_link(dir.get(), dir_path, name));
  }
  return fail(Error::sys(ELOOP, fmt::format("create {} in the rootfs", clean_path(path))));
}

Result<InRootParent> mkdir_parent_in_root(int root_fd, std::string_view path, mode_t mode) {
  std::string clean = clean_path(path);
  if (clean == "/") return fail(Error::sys(EINVAL, "the rootfs itself has no parent"));
  InRootParent out;
  out.dir = CR_TRY(mkdir_all_in_root(root_fd, parent_path(clean), mode));
  out.name = base_name(clean);
  return out;
}

Result<void> symlink_in_root(int root_fd, std::string_view target, std::string_view link_path) {
  InRootParent parent = CR_TRY(mkdir_parent_in_root(root_fd, link_path));
  std::string text(target);
  if (::symlinkat(text.c_str(), parent.dir.get(), parent.name.c_str()) != 0) {
    return fail(Error::sys(errno, fmt::format("symlink {} -> {}", clean_path(link_path), text)));
  }
  return {};
}

}  // namespace cruntime::rootfs
