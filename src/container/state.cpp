// `cruntime state ID`: the container's OCI state with its status derived live (cli-contract §7.7).
#include "cruntime/container/container.hpp"
#include "cruntime/container/operations.hpp"

namespace cruntime::container {

Result<spec::State> state(const GlobalOptions& global, std::string_view id) {
  Container container = CR_TRY(Container::load(global, id));
  return container.oci_state();
}

}  // namespace cruntime::container
