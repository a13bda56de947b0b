// libFuzzer target: the `process` JSON of `exec -p FILE` as exec reads it (parse_process,
// check_process) and the pure steps exec takes with a process that passed the checks.
#include <cstddef>
#include <cstdint>

#include "cruntime/container/prepare_bundle.hpp"
#include "cruntime/container/rootless.hpp"
#include "cruntime/process/environment.hpp"
#include "cruntime/process/scheduling.hpp"
#include "cruntime/security/capability_names.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime;
  auto process = spec::parse_process(fuzz::as_text(data, size), "process.json");
  if (!process) {
    fuzz::consume_error(process.error());
    return 0;
  }
  // As config.json's process it must survive the snapshot round trip too.
  spec::Config config;
  config.process = *process;
  auto again = spec::parse_config(spec::dump_config(config, -1));
  if (!again)
    fuzz::invariant_broken("a parsed process does not round-trip", again.error().to_string());
  CR_FUZZ_CHECK(again->process == process.value(), spec::dump_config(config, -1));

  if (auto checked = spec::check_process(*process, "process.json"); !checked) {
    fuzz::consume_error(checked.error());
    return 0;
  }
  fuzz::consume(container::check_lsm_labels(*process, security::LsmSupport{}));
  fuzz::consume(container::check_additional_gids(1000, process->user));
  (void)process::build_environment(*process, {}, "");
  if (process->capabilities && process->capabilities->bounding) {
    for (const auto& name : *process->capabilities->bounding)
      (void)security::capability_number(name);
  }
  if (process->exec_cpu_affinity && process->exec_cpu_affinity->initial) {
    fuzz::consume(process::parse_cpu_list(*process->exec_cpu_affinity->initial));
  }
  return 0;
}
