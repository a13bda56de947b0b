// build_container_seccomp (seccomp_program.hpp).
#include "cruntime/container/seccomp_program.hpp"

#include "cruntime/security/seccomp_cache.hpp"

namespace cruntime::container {

Result<std::optional<security::SeccompProgram>> build_container_seccomp(const spec::Config& config,
                                                                        const StateRoot& root) {
  if (!config.linux_config || !config.linux_config->seccomp) {
    return std::optional<security::SeccompProgram>();
  }
  return CR_TRY_CTX(security::build_seccomp_cached(*config.linux_config->seccomp, root.fd()),
                    "linux.seccomp");
}

}  // namespace cruntime::container
