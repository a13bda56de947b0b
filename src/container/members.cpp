// Listing a container's processes by pid namespace, for containers without a cgroup.
#include "cruntime/container/members.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <string>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::container {
namespace {

Result<ino_t> pid_namespace_of(pid_t pid) {
  struct stat st{};
  const std::string path = fmt::format("/proc/{}/ns/pid", pid);
  if (::stat(path.c_str(), &st) != 0) return fail(Error::sys(errno, fmt::format("stat {}", path)));
  return st.st_ino;
}

}  // namespace

Result<std::vector<pid_t>> pid_namespace_members(pid_t init) {
  const ino_t ns = CR_TRY(pid_namespace_of(init));
  const auto entries = CR_TRY(fs::list_dir("/proc"));
  std::vector<pid_t> members;
  for (const auto& name : entries) {
    auto pid = strings::parse_int<pid_t>(name);
    if (!pid) continue;
    auto other = pid_namespace_of(*pid);
    if (other && *other == ns) members.push_back(*pid);
  }
  std::sort(members.begin(), members.end());
  return members;
}

}  // namespace cruntime::container
