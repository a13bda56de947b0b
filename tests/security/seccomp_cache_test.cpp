// The compiled seccomp program cache: the file format (round trip, wrong key, torn or altered
// files) and build_seccomp_cached on a real directory (stores once, reads back, distrusts files
// that are not ours alone or are symlinks, keys on the profile but not its listener fields).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/security/seccomp_cache.hpp"
#include "cruntime/spec/io.hpp"
#include "support/golden.hpp"
#include "support/temp_dir.hpp"

namespace cruntime::security {
namespace {

spec::Seccomp containerd_profile() {
  auto config = spec::load_config(test::golden_path("containerd-cri.json"));
  REQUIRE(config);
  REQUIRE(config->linux_config);
  REQUIRE(config->linux_config->seccomp);
  return *config->linux_config->seccomp;
}

spec::Seccomp deny_uname() {
  spec::Seccomp out;
  out.default_action = "SCMP_ACT_ALLOW";
  out.syscalls = std::vector<spec::SeccompSyscall>{
      spec::SeccompSyscall{{"uname"}, "SCMP_ACT_ERRNO", 96U, std::nullopt}};
  return out;
}

SeccompProgram built(const spec::Seccomp& seccomp) {
  auto program = build_seccomp(seccomp);
  REQUIRE(program);
  REQUIRE(*program);
  return **program;
}

bool same(const SeccompProgram& a, const SeccompProgram& b) {
  return a.flags == b.flags && a.program.size() == b.program.size() &&
         std::equal(a.program.begin(), a.program.end(), b.program.begin(),
                    [](const sock_filter& x, const sock_filter& y) {
                      return x.code == y.code && x.jt == y.jt && x.jf == y.jf && x.k == y.k;
                    });
}

std::string cache_dir(const test::TempDir& root) {
  return root.join(std::string(kSeccompCacheDirName));
}

// The one file a single cached profile leaves.
std::string only_slot(const test::TempDir& root) {
  auto names = fs::list_dir(cache_dir(root));
  REQUIRE(names);
  REQUIRE(names->size() == 1);
  return cache_dir(root) + "/" + names->front();
}

TEST_CASE("seccomp cache: a program round-trips under its own key only", "[security]") {
  const SeccompProgram program = built(containerd_profile());
  const std::string bytes = encode_cached_program("key one", program);
  auto decoded = decode_cached_program("key one", bytes);
  REQUIRE(decoded);
  CHECK(same(*decoded, program));
  CHECK_FALSE(decode_cached_program("key two", bytes));
  CHECK_FALSE(decode_cached_program("key one", bytes.substr(0, bytes.size() - 1)));
  CHECK_FALSE(decode_cached_program("key one", bytes + "x"));
  CHECK_FALSE(decode_cached_program("key one", ""));
  std::string altered = bytes;
  altered[altered.size() - 3] ^= 0x40;  // inside the last instruction's k
  CHECK_FALSE(decode_cached_program("key one", altered));
}

TEST_CASE("seccomp cache: the key follows the profile, not its listener fields", "[security]") {
  spec::Seccomp profile = deny_uname();
  auto key = seccomp_cache_key(profile);
  REQUIRE(key);
  profile.listener_path = "/run/agent.sock";
  profile.listener_metadata = "meta";
  auto with_listener = seccomp_cache_key(profile);
  REQUIRE(with_listener);
  CHECK(*key == *with_listener);
  (*profile.syscalls)[0].errno_ret = 95U;
  auto other = seccomp_cache_key(profile);
  REQUIRE(other);
  CHECK(*key != *other);
}

TEST_CASE("seccomp cache: build_seccomp_cached stores once and reads the stored program back",
          "[security]") {
  test::TempDir root;
  UniqueFd root_fd(::open(root.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(root_fd);
  const spec::Seccomp profile = containerd_profile();
  auto first = build_seccomp_cached(profile, root_fd.get());
  REQUIRE(first);
  REQUIRE(*first);
  CHECK(same(**first, built(profile)));
  const std::string slot = only_slot(root);
  struct stat st {};
  REQUIRE(::stat(slot.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  REQUIRE(::stat(cache_dir(root).c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);

  // A hit is read from the file, not compiled again: put another (valid) program under the
  // same key and the next build returns that one.
  auto key = seccomp_cache_key(profile);
  REQUIRE(key);
  const SeccompProgram planted = built(deny_uname());
  REQUIRE(fs::write_file_atomic(slot, encode_cached_program(*key, planted), 0600));
  auto hit = build_seccomp_cached(profile, root_fd.get());
  REQUIRE(hit);
  REQUIRE(*hit);
  CHECK(same(**hit, planted));

  SECTION("a file others may write is not trusted: compiled again and replaced") {
    REQUIRE(::chmod(slot.c_str(), 0622) == 0);
    auto rebuilt = build_seccomp_cached(profile, root_fd.get());
    REQUIRE(rebuilt);
    CHECK(same(**rebuilt, built(profile)));
    REQUIRE(::stat(slot.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
  }
  SECTION("a symlink in the slot is not followed") {
    REQUIRE(::rename(slot.c_str(), root.join("elsewhere").c_str()) == 0);
    REQUIRE(::symlink(root.join("elsewhere").c_str(), slot.c_str()) == 0);
    auto rebuilt = build_seccomp_cached(profile, root_fd.get());
    REQUIRE(rebuilt);
    CHECK(same(**rebuilt, built(profile)));
  }
  SECTION("a cache directory others may write is not used, and the profile still builds") {
    REQUIRE(::chmod(cache_dir(root).c_str(), 0777) == 0);
    auto rebuilt = build_seccomp_cached(profile, root_fd.get());
    REQUIRE(rebuilt);
    CHECK(same(**rebuilt, built(profile)));
    REQUIRE(::chmod(cache_dir(root).c_str(), 0700) == 0);
  }
}

TEST_CASE("seccomp cache: an empty profile builds nothing and caches nothing", "[security]") {
  test::TempDir root;
  UniqueFd root_fd(::open(root.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(root_fd);
  auto none = build_seccomp_cached(spec::Seccomp{}, root_fd.get());
  REQUIRE(none);
  CHECK_FALSE(*none);
  CHECK(::access(cache_dir(root).c_str(), F_OK) != 0);
}

}  // namespace
}  // namespace cruntime::security
