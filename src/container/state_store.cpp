// The state store: <root>/<id>/ directories reached only through directory fds, flock, state.json.
#include "cruntime/container/state_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/spec/io.hpp"

namespace cruntime::container {
namespace {

constexpr int kDirOpenFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
// state.json holds the config's annotations, which load_config caps at kMaxConfigBytes.
constexpr size_t kMaxStateBytes = 2 * spec::kMaxConfigBytes;
// <root>/<id>/notify/ is the deepest thing we create; anything far deeper is not ours.
constexpr int kMaxRemoveDepth = 16;

Error does_not_exist(std::string_view id) {
  return Error::msg(fmt::format("container \"{}\" does not exist", id));
}

struct DirEntry {
  std::string name;
  bool is_dir = false;
};

// Entries of an open directory, without "." and "..", sorted. Reads through a fresh open of "."
// so the caller's fd keeps its own offset.
Result<std::vector<DirEntry>> read_entries(int dir_fd) {
  UniqueFd fd = CR_TRY_CTX(fs::open_at(dir_fd, ".", O_RDONLY | O_DIRECTORY), "open directory");
  CHandle<DIR, ::closedir> dir(::fdopendir(fd.get()));
  if (!dir) return fail(Error::sys(errno, "open directory"));
  fd.release();  // closedir closes it now
  std::vector<DirEntry> entries;
  errno = 0;
  while (dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::fstatat(::dirfd(dir.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
               S_ISDIR(st.st_mode);
    }
    entries.push_back({std::string(name), is_dir});
    errno = 0;
  }
  if (errno != 0) return fail(Error::sys(errno, "read directory"));
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

// Removes `name` (a directory) under parent_fd with everything in it. Nothing is followed: a
// subdirectory is opened O_NOFOLLOW and every other entry, symlinks included, is unlinked itself.
Result<void> remove_tree_at(int parent_fd, const std::string& name, int depth) {
  if (depth > kMaxRemoveDepth) return fail(Error::sys(ELOOP, fmt::format("remove {}", name)));
  int raw = ::openat(parent_fd, name.c_str(), kDirOpenFlags);
  if (raw < 0 && errno == ENOENT) return {};
  if (raw < 0) return fail(Error::sys(errno, fmt::format("open {}", name)));
  UniqueFd fd(raw);
  auto entries = CR_TRY_CTX(read_entries(fd.get()), "{}", name);
  for (const DirEntry& entry : entries) {
    if (entry.is_dir) {
      CR_TRY_CTX(remove_tree_at(fd.get(), entry.name, depth + 1), "{}", name);
      continue;
    }
    if (::unlinkat(fd.get(), entry.name.c_str(), 0) != 0 && errno != ENOENT) {
      return fail(Error::sys(errno, fmt::format("remove {}/{}", name, entry.name)));
    }
  }
  if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return fail(Error::sys(errno, fmt::format("remove {}", name)));
  }
  return {};
}

// Explains why an O_NOFOLLOW|O_DIRECTORY open failed with ELOOP/ENOTDIR.
Error not_a_plain_dir(int dir_fd, const std::string& name, const std::string& shown, int err) {
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    return Error::msg(fmt::format("{} is a symbolic link; refusing to use it", shown));
  }
  return Error::sys(err, fmt::format("open {}", shown));
}

}  // namespace

ContainerDir::ContainerDir(UniqueFd fd, std::string id, std::string path)
    : fd_(std::move(fd)), id_(std::move(id)), path_(std::move(path)) {}

Result<void> ContainerDir::lock() {
  while (::flock(fd_.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return fail(Error::sys(errno, fmt::format("lock {}", path_)));
  }
  locked_ = true;
  // `delete` may have removed the directory while we waited (tmpfs/ext4 report nlink 0 then;
  // elsewhere the next lookup inside the dead directory fails with ENOENT instead).
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return fail(Error::sys(errno, fmt::format("stat {}", path_)));
  if (st.st_nlink == 0) return fail(does_not_exist(id_));
  return {};
}

Result<bool> ContainerDir::try_lock() {
  while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return false;
    if (errno != EINTR) return fail(Error::sys(errno, fmt::format("lock {}", path_)));
  }
  locked_ = true;
  return true;
}

Result<spec::StoredState> ContainerDir::read_state() const {
  auto in_state_file = [this](Error e) {
    return fail(std::move(e)
                    .with_context(std::string(kStateFileName))
                    .with_context(fmt::format("container \"{}\"", id_)));
  };
  // kStateFileName is a literal, so data() is NUL-terminated.
  // O_NONBLOCK: a fifo planted as state.json must not hang us; it is refused just below.
  int raw =
      ::openat(fd_.get(), kStateFileName.data(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (raw < 0 && errno == ENOENT) return fail(does_not_exist(id_));
  if (raw < 0) return in_state_file(Error::sys(errno, "open"));
  UniqueFd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return in_state_file(Error::sys(errno, "stat"));
  if (!S_ISREG(st.st_mode)) return in_state_file(Error::msg("not a regular file"));
  auto text = fs::read_fd(fd.get(), kMaxStateBytes);
  if (!text) return in_state_file(std::move(text).error());
  if (text->empty()) return in_state_file(Error::msg("empty file"));
  auto parsed = spec::parse_stored_state(*text);
  if (!parsed) {  // its outermost frame already names state.json
    return fail(std::move(parsed).error().with_context(fmt::format("container \"{}\"", id_)));
  }
  if (parsed->id != id_) {
    return in_state_file(Error::msg(fmt::format("records the id \"{}\"", parsed->id)));
  }
  // kill(2) with pid 0 or -N signals whole process groups: never let such a value through. A
  // record of a create still under way (or killed) has its creator instead of an init.
  if (parsed->creating ? parsed->creator_pid <= 0 : parsed->init_pid <= 0) {
    return in_state_file(
        Error::msg(fmt::format("invalid {} pid {}", parsed->creating ? "creator" : "init",
                               parsed->creating ? parsed->creator_pid : parsed->init_pid)));
  }
  return std::move(parsed).value();
}

Result<void> ContainerDir::write_state(const spec::StoredState& state) const {
  CR_TRY_CTX(fs::write_file_atomic_at(fd_.get(), std::string(kStateFileName),
                                      spec::dump_stored_state(state), kStateFileMode),
             "container \"{}\": write {}", id_, kStateFileName);
  return {};
}

Result<bool> ContainerDir::has_entry(std::string_view name) const {
  struct stat st {};
  std::string n(name);
  if (::fstatat(fd_.get(), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
  if (errno == ENOENT) return false;
  return fail(Error::sys(errno, fmt::format("stat {}/{}", path_, n)));
}

Result<uid_t> ContainerDir::owner_uid() const {
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return fail(Error::sys(errno, fmt::format("stat {}", path_)));
  return st.st_uid;
}

Result<StateRoot> StateRoot::open(const std::string& path) {
  if (path.empty()) return fail_msg("state root path is empty");
  int raw = ::open(path.c_str(), kDirOpenFlags);
  if (raw >= 0) return StateRoot(UniqueFd(raw), path);
  int err = errno;
  if (err == ELOOP || err == ENOTDIR) {
    return fail(not_a_plain_dir(AT_FDCWD, path, fmt::format("state root {}", path), err));
  }
  if (err == EACCES) {
    // Each user keeps its own root (mode 0700): another user's --root is closed to the caller.
    return fail(Error::sys(err, fmt::format("state root {} is not accessible to uid {} (another "
                                            "user's containers?)",
                                            path, ::geteuid())));
  }
  return fail(Error::sys(err, fmt::format("open state root {}", path)));
}

Result<StateRoot> StateRoot::open_or_create(const std::string& path) {
  auto existing = open(path);
  if (existing || existing.error().code() != ENOENT) return existing;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    CR_TRY_CTX(fs::mkdir_p(path.substr(0, slash), 0755), "create state root {}", path);
  }
  // EEXIST: a concurrent create made it first, which is fine.
  if (::mkdir(path.c_str(), kRootDirMode) != 0 && errno != EEXIST) {
    return fail(Error::sys(errno, fmt::format("create state root {}", path)));
  }
  return open(path);
}

Result<ContainerDir> StateRoot::create_container(std::string_view id) const {
  CR_TRY(validate_id(id));
  std::string name(id);
  // mkdirat is the atomic reservation of the id: of two racing creates exactly one succeeds.
  if (::mkdirat(fd_.get(), name.c_str(), kContainerDirMode) != 0) {
    if (errno == EEXIST) {
      return fail_msg("container \"{}\" already exists (container with given ID already exists)",
                      id);
    }
    return fail(Error::sys(errno, fmt::format("create {}/{}", path_, name)));
  }
  auto dir = open_container(id);
  if (dir) {
    auto locked = dir->lock();
    if (locked) return dir;
    dir = fail(std::move(locked).error());
  }
  // Only an empty directory goes: never something another process put in our place.
  // The lock error is the one reported; a directory that cannot go is said in the log.
  if (::unlinkat(fd_.get(), name.c_str(), AT_REMOVEDIR) != 0) {
    log::warn("{}", Error::sys(errno, fmt::format("remove {}/{}", path_, name)).to_string());
  }
  return fail(std::move(dir).error().with_context(fmt::format("create {}/{}", path_, name)));
}

Result<ContainerDir> StateRoot::open_container(std::string_view id) const {
  CR_TRY(validate_id(id));
  std::string name(id);
  std::string shown = fmt::format("{}/{}", path_, name);
  int raw = ::openat(fd_.get(), name.c_str(), kDirOpenFlags);
  if (raw >= 0) return ContainerDir(UniqueFd(raw), name, shown);
  int err = errno;
  if (err == ENOENT) return fail(does_not_exist(id));
  Error e = (err == ELOOP || err == ENOTDIR) ? not_a_plain_dir(fd_.get(), name, shown, err)
                                             : Error::sys(err, fmt::format("open {}", shown));
  return fail(std::move(e).with_context(fmt::format("container \"{}\"", id)));
}

Result<std::vector<std::string>> StateRoot::list_ids() const {
  auto entries = CR_TRY_CTX(read_entries(fd_.get()), "state root {}", path_);
  std::vector<std::string> ids;
  for (DirEntry& entry : entries) {
    // Directories whose name no container id can have are the runtime's own (the seccomp
    // program cache, '@seccomp-cache').
    if (entry.is_dir && validate_id(entry.name)) ids.push_back(std::move(entry.name));
  }
  return ids;
}

Result<void> StateRoot::remove_container(std::string_view id) const {
  CR_TRY(validate_id(id));
  std::string name(id);
  std::string shown = fmt::format("{}/{}", path_, name);
  struct stat st {};
  if (::fstatat(fd_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return fail(Error::sys(errno, fmt::format("stat {}", shown)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return fail(not_a_plain_dir(fd_.get(), name, shown, ENOTDIR)
                    .with_context(fmt::format("container \"{}\"", id)));
  }
  CR_TRY_CTX(remove_tree_at(fd_.get(), name, 0), "remove container \"{}\" in {}", id, path_);
  return {};
}

}  // namespace cruntime::container
