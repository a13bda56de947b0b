// A small table-driven command-line option parser with runc's (urfave/cli) spellings.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::cli {

enum class OptionKind {
  kBool,        // takes no value; `--flag=true|false` also accepted
  kValue,       // one value; given twice, the last one wins
  kRepeatable,  // every occurrence is kept, in order; commas are NOT separators
};

// One option of a command (or of the global option set).
struct OptionSpec {
  std::string_view name;  // long name without dashes: "bundle"
  char short_name = 0;    // single-letter alias ('b'), 0 for none
  OptionKind kind = OptionKind::kBool;
  std::string_view value_name;  // shown in help: "DIR"
  std::string_view help;
  bool hidden = false;  // accepted, not listed in help
};

// Where option parsing ends.
enum class StopAt {
  kNever,            // options may follow positionals (`delete ID -f`)
  kFirstPositional,  // the first positional and everything after it pass through untouched
                     // (exec, kill, ps; and the global options, which end at the command name)
};

// The outcome of parsing one argument list.
struct ParsedArgs {
  // Long option name → its values in command-line order. Bools hold "true" or "false".
  std::map<std::string, std::vector<std::string>, std::less<>> values;
  std::vector<std::string> positionals;

  bool is_set(std::string_view name) const;
  // A bool option's last value (false when absent).
  bool flag(std::string_view name) const;
  // A value option's last value, or `fallback` when absent.
  std::string value(std::string_view name, std::string_view fallback = "") const;
  // Every value of a repeatable option, in order (empty when absent).
  std::vector<std::string> all(std::string_view name) const;
};

// Every option table implicitly accepts `-h`/`--help` (a bool named "help").
inline constexpr std::string_view kHelpOption = "help";

// Parses `args` (without the program or command name) against `options`.
// Accepted spellings: `--opt value`, `--opt=value`, `-opt value`, `-opt=value`, `-o value`,
// `-o=value`; bools also as `--flag=true|false` (Go's strconv.ParseBool words).
// `--` ends the options. A lone `-`, an empty string or `-` followed by a non-letter (`-1`)
// is a positional. `context` names the command in errors ("" for the global options).
Result<ParsedArgs> parse_args(std::string_view context, std::span<const OptionSpec> options,
                              StopAt stop, std::span<const std::string> args);

// Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
std::optional<bool> parse_bool(std::string_view text);

// How many positionals a command takes.
struct Arity {
  size_t min = 0;
  size_t max = std::numeric_limits<size_t>::max();

  static constexpr Arity exactly(size_t n) { return {n, n}; }
  static constexpr Arity at_least(size_t n) { return {n, std::numeric_limits<size_t>::max()}; }
  static constexpr Arity between(size_t lo, size_t hi) { return {lo, hi}; }
};

// The error a wrong positional count gets (the caller prints usage to stdout as well):
// `"state" requires exactly 1 argument(s)`.
Result<void> check_arity(std::string_view command, Arity arity, size_t count);

}  // namespace cruntime::cli
