// What the libFuzzer targets share: the input as text, a checked invariant, and the parts of an
// input split at a separator byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken invariant is a finding like a crash: libFuzzer saves the input on abort().
[[noreturn]] inline void invariant_broken(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

#define CR_FUZZ_CHECK(cond, detail)                                   \
  do {                                                                \
    if (!(cond)) ::cruntime::fuzz::invariant_broken(#cond, (detail)); \
  } while (0)

// Every error the runtime would print: formatting it must not crash either, and it is never
// empty (cli/main.cpp prints "cruntime: <text>").
inline void consume_error(const Error& error) {
  const std::string text = error.to_string();
  CR_FUZZ_CHECK(!text.empty(), "an error without a message");
}

template <class T>
void consume(const Result<T>& result) {
  if (!result) consume_error(result.error());
}

// `text` cut at every `separator` (an argv from NUL-separated bytes, a list of mount options).
inline std::vector<std::string> split_all(std::string_view text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

}  // namespace cruntime::fuzz
