// Pure parsers of cgroup statistics files (cpu.stat, memory.stat, *.pressure, io.stat, blkio).
#include <cstdlib>

#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/stats.hpp"

namespace cruntime::cgroup {
namespace {

// Whitespace-separated words of one line.
std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// "8:16" → major, minor.
bool parse_dev(std::string_view text, uint64_t& major, uint64_t& minor) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto ma = strings::parse_int<uint64_t>(text.substr(0, colon));
  auto mi = strings::parse_int<uint64_t>(text.substr(colon + 1));
  if (!ma || !mi) return false;
  major = *ma;
  minor = *mi;
  return true;
}

PsiData parse_psi_line(const std::vector<std::string_view>& words) {
  PsiData out;
  for (size_t i = 1; i < words.size(); ++i) {
    const size_t eq = words[i].find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = words[i].substr(0, eq);
    const std::string value(words[i].substr(eq + 1));
    if (key == "total") {
      out.total = strings::parse_int<uint64_t>(value).value_or(0);
    } else {
      const double number = std::strtod(value.c_str(), nullptr);
      if (key == "avg10") out.avg10 = number;
      if (key == "avg60") out.avg60 = number;
      if (key == "avg300") out.avg300 = number;
    }
  }
  return out;
}

}  // namespace

std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text) {
  std::map<std::string, uint64_t> out;
  for (const std::string& line : strings::split(text, '\n')) {
    const std::vector<std::string_view> words = words_of(line);
    if (words.size() != 2) continue;
    if (auto value = strings::parse_int<uint64_t>(words[1])) out[std::string(words[0])] = *value;
  }
  return out;
}

uint64_t counter(const std::map<std::string, uint64_t>& counts, std::string_view key) {
  auto it = counts.find(std::string(key));
  return it == counts.end() ? uint64_t{0} : it->second;
}

Psi parse_psi(std::string_view text) {
  Psi out;
  for (const std::string& line : strings::split(text, '\n')) {
    const std::vector<std::string_view> words = words_of(line);
    if (words.empty()) continue;
    if (words[0] == "some") out.some = parse_psi_line(words);
    if (words[0] == "full") out.full = parse_psi_line(words);
  }
  return out;
}

void parse_io_stat(std::string_view text, BlkioStats& out) {
  for (const std::string& line : strings::split(text, '\n')) {
    const std::vector<std::string_view> words = words_of(line);
    BlkioEntry entry;
    if (words.empty() || !parse_dev(words[0], entry.major, entry.minor)) continue;
    for (size_t i = 1; i < words.size(); ++i) {
      const size_t eq = words[i].find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = words[i].substr(0, eq);
      auto value = strings::parse_int<uint64_t>(words[i].substr(eq + 1));
      if (!value) continue;
      entry.value = *value;
      if (key == "rbytes" || key == "wbytes") {
        entry.op = key == "rbytes" ? "Read" : "Write";
        out.service_bytes.push_back(entry);
      } else if (key == "rios" || key == "wios") {
        entry.op = key == "rios" ? "Read" : "Write";
        out.serviced.push_back(entry);
      }
    }
  }
}

std::vector<BlkioEntry> parse_blkio_v1(std::string_view text) {
  std::vector<BlkioEntry> out;
  for (const std::string& line : strings::split(text, '\n')) {
    const std::vector<std::string_view> words = words_of(line);
    BlkioEntry entry;
    if (words.size() < 2 || !parse_dev(words[0], entry.major, entry.minor)) continue;
    if (words.size() == 2) {  // blkio.sectors / blkio.time: "8:0 1234"
      entry.value = strings::parse_int<uint64_t>(words[1]).value_or(0);
    } else {
      entry.op = std::string(words[1]);
      entry.value = strings::parse_int<uint64_t>(words[2]).value_or(0);
    }
    out.push_back(entry);
  }
  return out;
}

std::vector<uint16_t> parse_cpu_list(std::string_view text) {
  std::vector<uint16_t> out;
  for (const std::string& part : strings::split(strings::trim(text), ',')) {
    if (part.empty()) continue;
    const size_t dash = part.find('-');
    auto first = strings::parse_int<uint16_t>(std::string_view(part).substr(0, dash));
    auto last = dash == std::string::npos
                    ? first
                    : strings::parse_int<uint16_t>(std::string_view(part).substr(dash + 1));
    if (!first || !last || *last < *first) return {};
    for (uint32_t cpu = *first; cpu <= *last; ++cpu) out.push_back(static_cast<uint16_t>(cpu));
  }
  return out;
}

std::optional<uint64_t> parse_v2_limit(std::string_view text) {
  text = strings::trim(text);
  if (text == "max") return kUnlimited;
  return strings::parse_int<uint64_t>(text);
}

}  // namespace cruntime::cgroup
