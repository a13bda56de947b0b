// The logger: text or JSON-lines records to stderr or a --log file (the only global mutable state).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "cruntime/base/error.hpp"

namespace cruntime::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kFatal = 4 };
enum class Format { kText, kJson };

struct Options {
  Level level = Level::kInfo;
  Format format = Format::kText;
  std::string path;  // empty: stderr
};

// Opens the --log file (O_APPEND, never truncated). Until init, records go to stderr as text.
Result<void> init(const Options& options);
// The fd records go to (stderr until init): the container init writes here directly.
int fd() noexcept;
Format format() noexcept;
bool enabled(Level level) noexcept;

// The container init before it waits for `start`: close the --log file (the container must hold
// no host file) and drop every later record.
void close_file() noexcept;

// One record = one write(2) of one line, so concurrent writers never interleave.
void write(Level level, std::string_view message);
// The record's line as it would be written (exposed for tests).
std::string format_line(Format format, Level level, std::string_view message, std::string_view time);

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::kDebug)) write(Level::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::kInfo)) write(Level::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::kWarning)) write(Level::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::kError, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace cruntime::log
