// `cruntime features`: print the Features document of this build (runtime-spec features.md).
#include "commands.hpp"
#include "cruntime/spec/io.hpp"

namespace cruntime::cli {

Result<int> run_features(const Invocation& /*invocation*/) {
  std::string text = spec::dump_features(container::features());
  if (text.empty() || text.back() != '\n') text += '\n';
  CR_TRY(print_stdout(text));
  return 0;
}

}  // namespace cruntime::cli
