// Error: an errno plus a chain of context frames; Result<T>, and the CR_TRY propagation macros.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cruntime/base/expected.hpp"

namespace cruntime {

class Error {
 public:
  // A failed system call: errno plus the operation, e.g. sys(EPERM, "mount proc on /proc").
  static Error sys(int err, std::string what);
  // A validation or protocol failure with no errno.
  static Error msg(std::string what);

  // Push an outer frame: "create" + "mount proc: EPERM" → "create: mount proc: EPERM".
  Error with_context(std::string outer) &&;
  Error& add_context(std::string outer);

  int code() const noexcept { return code_; }
  const std::vector<std::string>& frames() const noexcept { return frames_; }
  // "create: mount proc on /proc: Operation not permitted (EPERM)"
  std::string to_string() const;

  // A compact wire form (for the parent/child socket): "<errno>\n<frame>\n<frame>..."
  std::string to_wire() const;
  static Error from_wire(std::string_view wire);

  bool operator==(const Error&) const = default;

 private:
  int code_ = 0;
  std::vector<std::string> frames_;  // innermost first
};

template <class T>
using Result = Expected<T, Error>;

inline Unexpected<Error> fail(Error e) { return Unexpected<Error>(std::move(e)); }

template <class... Args>
Unexpected<Error> fail_msg(fmt::format_string<Args...> format, Args&&... args) {
  return Unexpected<Error>(Error::msg(fmt::format(format, std::forward<Args>(args)...)));
}

}  // namespace cruntime

#define CR_CONCAT_INNER_(a, b) a##b
#define CR_CONCAT_(a, b) CR_CONCAT_INNER_(a, b)

// Evaluate a Result; on failure return its Error from the enclosing function, else yield the value.
// Each expansion gets its own variable name (__COUNTER__), so CR_TRY calls may nest.
#define CR_TRY(expr) CR_TRY_IMPL_(expr, CR_CONCAT_(cr_try_result_, __COUNTER__))
#define CR_TRY_IMPL_(expr, var)                                             \
  __extension__({                                                           \
    auto&& var = (expr);                                                    \
    if (!var) return ::cruntime::Unexpected<::cruntime::Error>(std::move(var).error()); \
    std::move(var).value();                                                 \
  })

// Like CR_TRY, but adds an outer context frame formatted with fmt on failure.
#define CR_TRY_CTX(expr, ...) CR_TRY_CTX_IMPL_(expr, CR_CONCAT_(cr_try_result_, __COUNTER__), __VA_ARGS__)
#define CR_TRY_CTX_IMPL_(expr, var, ...)                                    \
  __extension__({                                                           \
    auto&& var = (expr);                                                    \
    if (!var)                                                               \
      return ::cruntime::Unexpected<::cruntime::Error>(                     \
          std::move(var).error().with_context(fmt::format(__VA_ARGS__)));   \
    std::move(var).value();                                                 \
  })
