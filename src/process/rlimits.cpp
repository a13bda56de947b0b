// process.rlimits: applying the limits with setrlimit(2) (names: spec/process_names.hpp).
#include "cruntime/process/rlimits.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>

#include "cruntime/spec/process_names.hpp"

namespace cruntime::process {
namespace {

std::string limit_text(uint64_t value) {
  return value == RLIM_INFINITY ? "unlimited" : std::to_string(value);
}

Result<void> apply_one(const spec::Rlimit& limit) {
  std::optional<int> resource = spec::rlimit_resource(limit.type);
  if (!resource) return fail_msg("unknown rlimit type \"{}\"", limit.type);
  const rlimit value{static_cast<rlim_t>(limit.soft), static_cast<rlim_t>(limit.hard)};
  // glibc declares setrlimit with its enum type.
  if (::setrlimit(static_cast<__rlimit_resource>(*resource), &value) != 0) {
    return fail(Error::sys(errno, fmt::format("setrlimit soft {} hard {}", limit_text(limit.soft),
                                              limit_text(limit.hard)))
                    .with_context(limit.type));
  }
  return {};
}

}  // namespace

Result<void> apply_rlimits(const std::vector<spec::Rlimit>& rlimits) {
  for (const spec::Rlimit& limit : rlimits) CR_TRY(apply_one(limit));
  return {};
}

}  // namespace cruntime::process
