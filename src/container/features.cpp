// `cruntime features`: the runtime-spec Features document describing what this build really does.
//
// Keep this file true. It lists only what cruntime implements today, and callers trust it
// (containerd and CRI-O decide e.g. on `rro` or idmapped mounts from it). Cruntime cannot run
// containers yet, so hooks, mountOptions and linux.* are absent on purpose. Every later feature
// (hooks, namespaces, capabilities, cgroup drivers, seccomp, mount options, ...) must add itself
// here in the same change that makes it work, and never before.
#include <fmt/format.h>
#include <seccomp.h>

#include <string>

#include "cruntime/base/build_info.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/spec/version.hpp"

namespace cruntime::container {
namespace {

// The libseccomp cruntime runs with (the shared library's version, not the headers').
std::string libseccomp_version() {
  const scmp_version* version = seccomp_version();
  if (version == nullptr) return "0.0.0";
  return fmt::format("{}.{}.{}", version->major, version->minor, version->micro);
}

}  // namespace

spec::Features features() {
  spec::Features out;
  out.oci_version_min = std::string(spec::kOciVersionMin);
  out.oci_version_max = std::string(spec::kOciVersion);
  out.annotations["io.github.cruntime.version"] = build::kVersion;
  out.annotations["io.github.cruntime.commit"] = build::kCommit;
  out.annotations["io.github.cruntime.libseccomp.version"] = libseccomp_version();
  // org.opencontainers.runc.checkpoint.enabled stays absent: there is no checkpoint/restore.
  return out;
}

}  // namespace cruntime::container
