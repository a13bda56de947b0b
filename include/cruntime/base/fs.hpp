// Host-side file helpers: bounded reads, atomic writes (tmp + fsync + rename), mkdir -p, directory
// listing, pipes for a child's stdio.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::fs {

inline constexpr size_t kDefaultMaxRead = 16 * 1024 * 1024;

// Open with O_CLOEXEC always added; errors name the path.
Result<UniqueFd> open(const std::string& path, int flags, mode_t mode = 0);
Result<UniqueFd> open_at(int dir_fd, const std::string& name, int flags, mode_t mode = 0);
// Read a whole file; fails with EFBIG above max_size (hostile input never exhausts memory).
Result<std::string> read_file(const std::string& path, size_t max_size = kDefaultMaxRead);
Result<std::string> read_fd(int fd, size_t max_size = kDefaultMaxRead);
Result<void> write_all(int fd, std::string_view data);
// Write `<dir>/.<name>.tmp-<pid>` (O_EXCL), fsync, rename over path: readers see old or new, never half.
Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);
// Whether write_file_atomic_at fsyncs before the rename. kNoSync is for files whose readers
// verify them (a checksum) and can do without a torn one, such as the seccomp program cache.
enum class Durability { kSync, kNoSync };
// Same, relative to a directory fd (the state store uses this to stay inside its directory).
Result<void> write_file_atomic_at(int dir_fd, const std::string& name, std::string_view data,
                                  mode_t mode = 0644, Durability durability = Durability::kSync);
Result<void> mkdir_p(const std::string& path, mode_t mode = 0755);
// Names in a directory, without "." and "..", sorted.
Result<std::vector<std::string>> list_dir(const std::string& path);

// `fd` itself when above 2, else a CLOEXEC copy at the lowest free fd >= 3 (`fd` is closed): an
// fd a child will dup2 onto 0/1/2 must not be one of them already (the runtime may have been
// started with stdio closed).
Result<UniqueFd> above_stdio(UniqueFd fd);
struct Pipe {
  UniqueFd read;
  UniqueFd write;
};
// pipe2(O_CLOEXEC), both ends above_stdio.
Result<Pipe> make_pipe();

}  // namespace cruntime::fs
