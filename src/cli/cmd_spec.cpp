// `cruntime spec [-b DIR] [--rootless]`: write a starter config.json into a bundle (§7.13).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "commands.hpp"
#include "cruntime/base/fs.hpp"
#include "cruntime/spec/defaults.hpp"
#include "cruntime/spec/io.hpp"

namespace cruntime::cli {

Result<void> write_starter_config(const std::string& bundle, bool rootless, uid_t uid, gid_t gid) {
  spec::Config config = rootless ? spec::rootless_config(uid, gid) : spec::default_config();
  std::string text = spec::dump_config_tabs(config);
  std::string path = "config.json";
  if (!bundle.empty()) path = bundle.back() == '/' ? bundle + path : bundle + "/" + path;

  // O_EXCL makes "exists" and "create" one step: an existing file (or a dangling symlink) is
  // never overwritten. Mode 0666 is reduced by the umask, as runc's os.WriteFile does.
  auto opened = fs::open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (!opened) {
    if (opened.error().code() == EEXIST) return fail_msg("File {} exists. Remove it first", path);
    return fail(std::move(opened).error());
  }
  if (auto written = fs::write_all(opened->get(), text); !written) {
    // Don't leave a truncated config behind; the write error is the one to report.
    (void)::unlink(path.c_str());
    return fail(std::move(written).error().with_context(fmt::format("write {}", path)));
  }
  return {};
}

Result<int> run_spec(const Invocation& invocation) {
  const ParsedArgs& args = invocation.args;
  CR_TRY(write_starter_config(args.value("bundle"), args.flag("rootless"), geteuid(), getegid()));
  return 0;
}

}  // namespace cruntime::cli
