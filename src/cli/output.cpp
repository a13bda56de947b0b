// Writing command output (data, help) to stdout: stdout is data, stderr is diagnostics.
#include <unistd.h>

#include "commands.hpp"
#include "cruntime/base/fs.hpp"

namespace cruntime::cli {

Result<void> print_stdout(std::string_view text) {
  CR_TRY_CTX(fs::write_all(STDOUT_FILENO, text), "write to stdout");
  return {};
}

}  // namespace cruntime::cli
