// Path resolution scoped to a container root fd: openat2(RESOLVE_IN_ROOT) lookups, mkdir -p and
// file/symlink creation whose every component, symlinks included, stays inside the root.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::rootfs {

// Lexical cleanup for a path inside a root: absolute, no empty or "." components, ".." removes
// its predecessor and never climbs above "/" (what RESOLVE_IN_ROOT does with it anyway).
std::string clean_path(std::string_view path);
// "/a/b/c" → "/a/b"; "/a" → "/".
std::string parent_path(std::string_view clean);
// "/a/b/c" → "c"; "/" → "".
std::string base_name(std::string_view clean);

// The path the kernel shows for an fd (readlink of /proc/self/fd/N): where a resolved handle
// really is. Only for checks, never to reopen (that would be a path again).
Result<std::string> fd_path(int fd);

// openat2(root_fd, path, flags | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra):
// absolute symlinks and ".." are scoped to root_fd, so the result is always inside it. A leading
// "/" is allowed. Errors carry errno (ENOENT when missing) and name the path.
Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags = O_PATH,
                              uint64_t extra_resolve = 0);

// The same without the lexical cleanup: the kernel resolves every ".." (after a symlink, from
// the link's target), as a plain open of that path would. For host paths (bind sources).
Result<UniqueFd> open_in_root_as_written(int root_fd, std::string_view path, int flags = O_PATH);

// mkdir -p inside the root; returns an O_PATH|O_DIRECTORY fd of the directory. A dangling symlink
// on the way is followed (inside the root) and its target created, like mkdir -p through a link.
// Fails with ENOTDIR when a component exists and is not a directory.
Result<UniqueFd> mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode = 0755);

// The O_PATH fd of `path` if it exists (any type, symlinks followed inside the root), else an
// empty regular file created there (parents created) and its O_PATH fd.
Result<UniqueFd> open_or_create_file_in_root(int root_fd, std::string_view path,
                                             mode_t mode = 0644);

// A directory fd for the parent of `path` (created) and the last component, for the *at() calls
// that make one node (mknodat, symlinkat, unlinkat). The last component is never "." or "..".
struct InRootParent {
  UniqueFd dir;
  std::string name;
};
Result<InRootParent> mkdir_parent_in_root(int root_fd, std::string_view path, mode_t mode = 0755);

// symlinkat(target, parent of link_path, name): the link text is stored as given (it is resolved
// later, by the container). Fails with EEXIST when something is already there.
Result<void> symlink_in_root(int root_fd, std::string_view target, std::string_view link_path);

}  // namespace cruntime::rootfs
