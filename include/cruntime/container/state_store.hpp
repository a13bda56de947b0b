// The on-disk state store: <root>/<id>/ directories, their flock, state.json I/O, listing, removal.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::container {

// Names inside <root>/<id>/ (cli-contract §5).
inline constexpr std::string_view kStateFileName = "state.json";
inline constexpr std::string_view kExecFifoName = "exec.fifo";

inline constexpr mode_t kRootDirMode = 0700;
inline constexpr mode_t kContainerDirMode = 0711;
inline constexpr mode_t kStateFileMode = 0600;

// One container's directory, held open by fd: every access is relative to it, so a rename or a
// symlink planted at <root>/<id> after opening cannot redirect us.
//
// The lock is flock(LOCK_EX) on this fd, released when the ContainerDir is destroyed. flock
// belongs to the open file description, which clone() shares with the child: the container init
// must close fd() right after clone, or `start` would wait on a lock the init holds until exec.
class ContainerDir {
 public:
  ContainerDir(UniqueFd fd, std::string id, std::string path);

  int fd() const noexcept { return fd_.get(); }
  const std::string& id() const noexcept { return id_; }
  const std::string& path() const noexcept { return path_; }  // for messages only
  bool locked() const noexcept { return locked_; }

  // Block until this process holds the exclusive lock. Fails with "does not exist" when the
  // directory was removed while we waited.
  Result<void> lock();
  // Non-blocking: false when another open of the directory holds the lock.
  Result<bool> try_lock();

  // Read <dir>/state.json. Missing → `container "X" does not exist`; unreadable or corrupt →
  // `container "X": state.json: <cause>`.
  Result<spec::StoredState> read_state() const;
  // Replace state.json atomically (temp file + fsync + rename): readers never see half a file.
  Result<void> write_state(const spec::StoredState& state) const;
  // Whether `name` exists in the directory (not following symlinks).
  Result<bool> has_entry(std::string_view name) const;
  // The uid owning the directory (`list` shows it as OWNER).
  Result<uid_t> owner_uid() const;

 private:
  UniqueFd fd_;
  std::string id_;
  std::string path_;
  bool locked_ = false;
};

// The --root directory, held open by fd. It must not be a symlink (nor may any <root>/<id>).
class StateRoot {
 public:
  // Open an existing root. Missing → ENOENT error `open state root <dir>`.
  static Result<StateRoot> open(const std::string& path);
  // Open the root, creating it (mode 0700, parents 0755) when missing. The create path uses this.
  static Result<StateRoot> open_or_create(const std::string& path);

  int fd() const noexcept { return fd_.get(); }
  const std::string& path() const noexcept { return path_; }

  // Reserve `id` by mkdirat(0711) and return it locked. An existing id fails with
  // `container "X" already exists (container with given ID already exists)`.
  Result<ContainerDir> create_container(std::string_view id) const;
  // Open <root>/<id> (not locked). Missing → `container "X" does not exist`; symlink → refused.
  Result<ContainerDir> open_container(std::string_view id) const;
  // Names of the subdirectories that are valid container ids (symlinks, files and the runtime's
  // own directories are not containers), sorted.
  Result<std::vector<std::string>> list_ids() const;
  // Remove <root>/<id> and everything in it, relative to directory fds, never following a
  // symlink (a symlink inside is unlinked itself). A missing directory is not an error.
  Result<void> remove_container(std::string_view id) const;

 private:
  StateRoot(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  UniqueFd fd_;
  std::string path_;
};

}  // namespace cruntime::container
