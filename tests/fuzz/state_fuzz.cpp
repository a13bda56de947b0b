// libFuzzer target: <root>/<id>/state.json as every command after create reads it back from
// --root (ContainerDir::read_state: size limit, parse, id and pid checks), the cgroup path it
// records (open_manager), and the OCI state shapes (`state`, hooks' stdin, `list`).
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cruntime/cgroup/manager.hpp"
#include "cruntime/container/state_store.hpp"
#include "cruntime/spec/io.hpp"
#include "fuzz_support.hpp"
#include "temp_dir.hpp"

namespace cruntime::fuzz {
namespace {

// A hybrid host (this development machine's layout) and a unified one, under a path that does
// not exist: open_manager only places the cgroup, it touches nothing.
cgroup::Layout hybrid_layout() {
  cgroup::Layout layout;
  layout.mode = cgroup::Mode::kHybrid;
  layout.hierarchies = {
      {{"cpu", "cpuacct"}, "/nonexistent/cgroup/cpu,cpuacct", "/", "/"},
      {{"memory"}, "/nonexistent/cgroup/memory", "/", "/"},
      {{"name=systemd"}, "/nonexistent/cgroup/systemd", "/", "/user.slice"},
      {{}, "/nonexistent/cgroup/unified", "/", "/"},
  };
  return layout;
}

cgroup::Layout unified_layout() {
  cgroup::Layout layout;
  layout.mode = cgroup::Mode::kUnified;
  layout.unified_root = "/nonexistent/cgroup";
  layout.own_unified_cgroup = "/user.slice/session-1.scope";
  return layout;
}

void reopen_cgroup(const spec::StoredState& stored) {
  static const cgroup::Layout kHybrid = hybrid_layout();
  static const cgroup::Layout kUnified = unified_layout();
  for (const cgroup::Layout* layout : {&kHybrid, &kUnified}) {
    auto manager = stored.systemd_unit.empty()
                       ? cgroup::open_manager(*layout, stored.cgroup_path)
                       : cgroup::open_systemd_manager(*layout, stored.cgroup_path,
                                                      stored.systemd_unit, stored.systemd_user);
    if (!manager) {
      consume_error(manager.error());
      continue;
    }
    (void)(*manager)->path();
  }
}

}  // namespace
}  // namespace cruntime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime;
  const std::string_view text = fuzz::as_text(data, size);
  const fuzz::FuzzDir& dir = fuzz::fuzz_dir();
  // The directory of container "fuzz": read_state opens state.json relative to it.
  dir.put(std::string(container::kStateFileName), text);
  container::ContainerDir container(
      UniqueFd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)), "fuzz", dir.path());
  auto stored = container.read_state();
  if (!stored) fuzz::consume_error(stored.error());

  // The same bytes for any id: the parser itself, and what is built from a parsed record.
  auto parsed = spec::parse_stored_state(text);
  if (!parsed) {
    fuzz::consume_error(parsed.error());
  } else {
    const std::string again_text = spec::dump_stored_state(*parsed);
    auto again = spec::parse_stored_state(again_text);
    if (!again) fuzz::invariant_broken("state.json does not round-trip", again.error().to_string());
    CR_FUZZ_CHECK(*again == *parsed, again_text);
    fuzz::reopen_cgroup(*parsed);
    const spec::State state = spec::hook_state(parsed->id, spec::Status::kRunning, parsed->init_pid,
                                               parsed->bundle, parsed->annotations);
    (void)spec::dump_state(state);
    (void)spec::dump_state_for_hook(state);
    (void)spec::dump_state_list({state});
  }
  // Another runtime's `state` output (the OCI state object).
  auto oci = spec::parse_state(text);
  if (!oci) {
    fuzz::consume_error(oci.error());
  } else {
    auto again = spec::parse_state(spec::dump_state(*oci));
    if (!again)
      fuzz::invariant_broken("the OCI state does not round-trip", again.error().to_string());
  }
  return 0;
}
