// `cruntime check`, kernel: its release, the newer system calls cruntime needs,
// and id-mapped mounts.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "cruntime/container/check_probes.hpp"
#include "cruntime/process/userns_fd.hpp"
#include "cruntime/sys/kernel_probe.hpp"

namespace cruntime::container {
namespace {

// "EBADF" for a probe's errno; "success" for 0.
std::string errno_text(int err) {
  if (err == 0) return "success";
  const char* name = ::strerrorname_np(err);
  return name != nullptr ? name : std::to_string(err);
}

HostCheck syscall_check(const sys::SyscallProbe& probe) {
  HostCheck c = make_check(fmt::format("kernel.{}", probe.name));
  if (probe.present()) {
    c.value = "yes";
    c.reason = fmt::format("probed with {}: {}", probe.how, errno_text(probe.err));
    return c;
  }
  c.value = "no";
  c.status = CheckStatus::kMissing;
  c.reason = fmt::format("probed with {}: ENOSYS", probe.how);
  c.impact = "cruntime needs it for every container: create fails";
  c.blocks = true;
  return c;
}

HostCheck idmap_check(const CheckContext& ctx) {
  HostCheck c = make_check("kernel.idmapped_mounts");
  const sys::SyscallProbe attr = sys::probe_idmap_attr();
  const std::string how = fmt::format("{}: {}", attr.how, errno_text(attr.err));
  const std::string impact = "a mount with uidMappings/gidMappings (idmap, ridmap) fails";
  if (attr.err == ENOSYS || attr.err == EINVAL) {
    c.value = "no";
    c.status = CheckStatus::kMissing;
    c.reason = fmt::format("the kernel does not know MOUNT_ATTR_IDMAP (before 5.12; {})", how);
    c.impact = impact;
    return c;
  }
  if (ctx.euid != 0 || attr.err != EBADF) {
    c.value = "unknown";
    c.status = CheckStatus::kWarning;
    c.reason = fmt::format("not probed further: it needs root ({})", how);
    c.impact =
        "cruntime refuses id-mapped mounts for an unprivileged caller "
        "(as runc does)";
    return c;
  }
  // A user namespace mapping 0 to nobody, and a tmpfs that is never attached:
  // both are gone when their fds close at the end of this function.
  constexpr uint32_t kNobody = 65534;
  const std::vector<spec::IdMapping> map{{0, kNobody, 1}};
  const Result<void> mapped = [&]() -> Result<void> {
    const UniqueFd userns = CR_TRY(process::make_userns_fd(map, map));
    return sys::idmap_new_tmpfs(userns.get());
  }();
  if (mapped) {
    c.value = "yes";
    c.reason =
        "a detached tmpfs was id-mapped (fsopen + fsmount + mount_setattr "
        "MOUNT_ATTR_IDMAP) and released; other filesystems decide for "
        "themselves";
    return c;
  }
  c.value = "partial";
  c.status = CheckStatus::kWarning;
  c.reason = fmt::format(
      "the kernel knows MOUNT_ATTR_IDMAP, but id-mapping a detached tmpfs "
      "failed: {} (tmpfs supports it from 6.3)",
      mapped.error().to_string());
  c.impact = "an id-mapped mount fails on a filesystem that cannot be id-mapped";
  return c;
}

}  // namespace

std::vector<HostCheck> check_kernel(const CheckContext& ctx) {
  HostCheck release = make_check("kernel.release");
  release.value = sys::kernel_release();
  release.reason = "uname(2)";
  std::vector<HostCheck> out{release};
  for (const sys::SyscallProbe& probe : sys::probe_syscalls()) out.push_back(syscall_check(probe));
  out.push_back(idmap_check(ctx));
  return out;
}

}  // namespace cruntime::container
