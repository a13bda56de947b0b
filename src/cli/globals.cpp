// The global options: table, --root default and cleaning, --log-format and --rootless validation.
#include "globals.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>


namespace cruntime::cli {
namespace {

constexpr std::array kGlobalOptions = {
    OptionSpec{"root", 0, OptionKind::kValue, "DIR",
               "state directory (default /run/cruntime or $XDG_RUNTIME_DIR/cruntime)"},
    OptionSpec{"log", 0, OptionKind::kValue, "PATH",
               "append log records to PATH instead of stderr"},
    OptionSpec{"log-format", 0, OptionKind::kValue, "FORMAT",
               "log record format: text (default) or json"},
    OptionSpec{"debug", 0, OptionKind::kBool, "", "log debug records"},
    OptionSpec{"systemd-cgroup", 0, OptionKind::kBool, "",
               "manage cgroups through systemd (cgroupsPath is slice:prefix:name)"},
    OptionSpec{"rootless", 0, OptionKind::kValue, "true|false|auto",
               "ignore cgroup permission errors (default auto)"},
    OptionSpec{"criu", 0, OptionKind::kValue, "PATH", "ignored (kept for old callers)", true},
    OptionSpec{"help", 'h', OptionKind::kBool, "", "show help"},
    OptionSpec{"version", 'v', OptionKind::kBool, "", "print the version"},
};

// runc silently treats an empty --log-format as "text"; we call it what it is, a bad value.
Result<log::Format> parse_log_format(std::string_view text) {
  if (text == "text") return log::Format::kText;
  if (text == "json") return log::Format::kJson;
  return fail_msg("invalid log-format \"{}\"", text);
}

Result<std::string> normalise_rootless(std::string_view text) {
  if (text.empty() || text == "auto" || text == "AUTO" || text == "Auto")
    return std::string("auto");
  std::optional<bool> on = parse_bool(text);
  if (!on) return fail_msg("invalid --rootless value \"{}\" (want true, false or auto)", text);
  return std::string(*on ? "true" : "false");
}

}  // namespace

ProcessEnv current_process_env() {
  ProcessEnv env;
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (!ec) env.cwd = cwd.string();
  env.euid = geteuid();
  if (env.euid == 0) env.in_user_namespace = !container::in_initial_user_namespace();
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR")) env.xdg_runtime_dir = xdg;
  if (const char* user = std::getenv("USER")) env.user = user;
  return env;
}

std::span<const OptionSpec> global_options() { return kGlobalOptions; }

std::optional<std::string> xdg_default_root(const ProcessEnv& env) {
  if (!env.xdg_runtime_dir || env.xdg_runtime_dir->empty()) return std::nullopt;
  bool honour = env.euid != 0 || (env.in_user_namespace && (!env.user || *env.user != "root"));
  if (!honour) return std::nullopt;
  return *env.xdg_runtime_dir + "/cruntime";
}

Result<std::string> absolute_root(std::string_view root, const ProcessEnv& env) {
  std::filesystem::path path(root);
  if (path.is_relative()) {
    if (env.cwd.empty()) return fail_msg("--root {}: cannot resolve against an unknown cwd", root);
    path = std::filesystem::path(env.cwd) / path;
  }
  std::string clean = path.lexically_normal().string();
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  if (clean == "/") return fail_msg("--root must not be \"/\" (got \"{}\")", root);
  return clean;
}

Result<Globals> parse_globals(std::span<const std::string> args, const ProcessEnv& env) {
  ParsedArgs parsed = CR_TRY(parse_args("", kGlobalOptions, StopAt::kFirstPositional, args));
  Globals out;
  if (parsed.is_set("root")) {
    out.options.root = CR_TRY(absolute_root(parsed.value("root"), env));
    out.options.root_is_default = false;
  } else if (auto xdg = xdg_default_root(env)) {
    out.options.root = *xdg;
    out.root_from_xdg = true;
  } else {
    out.options.root = "/run/cruntime";
  }
  out.log.format = CR_TRY(parse_log_format(parsed.value("log-format", "text")));
  out.log.path = parsed.value("log");
  out.options.debug = parsed.flag("debug");
  out.log.level = out.options.debug ? log::Level::kDebug : log::Level::kInfo;
  out.options.systemd_cgroup = parsed.flag("systemd-cgroup");
  out.options.rootless = CR_TRY(normalise_rootless(parsed.value("rootless", "auto")));
  out.criu_given = parsed.is_set("criu");
  out.help = parsed.flag("help");
  out.version = parsed.flag("version");
  if (!parsed.positionals.empty()) {
    out.command = parsed.positionals.front();
    out.command_args.assign(parsed.positionals.begin() + 1, parsed.positionals.end());
  }
  return out;
}

}  // namespace cruntime::cli
