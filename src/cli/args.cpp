// Table-driven option parsing: runc's spellings, repeatables in order, pass-through after an ID.
#include "args.hpp"

#include <algorithm>
#include <array>

namespace cruntime::cli {
namespace {

constexpr OptionSpec kImplicitHelp{kHelpOption, 'h', OptionKind::kBool, "", "show help", false};

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// "-x…" with a letter, or "--x…". Everything else ("", "-", "-1", "/path") is a positional.
bool looks_like_option(std::string_view arg) {
  if (arg.size() < 2 || arg[0] != '-') return false;
  if (arg[1] == '-') return arg.size() > 2;
  return is_ascii_letter(arg[1]);
}

// Long names match with either dash count (`-bundle`, `--bundle`), so do short ones (`-b`, `--b`),
// as urfave/cli does.
const OptionSpec* find_option(std::span<const OptionSpec> options, std::string_view name) {
  for (const OptionSpec& spec : options) {
    if (spec.name == name) return &spec;
    if (name.size() == 1 && spec.short_name != 0 && name[0] == spec.short_name) return &spec;
  }
  if (name == kImplicitHelp.name || name == "h") return &kImplicitHelp;
  return nullptr;
}

std::string prefix(std::string_view context) {
  return context.empty() ? std::string() : fmt::format("{}: ", context);
}

}  // namespace

bool ParsedArgs::is_set(std::string_view name) const { return values.find(name) != values.end(); }

bool ParsedArgs::flag(std::string_view name) const {
  auto it = values.find(name);
  return it != values.end() && !it->second.empty() && it->second.back() == "true";
}

std::string ParsedArgs::value(std::string_view name, std::string_view fallback) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> ParsedArgs::all(std::string_view name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>() : it->second;
}

std::optional<bool> parse_bool(std::string_view text) {
  constexpr std::array<std::string_view, 6> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  constexpr std::array<std::string_view, 6> kFalse = {"0", "f", "F", "FALSE", "false", "False"};
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) return false;
  return std::nullopt;
}

Result<ParsedArgs> parse_args(std::string_view context, std::span<const OptionSpec> options,
                              StopAt stop, std::span<const std::string> args) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (stop == StopAt::kFirstPositional && !out.positionals.empty()) {
      out.positionals.insert(out.positionals.end(), args.begin() + static_cast<ptrdiff_t>(i),
                             args.end());
      break;
    }
    if (arg == "--") {
      out.positionals.insert(out.positionals.end(), args.begin() + static_cast<ptrdiff_t>(i) + 1,
                             args.end());
      break;
    }
    if (!looks_like_option(arg)) {
      out.positionals.push_back(arg);
      continue;
    }

    std::string_view token = arg;
    std::string_view body = token.substr(token[1] == '-' ? 2 : 1);
    std::optional<std::string_view> inline_value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      inline_value = body.substr(eq + 1);
      body = body.substr(0, eq);
      token = token.substr(0, token.size() - inline_value->size() - 1);
    }
    const OptionSpec* spec = find_option(options, body);
    if (spec == nullptr) return fail_msg("{}unknown flag: {}", prefix(context), token);

    std::vector<std::string>& slot = out.values[std::string(spec->name)];
    if (spec->kind == OptionKind::kBool) {
      std::optional<bool> on = inline_value ? parse_bool(*inline_value) : std::optional(true);
      if (!on) {
        return fail_msg("{}invalid boolean value \"{}\" for {}", prefix(context), *inline_value,
                        token);
      }
      slot.assign(1, *on ? "true" : "false");
      continue;
    }
    std::string value;
    if (inline_value) {
      value = std::string(*inline_value);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail_msg("{}flag needs a value: {}", prefix(context), token);
    }
    if (spec->kind == OptionKind::kValue) slot.clear();
    slot.push_back(std::move(value));
  }
  return out;
}

Result<void> check_arity(std::string_view command, Arity arity, size_t count) {
  if (arity.min == arity.max && count != arity.min) {
    return fail_msg("\"{}\" requires exactly {} argument(s)", command, arity.min);
  }
  if (count < arity.min) {
    return fail_msg("\"{}\" requires a minimum of {} argument(s)", command, arity.min);
  }
  if (count > arity.max) {
    return fail_msg("\"{}\" requires a maximum of {} argument(s)", command, arity.max);
  }
  return {};
}

}  // namespace cruntime::cli
