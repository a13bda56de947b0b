// Compiled linux.seccomp programs kept under the state root, so a profile that was compiled once
// is not compiled again by every create and exec (issue 14: libseccomp takes ~15 ms of CPU and
// ~1 MB of heap for a docker-like profile, and gives the same program every time).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/spec/seccomp.hpp"

namespace cruntime::security {

// The directory under the state root. '@' is not allowed in container ids, so no container can
// own this name, and `list` does not mistake it for one.
inline constexpr std::string_view kSeccompCacheDirName = "@seccomp-cache";
// At most this many cached programs: a profile goes to the slot its key hashes to, replacing
// whatever was there, so the cache never grows past kSeccompCacheSlots files of at most
// 2 × 32 KiB each (key + BPF_MAXINSNS instructions).
inline constexpr unsigned kSeccompCacheSlots = 64;

// Everything the compiled program depends on: the profile (without its listener fields, which
// only the runtime reads), libseccomp's version and API level (its kernel probes), the kernel
// release and architecture, and this binary (device, inode, size, mtime of /proc/self/exe), so an
// upgraded cruntime or libseccomp never takes another build's program.
Result<std::string> seccomp_cache_key(const spec::Seccomp& seccomp);

// The cache file: a header (magic, flags, sizes, a checksum of key and program), the key and the
// program. Pure; exposed for tests.
std::string encode_cached_program(std::string_view key, const SeccompProgram& program);
// nullopt unless `bytes` is exactly what encode_cached_program made for `key`.
std::optional<SeccompProgram> decode_cached_program(std::string_view key, std::string_view bytes);

// build_seccomp, through the cache in <state_root_fd>/@seccomp-cache: a hit reads one file; a
// miss compiles and stores. The cache is only an optimisation: any problem with it (a directory
// or file not owned by us or writable by others, a symlink, a short or foreign file, a full disk)
// is logged at debug level and the profile is compiled as if there were no cache.
Result<std::optional<SeccompProgram>> build_seccomp_cached(const spec::Seccomp& seccomp,
                                                           int state_root_fd);

}  // namespace cruntime::security
