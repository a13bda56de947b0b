// Linked into every fuzz target: libFuzzer calls this once before the first input.
#include "cruntime/base/log.hpp"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // Warnings the code under test logs (update's deprecated flags, ignored seccomp syscalls)
  // would drown libFuzzer's own lines; errors still show.
  (void)cruntime::log::init({.level = cruntime::log::Level::kError});
  return 0;
}
