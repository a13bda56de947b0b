// The bash completion script: a fixed driver function plus case tables from the command table.
#include "completion.hpp"

#include <string_view>

#include <fmt/format.h>

namespace cruntime::cli::docs {
namespace {

// How a flag's value is completed, from its value name as --help shows it: DIR as directories,
// PATH and FILE as file names, "a|b|c" as those words, anything else (N, FORMAT, ...) not at all.
std::string value_kind(const OptionSpec& option) {
  std::string_view name = option.value_name;
  if (name == "DIR") return "dir";
  if (name == "PATH" || name == "FILE") return "file";
  if (name.find('|') == std::string_view::npos) return "none";
  std::string words(name);
  for (char& c : words) {
    if (c == '|') c = ' ';
  }
  return "words " + words;
}

// The case patterns one option is spelled as: --name, -name (urfave/cli accepts one dash) and -x.
std::string spellings(std::string_view context, const OptionSpec& option) {
  std::string out = fmt::format("\"{0} --{1}\"|\"{0} -{1}\"", context, option.name);
  if (option.short_name != 0) out += fmt::format("|\"{} -{}\"", context, option.short_name);
  return out;
}

// Cases of _cruntime_value_kind for the value-taking options of one command ("" = global).
std::string value_cases(std::string_view context, std::span<const OptionSpec> options) {
  std::string out;
  for (const OptionSpec& option : options) {
    if (option.kind == OptionKind::kBool) continue;
    out += fmt::format("\t{}) echo \"{}\" ;;\n", spellings(context, option), value_kind(option));
  }
  return out;
}

// The words offered for "-<TAB>": every visible long and short spelling, and -h/--help.
std::string flag_words(std::span<const OptionSpec> options) {
  std::string out;
  bool has_help = false;
  for (const OptionSpec& option : options) {
    has_help = has_help || option.name == kHelpOption;
    if (option.hidden) continue;
    out += fmt::format("--{} ", option.name);
    if (option.short_name != 0) out += fmt::format("-{} ", option.short_name);
  }
  if (!has_help) out += "--help -h ";
  if (!out.empty()) out.pop_back();
  return out;
}

constexpr std::string_view kHeader =
    R"sh(# bash completion for cruntime(8). Generated at build time from cruntime's command table by
# cruntime-gen-docs (src/cli/docs/completion.cpp): edit that, not this file.

# _cruntime_value_kind COMMAND OPTION: how the value of OPTION (of COMMAND, "" for the global
# options) is completed: dir, file, "words W...", or none. Fails for an option with no value.
_cruntime_value_kind() {
	case "$1 $2" in
)sh";

// The end of the value cases, the start of the per-command ones.
constexpr std::string_view kCommandHeader = R"sh(	*) return 1 ;;
	esac
}

# _cruntime_command NAME: sets opts, id and stop for command NAME; fails for an unknown one.
_cruntime_command() {
	case "$1" in
)sh";

// The end of the per-command cases and the completion function itself.
constexpr std::string_view kDriver = R"sh(	*) return 1 ;;
	esac
}

# _cruntime_complete_value KIND: the completions of an option value.
_cruntime_complete_value() {
	case "$1" in
	dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	words\ *) mapfile -t COMPREPLY < <(compgen -W "${1#words }" -- "$cur") ;;
	esac
}

_cruntime() {
	local cur="${COMP_WORDS[COMP_CWORD]}" word kind cmd="" npos=0 value_at i=1
	local opts="" id=0 stop=0 flags=1
	local -a root=()
	COMPREPLY=()
	# With '=' in COMP_WORDBREAKS (the default), "--root=/x" arrives as "--root" "=" "/x".
	[[ $cur == = ]] && cur=""
	while ((i < COMP_CWORD)); do
		word="${COMP_WORDS[i]}"
		# flags: whether this word may still be an option ("--" and, for exec, kill and ps, the
		# first argument end them).
		((stop == 1 && npos > 0)) && flags=0
		if [[ $word == = ]]; then
			# the value of a "--flag=value" seen as three words ("--detach=true" among them)
			i=$((i + 2))
			continue
		elif [[ $word == -- && -n $cmd && $flags == 1 ]]; then
			flags=0
		elif [[ $word == -?* && $word != *=* && $flags == 1 ]] &&
			kind="$(_cruntime_value_kind "$cmd" "$word")"; then
			value_at=$((i + 1))
			[[ ${COMP_WORDS[value_at]:-} == = ]] && value_at=$((value_at + 1))
			if ((value_at >= COMP_CWORD)); then
				_cruntime_complete_value "$kind"
				return 0
			fi
			[[ -z $cmd && ($word == --root || $word == -root) ]] && root=(--root "${COMP_WORDS[value_at]}")
			i=$((value_at + 1))
			continue
		elif [[ $word == -?* && $flags == 1 ]]; then
			:
		elif [[ -z $cmd ]]; then
			cmd="$word"
			if [[ $cmd != help && $cmd != h ]] && ! _cruntime_command "$cmd"; then
				return 0
			fi
		else
			npos=$((npos + 1))
		fi
		i=$((i + 1))
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_cruntime_global_opts" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_cruntime_commands help" -- "$cur")
		fi
		return 0
	fi
	if [[ $cmd == help || $cmd == h ]]; then
		((npos == 0)) && mapfile -t COMPREPLY < <(compgen -W "$_cruntime_commands" -- "$cur")
		return 0
	fi
	((stop == 1 && npos > 0)) && flags=0
	if [[ $cur == -* && $flags == 1 ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	elif ((id == 1 && npos == 0)); then
		mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" "${root[@]}" list -q 2>/dev/null)" -- "$cur")
	fi
	return 0
}
)sh";

}  // namespace

std::string bash_completion(std::span<const Command> commands,
                            std::span<const OptionSpec> globals) {
  std::string out(kHeader);
  out += value_cases("", globals);
  for (const Command& command : commands) {
    if (command.listed) out += value_cases(command.name, command.options);
  }
  out += kCommandHeader;
  std::string names;
  for (const Command& command : commands) {
    if (!command.listed) continue;
    names += fmt::format("{} ", command.name);
    bool takes_id = command.args_usage.starts_with("<container-id>");
    bool stops = command.stop == StopAt::kFirstPositional;
    out += fmt::format("\t{}) opts=\"{}\" id={} stop={} ;;\n", command.name,
                       flag_words(command.options), takes_id ? 1 : 0, stops ? 1 : 0);
  }
  if (!names.empty()) names.pop_back();
  out += kDriver;
  out += fmt::format("_cruntime_commands=\"{}\"\n_cruntime_global_opts=\"{}\"\n", names,
                     flag_words(globals));
  out += "complete -F _cruntime cruntime\n";
  return out;
}

}  // namespace cruntime::cli::docs
