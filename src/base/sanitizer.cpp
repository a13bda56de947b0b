// Sharing the sanitizer report file with child processes (a no-op unless CRUNTIME_SANITIZE).
#include "cruntime/base/sanitizer.hpp"

#ifdef CRUNTIME_SANITIZE
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#endif

namespace cruntime::sanitizer {

#ifdef CRUNTIME_SANITIZE
namespace {

int g_report_fd = -1;     // sanitizer builds only: set once, before the first child exists
bool g_released = false;  // the init closed it: reports stay on stderr until execve

void* as_report_handle(int fd) { return reinterpret_cast<void*>(static_cast<intptr_t>(fd)); }

}  // namespace

void share_report_file() noexcept {
  if (g_report_fd >= 0 || g_released) return;
  // Opens <log_path>.<exe>.<pid> now (empty) and returns that path; "" when reports go to
  // stderr, which a child inherits as it is.
  const char* opened = __sanitizer_get_report_path();
  if (opened == nullptr || opened[0] != '/') return;
  const std::string path = opened;
  // The runtime's own fd lacks O_CLOEXEC (a hook or the payload would inherit it): setting the
  // path again closes it; our O_APPEND|O_CLOEXEC fd to the same file replaces it. Should that
  // open fail, reports go to <path>.<exe>.<pid> instead, next to it.
  __sanitizer_set_report_path(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return;
  __sanitizer_set_report_fd(as_report_handle(fd));
  g_report_fd = fd;
}

void adopt_report_file() noexcept {
  // Records the fd as opened by this process, so the runtime does not reopen the path.
  if (g_report_fd >= 0) __sanitizer_set_report_fd(as_report_handle(g_report_fd));
}

void release_report_file() noexcept {
  g_released = true;
  if (g_report_fd < 0) return;
  __sanitizer_set_report_fd(as_report_handle(STDERR_FILENO));
  ::close(g_report_fd);
  g_report_fd = -1;
}

#else

void share_report_file() noexcept {}
void adopt_report_file() noexcept {}
void release_report_file() noexcept {}

#endif

}  // namespace cruntime::sanitizer
