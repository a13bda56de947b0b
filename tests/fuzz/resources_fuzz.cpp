// libFuzzer target: the LinuxResources JSON of `update -r FILE` as update reads it, merged into a
// container's current resources, translated into cgroup v1/v2 writes and systemd properties, and
// saved into the config snapshot (which must read back the same).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cruntime/cgroup/resources_v1.hpp"
#include "cruntime/cgroup/resources_v2.hpp"
#include "cruntime/cgroup/systemd_properties.hpp"
#include "cruntime/cgroup/update.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"
#include "fuzz_support.hpp"

namespace cruntime::fuzz {
namespace {

// What a container created from `cruntime spec`'s config with a few limits holds.
spec::LinuxResources current_resources() {
  spec::LinuxResources r;
  r.memory = spec::MemoryResources{};
  r.memory->limit = 256 << 20;
  r.memory->swap = 512 << 20;
  r.cpu = spec::CpuResources{};
  r.cpu->shares = 1024;
  r.cpu->quota = 50000;
  r.cpu->period = 100000;
  r.pids = spec::PidsResources{100};
  return r;
}

void apply_plans(const spec::LinuxResources& resources) {
  consume(cgroup::translate_v1(resources));
  consume(cgroup::translate_v2(resources));
  consume(cgroup::resource_properties(resources, 252));
  consume(cgroup::resource_properties(resources, 240));
}

}  // namespace
}  // namespace cruntime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime;
  auto changes = spec::parse_resources(fuzz::as_text(data, size), "resources.json");
  if (!changes) {
    fuzz::consume_error(changes.error());
    return 0;
  }
  // As linux.resources of config.json (create) the same object is validated first.
  spec::Config config;
  config.linux_config.emplace();
  config.linux_config->resources = *changes;
  fuzz::consume(spec::check(config));
  fuzz::apply_plans(*changes);

  static const spec::LinuxResources kCurrent = fuzz::current_resources();
  const spec::LinuxResources& itself = *config.linux_config->resources;
  for (const spec::LinuxResources* current : {&kCurrent, &itself}) {
    const spec::LinuxResources merged = cgroup::merge_update(*current, *changes);
    fuzz::apply_plans(cgroup::updatable_part(merged));
    // update saves the merged resources in the snapshot; later commands parse it back.
    spec::Config snapshot;
    snapshot.linux_config.emplace();
    snapshot.linux_config->resources = merged;
    const std::string text = spec::dump_config(snapshot, -1);
    auto again = spec::parse_config(text);
    if (!again)
      fuzz::invariant_broken("the updated snapshot does not parse", again.error().to_string());
    CR_FUZZ_CHECK(*again == snapshot, text);
  }
  return 0;
}
