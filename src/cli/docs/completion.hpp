// Shell completion for cruntime, written from the CLI's command table.
#pragma once

#include <span>
#include <string>

#include "../commands.hpp"

namespace cruntime::cli::docs {

// A bash completion script defining _cruntime and `complete -F _cruntime cruntime`: the listed
// commands (and help), each command's visible long and short flags, file or directory names or
// the allowed words for a flag's value, and the ids `cruntime [--root DIR] list -q` prints where a
// command takes a container id. It needs bash only, not the bash-completion package.
std::string bash_completion(std::span<const Command> commands, std::span<const OptionSpec> globals);

}  // namespace cruntime::cli::docs
