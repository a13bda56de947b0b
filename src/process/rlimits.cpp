// process.rlimits: the RLIMIT_* name table and applying the limits with prlimit(2).
#include <sys/resource.h>

#include <array>
#include <cerrno>
#include <string>
#include <utility>

#include "cruntime/process/process_setup.hpp"

namespace cruntime::process {
namespace {

// getrlimit(2): every resource Linux defines (RLIMIT_NLIMITS is 16).
constexpr std::array<std::pair<std::string_view, int>, 16> kRlimits = {{
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
}};

std::string limit_text(uint64_t value) {
  return value == RLIM_INFINITY ? "unlimited" : std::to_string(value);
}

Result<void> apply_one(pid_t pid, const spec::Rlimit& limit) {
  std::optional<int> resource = rlimit_resource(limit.type);
  if (!resource) return fail_msg("unknown rlimit type \"{}\"", limit.type);
  const rlimit value{static_cast<rlim_t>(limit.soft), static_cast<rlim_t>(limit.hard)};
  // prlimit rather than setrlimit so one code path serves both the init (pid 0 = itself) and a
  // parent acting on the init. glibc declares prlimit with its enum type.
  if (::prlimit(pid, static_cast<__rlimit_resource>(*resource), &value, nullptr) != 0) {
    return fail(Error::sys(errno, fmt::format("setrlimit soft {} hard {}", limit_text(limit.soft),
                                              limit_text(limit.hard)))
                    .with_context(limit.type));
  }
  return {};
}

}  // namespace

std::optional<int> rlimit_resource(std::string_view name) {
  for (const auto& [known, resource] : kRlimits) {
    if (known == name) return resource;
  }
  return std::nullopt;
}

Result<void> apply_rlimits(pid_t pid, const std::vector<spec::Rlimit>& rlimits) {
  for (const spec::Rlimit& limit : rlimits) CR_TRY(apply_one(pid, limit));
  return {};
}

Result<void> apply_rlimits(const std::vector<spec::Rlimit>& rlimits) {
  return apply_rlimits(0, rlimits);
}

}  // namespace cruntime::process
