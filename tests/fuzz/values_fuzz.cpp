// libFuzzer target: the small string parsers behind flags, config values and container
// messages. The first byte picks the parser (modulo their number), the rest is its input:
// Go durations (events --interval), uid/gid (exec --user, --additional-gids), exec --cgroup,
// signal names (kill), sizes and integers (update flags), cpu lists (execCPUAffinity, cpuset),
// GVariant values and slice names (org.systemd.property.*, cgroupsPath), container ids,
// sysctl keys, and the sd_notify datagrams a container sends.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../../src/cli/args.hpp"
#include "../../src/cli/commands.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/cgroup/systemd_bus.hpp"
#include "cruntime/cgroup/systemd_path.hpp"
#include "cruntime/cgroup/systemd_properties.hpp"
#include "cruntime/cgroup/systemd_value.hpp"
#include "cruntime/container/exec_cgroup.hpp"
#include "cruntime/container/exec_process.hpp"
#include "cruntime/container/notify_socket.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/process/scheduling.hpp"
#include "cruntime/process/sysctl.hpp"
#include "cruntime/sys/signals.hpp"
#include "fuzz_support.hpp"

namespace cruntime::fuzz {
namespace {

void go_duration(std::string_view text) {
  auto duration = cli::parse_go_duration(text);
  if (!duration) return consume_error(duration.error());
  if (!text.starts_with('-')) CR_FUZZ_CHECK(duration->count() >= 0, text);
}

// exec --user on the first line, --additional-gids and --cap on the others.
void exec_user(std::string_view text) {
  const std::vector<std::string> lines = split_all(text, '\n');
  auto user = container::parse_exec_user(lines.front());
  if (user) {
    CR_FUZZ_CHECK(user->uid != UINT32_MAX, text);
  } else {
    consume_error(user.error());
  }
  container::ExecOptions options;
  options.user = lines.front();
  options.additional_gids.assign(lines.begin() + 1, lines.end());
  options.caps.assign(lines.begin() + 1, lines.end());
  options.env.assign(lines.begin() + 1, lines.end());
  options.cwd = lines.back();
  spec::Process process;
  process.args = std::vector<std::string>{"sh"};
  process.cwd = "/";
  consume(container::apply_exec_overrides(process, options));
}

void signal(std::string_view text) {
  auto signo = sys::parse_signal(text);
  if (!signo) return;
  const std::string_view name = sys::signal_name(*signo);
  if (!name.empty()) CR_FUZZ_CHECK(sys::parse_signal(name) == signo, text);
}

void integers(std::string_view text) {
  (void)strings::parse_size(text);
  (void)strings::parse_int<int64_t>(text);
  (void)strings::parse_int<uint64_t>(text);
  (void)strings::parse_int<int>(text);
  (void)strings::parse_int<uint16_t>(text);
  (void)cli::parse_bool(text);
  (void)cgroup::parse_systemd_version(text);
}

void cpu_lists(std::string_view text) {
  auto cpus = process::parse_cpu_list(text);
  if (!cpus) consume_error(cpus.error());
  auto bits = cgroup::cpuset_bits(text);
  if (!bits) consume_error(bits.error());
}

void gvariant(std::string_view text) {
  auto value = cgroup::parse_gvariant(text);
  if (!value) return consume_error(value.error());
  (void)value->to_string();
}

// An org.systemd.property.<name> annotation: the name on the first line, the value after it.
void systemd_annotation(std::string_view text) {
  const size_t newline = text.find('\n');
  const std::string name(text.substr(0, newline));
  const std::string value(newline == std::string_view::npos ? "" : text.substr(newline + 1));
  consume(cgroup::annotation_properties({{"org.systemd.property." + name, value}}));
}

void cgroup_paths(std::string_view text) {
  consume(container::parse_cgroup_request(text));
  consume(cgroup::expand_slice(text));
  const std::optional<std::string> path{std::string(text)};
  consume(cgroup::systemd_placement(path, "fuzz"));
  consume(cgroup::resolve_cgroups_path(path, "fuzz"));
}

void names(std::string_view text) {
  consume(container::validate_id(text));
  consume(process::sysctl_components(text));
  (void)container::ready_line(text);
}

using Parser = void (*)(std::string_view);
constexpr Parser kParsers[] = {go_duration, exec_user,          signal,       integers, cpu_lists,
                               gvariant,    systemd_annotation, cgroup_paths, names};

}  // namespace
}  // namespace cruntime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime::fuzz;
  if (size == 0) return 0;
  constexpr size_t kCount = sizeof kParsers / sizeof kParsers[0];
  kParsers[data[0] % kCount](as_text(data + 1, size - 1));
  return 0;
}
