// The compiled seccomp program cache under the state root (seccomp_cache.hpp).
#include "cruntime/security/seccomp_cache.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/io.hpp"

namespace cruntime::security {
namespace {

// Bumped whenever the file layout or what build_seccomp makes of a profile changes in a way the
// binary's identity in the key would not show (it always does for a new build; this is for
// readers of the format).
constexpr std::string_view kKeyVersion = "cruntime seccomp cache 1";
constexpr char kMagic[8] = {'C', 'R', 'S', 'C', 'M', 'P', '0', '1'};

struct Header {
  char magic[8];
  uint32_t flags;
  uint32_t key_size;
  uint32_t instruction_count;
  uint32_t reserved;
  uint64_t checksum;  // FNV-1a of key and program: a torn or foreign file is not used
};

// The key can hold the whole docker-like profile (~12 KiB of JSON); far more is not a profile
// anyone caches.
constexpr size_t kMaxKeyBytes = 256 * 1024;
constexpr size_t kMaxFileBytes = sizeof(Header) + kMaxKeyBytes + BPF_MAXINSNS * sizeof(sock_filter);

// FNV-1a, 64 bits: a slot number and a checksum, not a defence (the key is compared in full).
uint64_t fnv1a(std::string_view bytes, uint64_t hash = 14695981039346656037ULL) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string_view program_bytes(const std::vector<sock_filter>& program) {
  return {reinterpret_cast<const char*>(program.data()), program.size() * sizeof(sock_filter)};
}

uint64_t checksum(std::string_view key, std::string_view program) {
  return fnv1a(program, fnv1a(key));
}

std::string slot_name(std::string_view key) {
  return fmt::format("{:02x}.bpf", fnv1a(key) % kSeccompCacheSlots);
}

// Ours and not writable by anyone else; what a file or directory must be to be trusted.
bool trusted(const struct stat& st) {
  return st.st_uid == ::geteuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

Result<UniqueFd> open_cache_dir(int state_root_fd) {
  const std::string name(kSeccompCacheDirName);
  if (::mkdirat(state_root_fd, name.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(Error::sys(errno, fmt::format("create {}", name)));
  }
  UniqueFd dir = CR_TRY(fs::open_at(state_root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
  struct stat st {};
  if (::fstat(dir.get(), &st) != 0) return fail(Error::sys(errno, fmt::format("stat {}", name)));
  if (!trusted(st)) return fail_msg("{} is not owned by us or is writable by others", name);
  return dir;
}

std::optional<SeccompProgram> read_slot(int dir_fd, const std::string& slot, std::string_view key) {
  int raw = ::openat(dir_fd, slot.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (raw < 0) return std::nullopt;  // ENOENT: a miss; anything else: compile instead
  UniqueFd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || !trusted(st)) return std::nullopt;
  auto bytes = fs::read_fd(fd.get(), kMaxFileBytes);
  if (!bytes) return std::nullopt;
  return decode_cached_program(key, *bytes);
}

void store_slot(int dir_fd, const std::string& slot, std::string_view key,
                const SeccompProgram& program) {
  // No fsync: a file torn by a crash fails its checksum and is compiled again.
  auto written = fs::write_file_atomic_at(dir_fd, slot, encode_cached_program(key, program), 0600,
                                          fs::Durability::kNoSync);
  if (!written) log::debug("linux.seccomp: not cached: {}", written.error().to_string());
}

}  // namespace

Result<std::string> seccomp_cache_key(const spec::Seccomp& seccomp) {
  struct stat exe {};
  if (::stat("/proc/self/exe", &exe) != 0) {
    return fail(Error::sys(errno, "stat /proc/self/exe"));
  }
  struct utsname host {};
  if (::uname(&host) != 0) return fail(Error::sys(errno, "uname"));
  const scmp_version* version = seccomp_version();
  spec::Seccomp profile = seccomp;
  profile.listener_path.reset();
  profile.listener_metadata.reset();
  return fmt::format("{}\nexe {}:{} {} {}.{:09}\nlibseccomp {}.{}.{} api {}\nkernel {} {}\n{}",
                     kKeyVersion, exe.st_dev, exe.st_ino, exe.st_size, exe.st_mtim.tv_sec,
                     exe.st_mtim.tv_nsec, version->major, version->minor, version->micro,
                     seccomp_api_get(), host.release, host.machine, spec::dump_seccomp(profile));
}

std::string encode_cached_program(std::string_view key, const SeccompProgram& program) {
  const std::string_view code = program_bytes(program.program);
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.flags = program.flags;
  header.key_size = static_cast<uint32_t>(key.size());
  header.instruction_count = static_cast<uint32_t>(program.program.size());
  header.checksum = checksum(key, code);
  std::string out(reinterpret_cast<const char*>(&header), sizeof(header));
  out.append(key);
  out.append(code);
  return out;
}

std::optional<SeccompProgram> decode_cached_program(std::string_view key, std::string_view bytes) {
  Header header{};
  if (bytes.size() < sizeof(header)) return std::nullopt;
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  if (header.key_size != key.size() || header.instruction_count == 0 ||
      header.instruction_count > BPF_MAXINSNS) {
    return std::nullopt;
  }
  const size_t code_size = size_t{header.instruction_count} * sizeof(sock_filter);
  if (bytes.size() != sizeof(header) + key.size() + code_size) return std::nullopt;
  const std::string_view stored_key = bytes.substr(sizeof(header), key.size());
  const std::string_view code = bytes.substr(sizeof(header) + key.size());
  if (stored_key != key || header.checksum != checksum(key, code)) return std::nullopt;
  SeccompProgram program;
  program.flags = header.flags;
  program.program.resize(header.instruction_count);
  std::memcpy(program.program.data(), code.data(), code_size);
  return program;
}

Result<std::optional<SeccompProgram>> build_seccomp_cached(const spec::Seccomp& seccomp,
                                                           int state_root_fd) {
  if (seccomp_is_empty(seccomp)) return build_seccomp(seccomp);
  auto key = seccomp_cache_key(seccomp);
  if (!key || key->size() > kMaxKeyBytes) return build_seccomp(seccomp);
  auto dir = open_cache_dir(state_root_fd);
  if (!dir) {
    log::debug("linux.seccomp: compiled without the cache: {}", dir.error().to_string());
    return build_seccomp(seccomp);
  }
  const std::string slot = slot_name(*key);
  if (auto cached = read_slot(dir->get(), slot, *key)) {
    log::debug("linux.seccomp: program from {}/{}", kSeccompCacheDirName, slot);
    return std::optional<SeccompProgram>(std::move(*cached));
  }
  std::optional<SeccompProgram> built = CR_TRY(build_seccomp(seccomp));
  if (built) store_slot(dir->get(), slot, *key, *built);
  return built;
}

}  // namespace cruntime::security
