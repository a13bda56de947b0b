// Unit tests for the man pages and the bash completion written from the command table.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "../src/cli/docs/completion.hpp"
#include "../src/cli/docs/man_page.hpp"
#include "../src/cli/globals.hpp"
#include "cruntime/base/strings.hpp"

namespace cli = cruntime::cli;
namespace docs = cruntime::cli::docs;

namespace {

// "--bundle" as roff writes it.
std::string roff_long(std::string_view name) { return "\\-\\-" + docs::roff_escape(name); }

std::vector<docs::ManPage> real_pages() {
  return docs::man_pages(cli::command_table(), cli::global_options(), "1.2.3");
}

const docs::ManPage* find_page(const std::vector<docs::ManPage>& pages, std::string_view name) {
  for (const docs::ManPage& page : pages) {
    if (page.file_name == name) return &page;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("roff_escape: minus signs, backslashes and request characters at line starts", "[cli]") {
  CHECK(docs::roff_escape("--root DIR") == "\\-\\-root DIR");
  CHECK(docs::roff_escape("a\\b") == "a\\eb");
  CHECK(docs::roff_escape(".hidden") == "\\&.hidden");
  CHECK(docs::roff_escape("'quoted'") == "\\&'quoted'");
  CHECK(docs::roff_escape("one\n.two\n'three") == "one\n\\&.two\n\\&'three");
  CHECK(docs::roff_escape("config.json, runc's") == "config.json, runc's");
  CHECK(docs::roff_escape("") == "");
}

TEST_CASE("man_pages: cruntime(8) and one page per listed command, none for hidden ones", "[cli]") {
  std::vector<docs::ManPage> pages = real_pages();
  std::set<std::string> names;
  for (const docs::ManPage& page : pages) names.insert(page.file_name);
  CHECK(names.size() == pages.size());
  CHECK(names.count("cruntime.8") == 1);
  size_t listed = 0;
  for (const cli::Command& command : cli::command_table()) {
    std::string name = fmt::format("cruntime-{}.8", command.name);
    CHECK(names.count(name) == (command.listed ? 1U : 0U));
    listed += command.listed ? 1 : 0;
  }
  CHECK(pages.size() == listed + 1);
  CHECK(names.count("cruntime-exec.8") == 1);
  CHECK(names.count("cruntime-checkpoint.8") == 0);
}

TEST_CASE("man_pages: every visible flag of every command is on its page", "[cli]") {
  std::vector<docs::ManPage> pages = real_pages();
  for (const cli::Command& command : cli::command_table()) {
    if (!command.listed) continue;
    const docs::ManPage* page = find_page(pages, fmt::format("cruntime-{}.8", command.name));
    REQUIRE(page != nullptr);
    INFO(page->file_name);
    CHECK_THAT(page->text, Catch::StartsWith(".TH CRUNTIME\\-"));
    CHECK_THAT(page->text, Catch::Contains("\"cruntime 1.2.3\""));
    CHECK_THAT(page->text, Catch::Contains(docs::roff_escape(command.summary)));
    CHECK_THAT(page->text, Catch::Contains("\\fB\\-h\\fR, \\fB\\-\\-help\\fR"));
    for (const cli::OptionSpec& option : command.options) {
      INFO(option.name);
      std::string tag = fmt::format("\\fB{}\\fR", roff_long(option.name));
      CHECK((page->text.find(tag) != std::string::npos) == !option.hidden);
      if (option.short_name != 0 && !option.hidden) {
        CHECK_THAT(page->text,
                   Catch::Contains(fmt::format("\\fB\\-{}\\fR, {}", option.short_name, tag)));
      }
    }
  }
}

TEST_CASE("man_pages: cruntime(8) lists the commands and the visible global options", "[cli]") {
  std::vector<docs::ManPage> pages = real_pages();
  const docs::ManPage* page = find_page(pages, "cruntime.8");
  REQUIRE(page != nullptr);
  for (const cli::Command& command : cli::command_table()) {
    INFO(command.name);
    std::string item = fmt::format(".B {}\n", command.name);
    CHECK((page->text.find(item) != std::string::npos) == command.listed);
  }
  for (const cli::OptionSpec& option : cli::global_options()) {
    INFO(option.name);
    std::string tag = fmt::format("\\fB{}\\fR", roff_long(option.name));
    CHECK((page->text.find(tag) != std::string::npos) == !option.hidden);
  }
  CHECK_THAT(page->text, Catch::Contains(".B help\n"));
  CHECK_THAT(page->text, Catch::Contains(".BR cruntime\\-exec (8)"));
}

TEST_CASE("man_pages: every line starting with a control character is a request we wrote",
          "[cli]") {
  const std::set<std::string> requests = {".TH", ".SH", ".TP", ".B", ".BR"};
  for (const docs::ManPage& page : real_pages()) {
    INFO(page.file_name);
    for (const std::string& line : cruntime::strings::split(page.text, '\n')) {
      if (line.empty() || (line[0] != '.' && line[0] != '\'')) continue;
      INFO(line);
      CHECK(requests.count(line.substr(0, line.find(' '))) == 1);
    }
  }
}

TEST_CASE("bash_completion: every listed command with its flags, value kinds and id argument",
          "[cli]") {
  std::string script = docs::bash_completion(cli::command_table(), cli::global_options());
  CHECK_THAT(script, Catch::EndsWith("complete -F _cruntime cruntime\n"));
  for (const cli::Command& command : cli::command_table()) {
    INFO(command.name);
    std::string prefix = fmt::format("\t{}) opts=\"", command.name);
    size_t at = script.find(prefix);
    REQUIRE((at != std::string::npos) == command.listed);
    if (!command.listed) continue;
    std::string line = script.substr(at, script.find('\n', at) - at);
    std::string words =
        " " + line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size()) + " ";
    CHECK_THAT(words, Catch::Contains(" --help -h "));
    bool takes_id = command.args_usage.starts_with("<container-id>");
    CHECK_THAT(line, Catch::Contains(takes_id ? " id=1 " : " id=0 "));
    for (const cli::OptionSpec& option : command.options) {
      INFO(option.name);
      CHECK((words.find(fmt::format(" --{} ", option.name)) != std::string::npos) ==
            !option.hidden);
      if (option.short_name != 0 && !option.hidden) {
        CHECK_THAT(words, Catch::Contains(fmt::format(" -{} ", option.short_name)));
      }
      // value-taking flags are known as such, so their value never completes as a command
      std::string value_case = fmt::format("\"{} --{}\"|", command.name, option.name);
      CHECK((script.find(value_case) != std::string::npos) ==
            (option.kind != cli::OptionKind::kBool));
    }
  }
  CHECK_THAT(script, Catch::Contains("\" --root\"|\" -root\") echo \"dir\""));
  CHECK_THAT(script,
             Catch::Contains("\" --rootless\"|\" -rootless\") echo \"words true false auto\""));
}
