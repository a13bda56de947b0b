// Help and version texts: `cruntime --help`, `cruntime CMD --help`, short usage, `--version`.
#include <algorithm>

#include "commands.hpp"
#include "cruntime/base/build_info.hpp"
#include "cruntime/spec/version.hpp"
#include "globals.hpp"

namespace cruntime::cli {
namespace {

constexpr std::string_view kAbout =
    "cruntime runs containers from OCI bundles (a config.json plus a root file system).\n"
    "Its command line matches runc's, so it can stand in for runc under containerd,\n"
    "CRI-O, podman and the OCI runtime-tools.\n";

// "-b, --bundle DIR" / "    --pid-file PATH"
std::string option_label(const OptionSpec& option) {
  std::string label = option.short_name != 0 ? fmt::format("-{}, ", option.short_name) : "    ";
  label += fmt::format("--{}", option.name);
  if (!option.value_name.empty()) label += fmt::format(" {}", option.value_name);
  if (option.kind == OptionKind::kRepeatable) label += " (repeatable)";
  return label;
}

// Options in two aligned columns; the implicit --help is always listed last.
std::string options_block(std::span<const OptionSpec> options) {
  std::vector<std::pair<std::string, std::string_view>> rows;
  bool has_help = false;
  for (const OptionSpec& option : options) {
    has_help = has_help || option.name == kHelpOption;
    if (!option.hidden) rows.emplace_back(option_label(option), option.help);
  }
  if (!has_help) rows.emplace_back("-h, --help", "show this help");
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  std::string out;
  for (const auto& [label, help] : rows) out += fmt::format("  {:<{}}  {}\n", label, width, help);
  return out;
}

}  // namespace

std::string app_help() {
  std::string out =
      "Usage: cruntime [global options] <command> [command options] [arguments...]\n\n";
  out += kAbout;
  out += "\nCommands:\n";
  size_t width = 0;
  for (const Command& command : command_table()) width = std::max(width, command.name.size());
  for (const Command& command : command_table()) {
    if (command.listed) out += fmt::format("  {:<{}}  {}\n", command.name, width, command.summary);
  }
  out += fmt::format("  {:<{}}  {}\n", "help", width, "show help for a command (also: h)");
  out += "\nGlobal options:\n";
  out += options_block(global_options());
  out += "\nRun 'cruntime <command> --help' for the options of one command.\n";
  return out;
}

std::string command_short_usage(const Command& command) {
  std::string out = fmt::format("Usage: cruntime {} [options]", command.name);
  if (!command.args_usage.empty()) out += fmt::format(" {}", command.args_usage);
  return out + "\n";
}

std::string_view app_about() { return kAbout; }

std::string command_description(const Command& command) {
  std::string summary(command.summary);
  if (!summary.empty() && summary[0] >= 'a' && summary[0] <= 'z') summary[0] -= 'a' - 'A';
  std::string out = summary + ".\n";
  if (command.stop == StopAt::kFirstPositional) {
    out += "Options must come before the container id; everything after it is passed on.\n";
  }
  return out;
}

std::string command_help(const Command& command) {
  std::string out = command_short_usage(command);
  out += "\n" + command_description(command);
  out += "\nOptions:\n";
  out += options_block(command.options);
  return out;
}

std::string version_text() {
  spec::Features features = container::features();
  std::string out = fmt::format("cruntime version {}\ncommit: {}\nspec: {}\n", build::kVersion,
                                build::kCommit, spec::kOciVersion);
  auto seccomp = features.annotations.find("io.github.cruntime.libseccomp.version");
  if (seccomp != features.annotations.end())
    out += fmt::format("libseccomp: {}\n", seccomp->second);
  return out;
}

}  // namespace cruntime::cli
