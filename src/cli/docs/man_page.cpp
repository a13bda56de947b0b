// man(7) pages from the command table: the same summaries, usages and option texts as --help.
#include "man_page.hpp"

#include <fmt/format.h>

namespace cruntime::cli::docs {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// .TH: title, section 8, no date (the build stays reproducible), source and manual name.
std::string title(std::string_view name, std::string_view version) {
  return fmt::format(".TH {} 8 \"\" \"cruntime {}\" \"System Administration\"\n",
                     roff_escape(upper(name)), roff_escape(version));
}

// "\fB\-b\fR, \fB\-\-bundle\fR \fIDIR\fR" and the help line under it, as a tagged paragraph.
std::string option_item(const OptionSpec& option) {
  std::string tag;
  if (option.short_name != 0) tag = fmt::format("\\fB\\-{}\\fR, ", option.short_name);
  tag += fmt::format("\\fB\\-\\-{}\\fR", roff_escape(option.name));
  if (!option.value_name.empty()) tag += fmt::format(" \\fI{}\\fR", roff_escape(option.value_name));
  std::string help = roff_escape(option.help);
  if (option.kind == OptionKind::kRepeatable) help += " (repeatable)";
  return fmt::format(".TP\n{}\n{}\n", tag, help);
}

// The visible options, then the implicit -h/--help, as in `cruntime CMD --help`.
std::string options_section(std::string_view heading, std::span<const OptionSpec> options) {
  std::string out = fmt::format(".SH {}\n", heading);
  bool has_help = false;
  for (const OptionSpec& option : options) {
    has_help = has_help || option.name == kHelpOption;
    if (!option.hidden) out += option_item(option);
  }
  if (!has_help)
    out += option_item(OptionSpec{kHelpOption, 'h', OptionKind::kBool, "", "show help"});
  return out;
}

// The about text and descriptions are sentences broken into lines; roff refills them.
std::string paragraph(std::string_view text) {
  std::string out = roff_escape(text);
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

}  // namespace

std::string roff_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string main_page(std::span<const Command> commands, std::span<const OptionSpec> globals,
                      std::string_view version) {
  std::string out = title("cruntime", version);
  out += ".SH NAME\ncruntime \\- run containers from OCI bundles\n";
  out +=
      ".SH SYNOPSIS\n.B cruntime\n[\\fIglobal options\\fR] \\fIcommand\\fR "
      "[\\fIcommand options\\fR] [\\fIarguments\\fR...]\n";
  out += ".SH DESCRIPTION\n" + paragraph(app_about());
  out += ".SH COMMANDS\n";
  std::string see_also;
  for (const Command& command : commands) {
    if (!command.listed) continue;
    // \% keeps the page name in one piece when roff hyphenates the line
    out += fmt::format(".TP\n.B {0}\n{1} \\%(\\fBcruntime\\-{0}\\fR(8))\n",
                       roff_escape(command.name), roff_escape(command.summary));
    see_also += fmt::format(".BR cruntime\\-{} (8),\n", roff_escape(command.name));
  }
  out += ".TP\n.B help\nshow help for a command (also: \\fBh\\fR)\n";
  out += options_section("GLOBAL OPTIONS", globals);
  out += ".SH SEE ALSO\n" + see_also + ".BR runc (8)\n";
  return out;
}

std::string command_page(const Command& command, std::string_view version) {
  std::string name = fmt::format("cruntime-{}", command.name);
  std::string out = title(name, version);
  out += fmt::format(".SH NAME\n{} \\- {}\n", roff_escape(name), roff_escape(command.summary));
  out +=
      fmt::format(".SH SYNOPSIS\n.B cruntime\n[\\fIglobal options\\fR]\n.B {}\n[\\fIoptions\\fR]",
                  roff_escape(command.name));
  if (!command.args_usage.empty())
    out += fmt::format(" \\fI{}\\fR", roff_escape(command.args_usage));
  out += "\n.SH DESCRIPTION\n" + paragraph(command_description(command));
  out += options_section("OPTIONS", command.options);
  out += ".SH SEE ALSO\n.BR cruntime (8)\n";
  return out;
}

std::vector<ManPage> man_pages(std::span<const Command> commands,
                               std::span<const OptionSpec> globals, std::string_view version) {
  std::vector<ManPage> pages;
  pages.push_back({"cruntime.8", main_page(commands, globals, version)});
  for (const Command& command : commands) {
    if (!command.listed) continue;
    pages.push_back({fmt::format("cruntime-{}.8", command.name), command_page(command, version)});
  }
  return pages;
}

}  // namespace cruntime::cli::docs
