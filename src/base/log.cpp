// Log records in runc's text (logrus) or JSON-lines shape; containerd parses the JSON form.
#include "cruntime/base/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "cruntime/base/clock.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::log {
namespace {

struct State {
  Options options;
  int fd = STDERR_FILENO;
};
State g_state;  // the one global: set once by init() before any other work

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
    case Level::kFatal: return "fatal";
  }
  return "info";
}


}  // namespace

Result<void> init(const Options& options) {
  g_state.options = options;
  if (options.path.empty()) return {};
  int fd = ::open(options.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_SYNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Error::sys(errno, fmt::format("open log file {}", options.path)));
  if (g_state.fd != STDERR_FILENO) ::close(g_state.fd);
  g_state.fd = fd;
  return {};
}

int fd() noexcept { return g_state.fd; }
Format format() noexcept { return g_state.options.format; }
bool enabled(Level level) noexcept { return level >= g_state.options.level; }

std::string format_line(Format format, Level level, std::string_view message, std::string_view time) {
  std::string line;
  if (format == Format::kJson) {
    line = "{\"level\":\"";
    line += level_name(level);
    line += "\",\"msg\":";
    line += strings::json_quote(message);
    line += ",\"time\":\"";
    line += time;
    line += "\"}\n";
    return line;
  }
  line = fmt::format("time=\"{}\" level={} msg=", time, level_name(level));
  line += strings::json_quote(message);
  line += '\n';
  return line;
}

void close_file() noexcept {
  if (g_state.fd != STDERR_FILENO && g_state.fd >= 0) ::close(g_state.fd);
  g_state.fd = -1;
}

void write(Level level, std::string_view message) {
  if (g_state.fd < 0) return;  // closed by close_file()
  std::string line = format_line(g_state.options.format, level, message, rfc3339_now());
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(g_state.fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report a logging failure
    done += static_cast<size_t>(n);
  }
}

}  // namespace cruntime::log
