// `cruntime list [-f table|json] [-q]`: the containers under --root (cli-contract §7.8).
#include <algorithm>
#include <array>

#include "commands.hpp"
#include "cruntime/spec/io.hpp"

namespace cruntime::cli {
namespace {

// runc's text/tabwriter settings: minwidth 12, padding 3, spaces, left aligned.
constexpr size_t kMinWidth = 12;
constexpr size_t kPadding = 3;
constexpr size_t kColumns = 6;

// Go's tabwriter measures cells in runes, not bytes (bundle paths may be UTF-8).
size_t rune_count(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

std::string format_list_table(const std::vector<spec::State>& states) {
  using Row = std::array<std::string, kColumns>;
  std::vector<Row> rows;
  rows.push_back({"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
  for (const spec::State& state : states) {
    rows.push_back({state.id, std::to_string(state.pid),
                    std::string(spec::status_name(state.status)), state.bundle, state.created,
                    state.owner});
  }
  // Every cell but the last of a line is padded to its column's width; the last one is not.
  std::array<size_t, kColumns - 1> width{};
  for (size_t col = 0; col + 1 < kColumns; ++col) {
    width[col] = kMinWidth;
    for (const Row& row : rows) width[col] = std::max(width[col], rune_count(row[col]) + kPadding);
  }
  std::string out;
  for (const Row& row : rows) {
    for (size_t col = 0; col + 1 < kColumns; ++col) {
      out += row[col];
      out.append(width[col] - rune_count(row[col]), ' ');
    }
    out += row[kColumns - 1];
    out += '\n';
  }
  return out;
}

Result<int> run_list(const Invocation& invocation) {
  const ParsedArgs& args = invocation.args;
  std::string format = args.value("format", "table");
  if (format != "table" && format != "json") {
    return fail_msg("invalid format \"{}\" (want table or json)", format);
  }
  std::vector<spec::State> states = CR_TRY(container::list(invocation.global));

  std::string text;
  if (args.flag("quiet")) {
    for (const spec::State& state : states) text += state.id + "\n";
  } else if (format == "json") {
    text = spec::dump_state_list(states);
    if (text.empty() || text.back() != '\n') text += '\n';
  } else {
    text = format_list_table(states);
  }
  CR_TRY(print_stdout(text));
  return 0;
}

}  // namespace cruntime::cli
