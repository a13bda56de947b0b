// `cruntime update [flags|-r FILE|-] <id>` (cli-contract §7.11).
#include <unistd.h>

#include "commands.hpp"
#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/spec/io.hpp"

namespace cruntime::cli {
namespace {

template <class T>
Result<std::optional<T>> integer_flag(const ParsedArgs& args, std::string_view name) {
  if (!args.is_set(name)) return std::optional<T>{};
  const std::string text = args.value(name);
  auto value = strings::parse_int<T>(text);
  if (!value) return fail_msg("--{}: invalid value \"{}\": expected an integer", name, text);
  return std::optional<T>(*value);
}

// Memory sizes: "512m", "1g", "1048576"; -1 means unlimited (runc's units.RAMInBytes).
Result<std::optional<int64_t>> memory_flag(const ParsedArgs& args, std::string_view name) {
  if (!args.is_set(name)) return std::optional<int64_t>{};
  const std::string text = args.value(name);
  if (strings::trim(text) == "-1") return std::optional<int64_t>(-1);
  auto value = strings::parse_size(text);
  if (!value) return fail_msg("--{}: invalid value \"{}\": expected a size like 512m or -1", name, text);
  return std::optional<int64_t>(*value);
}

std::optional<std::string> string_flag(const ParsedArgs& args, std::string_view name) {
  if (!args.is_set(name)) return std::nullopt;
  return args.value(name);
}

}  // namespace

Result<spec::LinuxResources> resources_from_flags(const ParsedArgs& args) {
  for (std::string_view ignored : {"kernel-memory", "kernel-memory-tcp"}) {
    if (args.is_set(ignored)) log::warn("--{} is deprecated and ignored", ignored);
  }
  for (std::string_view rdt : {"l3-cache-schema", "mem-bw-schema"}) {
    if (args.is_set(rdt)) {
      return fail_msg("--{}: cruntime applies Intel RDT at create only (linux.intelRdt); it "
                      "cannot change a container's schemata",
                      rdt);
    }
  }
  spec::LinuxResources r;
  spec::MemoryResources memory;
  memory.limit = CR_TRY(memory_flag(args, "memory"));
  memory.reservation = CR_TRY(memory_flag(args, "memory-reservation"));
  memory.swap = CR_TRY(memory_flag(args, "memory-swap"));
  if (memory != spec::MemoryResources{}) r.memory = memory;

  spec::CpuResources cpu;
  cpu.shares = CR_TRY(integer_flag<uint64_t>(args, "cpu-share"));
  cpu.quota = CR_TRY(integer_flag<int64_t>(args, "cpu-quota"));
  cpu.period = CR_TRY(integer_flag<uint64_t>(args, "cpu-period"));
  cpu.burst = CR_TRY(integer_flag<uint64_t>(args, "cpu-burst"));
  cpu.realtime_runtime = CR_TRY(integer_flag<int64_t>(args, "cpu-rt-runtime"));
  cpu.realtime_period = CR_TRY(integer_flag<uint64_t>(args, "cpu-rt-period"));
  cpu.idle = CR_TRY(integer_flag<int64_t>(args, "cpu-idle"));
  cpu.cpus = string_flag(args, "cpuset-cpus");
  cpu.mems = string_flag(args, "cpuset-mems");
  if (cpu != spec::CpuResources{}) r.cpu = cpu;

  if (auto limit = CR_TRY(integer_flag<int64_t>(args, "pids-limit"))) r.pids = spec::PidsResources{limit};
  if (auto weight = CR_TRY(integer_flag<uint16_t>(args, "blkio-weight"))) {
    r.block_io.emplace();
    r.block_io->weight = weight;
  }
  return r;
}

Result<int> run_update(const Invocation& invocation) {
  const ParsedArgs& args = invocation.args;
  spec::LinuxResources changes;
  if (args.is_set("resources")) {
    // runc: with -r, every other flag is ignored.
    const std::string source = args.value("resources");
    std::string text;
    if (source == "-") {
      text = CR_TRY_CTX(fs::read_fd(STDIN_FILENO, spec::kMaxConfigBytes), "--resources: read stdin");
    } else {
      text = CR_TRY_CTX(fs::read_file(source, spec::kMaxConfigBytes), "--resources");
    }
    changes = CR_TRY(spec::parse_resources(text, source == "-" ? "--resources (stdin)" : source));
  } else {
    changes = CR_TRY(resources_from_flags(args));
  }
  CR_TRY(container::update(invocation.global, args.positionals.front(), changes));
  return 0;
}

}  // namespace cruntime::cli
