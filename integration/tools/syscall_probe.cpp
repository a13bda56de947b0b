// Test payload run inside containers (static, so it runs in the busybox rootfs): make raw
// syscalls with all arguments 0 and report how each ended, to check a seccomp filter from inside.
//
// usage: syscall-probe SYSCALL...
//   SYSCALL   a number (e.g. 1000, no syscall anywhere) or one of the names below, resolved at
//             build time for this architecture.
// stdout: one line per SYSCALL, "<SYSCALL>=<errno>" or "<SYSCALL>=0" when the call succeeded.
// Exit: 0, or 2 for an argument it does not understand.
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

struct Name {
  const char* name;
  long nr;
};

// Calls that are harmless with zero arguments (they fail with EFAULT/EINVAL or do nothing)
// and span the table: well below any profile's highest syscall, and above it.
constexpr Name kNames[] = {
    {"getcpu", SYS_getcpu},
    {"getppid", SYS_getppid},
    {"mkdirat", SYS_mkdirat},
    {"clone3", SYS_clone3},
    {"set_mempolicy_home_node", SYS_set_mempolicy_home_node},
};

bool resolve(const char* arg, long* nr) {
  for (const Name& n : kNames) {
    if (std::strcmp(n.name, arg) == 0) {
      *nr = n.nr;
      return true;
    }
  }
  char* end = nullptr;
  errno = 0;
  *nr = std::strtol(arg, &end, 10);
  return errno == 0 && end != arg && *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    long nr = 0;
    if (!resolve(argv[i], &nr)) {
      std::fprintf(stderr, "syscall-probe: not a number or known name: %s\n", argv[i]);
      return 2;
    }
    const long rc = ::syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L);
    std::printf("%s=%d\n", argv[i], rc < 0 ? errno : 0);
  }
  return 0;
}
