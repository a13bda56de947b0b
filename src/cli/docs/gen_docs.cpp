// cruntime-gen-docs: writes the man pages and the bash completion from the command table at build
// time (CMakeLists.txt runs it), so they cannot drift from `cruntime --help`. Not installed.
#include <unistd.h>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "../globals.hpp"
#include "completion.hpp"
#include "cruntime/base/build_info.hpp"
#include "cruntime/base/fs.hpp"
#include "man_page.hpp"

namespace cruntime::cli::docs {
namespace {

constexpr std::string_view kUsage = "usage: cruntime-gen-docs MAN_DIR BASH_COMPLETION_FILE\n";

Result<void> generate(const std::string& man_dir, const std::string& bash_file) {
  CR_TRY(fs::mkdir_p(man_dir));
  for (const ManPage& page : man_pages(command_table(), global_options(), build::kVersion)) {
    CR_TRY(fs::write_file_atomic(man_dir + "/" + page.file_name, page.text));
  }
  CR_TRY(fs::write_file_atomic(bash_file, bash_completion(command_table(), global_options())));
  return {};
}

}  // namespace
}  // namespace cruntime::cli::docs

int main(int argc, char** argv) {
  using namespace cruntime;
  if (argc != 3) {
    (void)fs::write_all(STDERR_FILENO, cli::docs::kUsage);
    return 2;
  }
  if (auto done = cli::docs::generate(argv[1], argv[2]); !done) {
    (void)fs::write_all(STDERR_FILENO,
                        fmt::format("cruntime-gen-docs: {}\n", done.error().to_string()));
    return 1;
  }
  return 0;
}
