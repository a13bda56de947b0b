// man(7) pages for cruntime(8) and cruntime-<command>(8), written from the CLI's command table.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../commands.hpp"

namespace cruntime::cli::docs {

// Plain text as roff input: '\' becomes "\e", '-' becomes "\-" (a minus, so a flag copied from
// the rendered page is a real hyphen-minus), and a line that starts with '.' or '\'' gets a
// leading "\&" so roff does not read it as a request.
std::string roff_escape(std::string_view text);

struct ManPage {
  std::string file_name;  // "cruntime.8", "cruntime-exec.8"
  std::string text;       // roff source
};

// cruntime(8): synopsis, description, the listed commands and the global options.
std::string main_page(std::span<const Command> commands, std::span<const OptionSpec> globals,
                      std::string_view version);
// cruntime-<command>(8): synopsis, description and every visible option of one command.
std::string command_page(const Command& command, std::string_view version);
// cruntime(8) and one page per listed command (those `cruntime --help` shows).
std::vector<ManPage> man_pages(std::span<const Command> commands,
                               std::span<const OptionSpec> globals, std::string_view version);

}  // namespace cruntime::cli::docs
