// The OCI state as hooks and seccomp agents see it: the one place that fills it in.
#include "cruntime/spec/state.hpp"

#include "cruntime/spec/version.hpp"

namespace cruntime::spec {

State hook_state(std::string_view id, Status status, int pid, std::string_view bundle,
                 const std::map<std::string, std::string>& annotations) {
  State state;
  state.oci_version = std::string(kOciVersion);
  state.id = std::string(id);
  state.status = status;
  state.pid = pid;
  state.bundle = std::string(bundle);
  state.annotations = annotations;
  return state;
}

}  // namespace cruntime::spec
