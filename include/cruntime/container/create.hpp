// The whole of `create` after prepare_bundle, shared with `run`.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/container/prepare_bundle.hpp"

namespace cruntime::container {

struct CreatedContainer {
  pid_t init_pid = 0;
  bool init_is_child = true;  // run waits for it with waitpid
};

Result<CreatedContainer> create_container(const GlobalOptions& global, std::string_view id,
                                          const CreateOptions& options, PreparedBundle prepared);

}  // namespace cruntime::container
