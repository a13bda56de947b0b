// process.oomScoreAdj: write /proc/<pid>/oom_score_adj through a handle verified to be procfs.
#include "cruntime/process/oom_score.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>

#include <cerrno>
#include <string>

#include "cruntime/base/fs.hpp"

namespace cruntime::process {

Result<void> set_oom_score_adj(pid_t pid, int score) {
  // proc(5): the range is -1000..1000; the kernel would say EINVAL without naming the field.
  if (score < -1000 || score > 1000) {
    return fail_msg("oom_score_adj {} is outside -1000..1000", score);
  }
  const std::string path =
      pid == 0 ? std::string("/proc/self/oom_score_adj") : fmt::format("/proc/{}/oom_score_adj", pid);
  // /proc/self is a magic symlink and must be followed; the file itself must not be a link.
  UniqueFd file = CR_TRY(fs::open(path, O_WRONLY | O_NOFOLLOW));
  // security.md "writes to /proc": the container may have arranged what /proc is.
  struct statfs st {};
  if (::fstatfs(file.get(), &st) != 0) return fail(Error::sys(errno, fmt::format("fstatfs {}", path)));
  if (st.f_type != PROC_SUPER_MAGIC) return fail_msg("{} is not on procfs", path);
  CR_TRY_CTX(fs::write_all(file.get(), std::to_string(score)), "{} = {}", path, score);
  return {};
}

}  // namespace cruntime::process
