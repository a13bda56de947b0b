// Every integer field of config.json at the edges of every integer type (issue 13 §5): each value
// is either stored exactly or refused with one error naming the field; never truncated or wrapped.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"
#include "support/golden.hpp"

namespace spec = cruntime::spec;
using Json = nlohmann::json;

namespace {

// The integer type runtime-spec's schema (and the model) gives a field.
enum class Kind { kU16, kU32, kU64, kI32, kI64 };

struct Range {
  // Held as text: the comparisons below are on exact decimal literals.
  std::string_view min;
  std::string_view max;
};

Range range_of(Kind kind) {
  switch (kind) {
    case Kind::kU16:
      return {"0", "65535"};
    case Kind::kU32:
      return {"0", "4294967295"};
    case Kind::kU64:
      return {"0", "18446744073709551615"};
    case Kind::kI32:
      return {"-2147483648", "2147483647"};
    case Kind::kI64:
      return {"-9223372036854775808", "9223372036854775807"};
  }
  return {};
}

// Every integer field, array indexes written "[]". full.json sets each of them (the test below
// checks that the table and full.json agree, and config_json_test that the model knows every
// key of full.json), so a new integer field in the model needs a line here and a value there.
const std::map<std::string, Kind>& integer_fields() {
  static const std::map<std::string, Kind> fields = {
      {"process.consoleSize.height", Kind::kU32},
      {"process.consoleSize.width", Kind::kU32},
      {"process.user.uid", Kind::kU32},
      {"process.user.gid", Kind::kU32},
      {"process.user.umask", Kind::kU32},
      {"process.user.additionalGids[]", Kind::kU32},
      {"process.rlimits[].soft", Kind::kU64},
      {"process.rlimits[].hard", Kind::kU64},
      {"process.oomScoreAdj", Kind::kI32},
      {"process.scheduler.nice", Kind::kI32},
      {"process.scheduler.priority", Kind::kI32},
      {"process.scheduler.runtime", Kind::kU64},
      {"process.scheduler.deadline", Kind::kU64},
      {"process.scheduler.period", Kind::kU64},
      {"process.ioPriority.priority", Kind::kI32},
      {"mounts[].uidMappings[].containerID", Kind::kU32},
      {"mounts[].uidMappings[].hostID", Kind::kU32},
      {"mounts[].uidMappings[].size", Kind::kU32},
      {"mounts[].gidMappings[].containerID", Kind::kU32},
      {"mounts[].gidMappings[].hostID", Kind::kU32},
      {"mounts[].gidMappings[].size", Kind::kU32},
      {"hooks.prestart[].timeout", Kind::kI64},
      {"hooks.createRuntime[].timeout", Kind::kI64},
      {"hooks.createContainer[].timeout", Kind::kI64},
      {"hooks.startContainer[].timeout", Kind::kI64},
      {"hooks.poststart[].timeout", Kind::kI64},
      {"hooks.poststop[].timeout", Kind::kI64},
      {"linux.uidMappings[].containerID", Kind::kU32},
      {"linux.uidMappings[].hostID", Kind::kU32},
      {"linux.uidMappings[].size", Kind::kU32},
      {"linux.gidMappings[].containerID", Kind::kU32},
      {"linux.gidMappings[].hostID", Kind::kU32},
      {"linux.gidMappings[].size", Kind::kU32},
      {"linux.timeOffsets.monotonic.secs", Kind::kI64},
      {"linux.timeOffsets.monotonic.nanosecs", Kind::kU32},
      {"linux.timeOffsets.boottime.secs", Kind::kI64},
      {"linux.timeOffsets.boottime.nanosecs", Kind::kU32},
      {"linux.devices[].major", Kind::kI64},
      {"linux.devices[].minor", Kind::kI64},
      {"linux.devices[].fileMode", Kind::kU32},
      {"linux.devices[].uid", Kind::kU32},
      {"linux.devices[].gid", Kind::kU32},
      {"linux.resources.devices[].major", Kind::kI64},
      {"linux.resources.devices[].minor", Kind::kI64},
      {"linux.resources.memory.limit", Kind::kI64},
      {"linux.resources.memory.reservation", Kind::kI64},
      {"linux.resources.memory.swap", Kind::kI64},
      {"linux.resources.memory.kernel", Kind::kI64},
      {"linux.resources.memory.kernelTCP", Kind::kI64},
      {"linux.resources.memory.swappiness", Kind::kU64},
      {"linux.resources.cpu.shares", Kind::kU64},
      {"linux.resources.cpu.quota", Kind::kI64},
      {"linux.resources.cpu.burst", Kind::kU64},
      {"linux.resources.cpu.period", Kind::kU64},
      {"linux.resources.cpu.realtimeRuntime", Kind::kI64},
      {"linux.resources.cpu.realtimePeriod", Kind::kU64},
      {"linux.resources.cpu.idle", Kind::kI64},
      {"linux.resources.pids.limit", Kind::kI64},
      {"linux.resources.blockIO.weight", Kind::kU16},
      {"linux.resources.blockIO.leafWeight", Kind::kU16},
      {"linux.resources.blockIO.weightDevice[].major", Kind::kI64},
      {"linux.resources.blockIO.weightDevice[].minor", Kind::kI64},
      {"linux.resources.blockIO.weightDevice[].weight", Kind::kU16},
      {"linux.resources.blockIO.weightDevice[].leafWeight", Kind::kU16},
      {"linux.resources.blockIO.throttleReadBpsDevice[].major", Kind::kI64},
      {"linux.resources.blockIO.throttleReadBpsDevice[].minor", Kind::kI64},
      {"linux.resources.blockIO.throttleReadBpsDevice[].rate", Kind::kU64},
      {"linux.resources.blockIO.throttleWriteBpsDevice[].major", Kind::kI64},
      {"linux.resources.blockIO.throttleWriteBpsDevice[].minor", Kind::kI64},
      {"linux.resources.blockIO.throttleWriteBpsDevice[].rate", Kind::kU64},
      {"linux.resources.blockIO.throttleReadIOPSDevice[].major", Kind::kI64},
      {"linux.resources.blockIO.throttleReadIOPSDevice[].minor", Kind::kI64},
      {"linux.resources.blockIO.throttleReadIOPSDevice[].rate", Kind::kU64},
      {"linux.resources.blockIO.throttleWriteIOPSDevice[].major", Kind::kI64},
      {"linux.resources.blockIO.throttleWriteIOPSDevice[].minor", Kind::kI64},
      {"linux.resources.blockIO.throttleWriteIOPSDevice[].rate", Kind::kU64},
      {"linux.resources.hugepageLimits[].limit", Kind::kU64},
      {"linux.resources.network.classID", Kind::kU32},
      {"linux.resources.network.priorities[].priority", Kind::kU32},
      {"linux.resources.rdma.mlx5_1.hcaHandles", Kind::kU32},
      {"linux.resources.rdma.mlx5_1.hcaObjects", Kind::kU32},
      {"linux.seccomp.defaultErrnoRet", Kind::kU32},
      {"linux.seccomp.syscalls[].errnoRet", Kind::kU32},
      {"linux.seccomp.syscalls[].args[].index", Kind::kU32},
      {"linux.seccomp.syscalls[].args[].value", Kind::kU64},
      {"linux.seccomp.syscalls[].args[].valueTwo", Kind::kU64},
  };
  return fields;
}

// One integer leaf of a document: where it is, and how errors and the table name it.
struct Leaf {
  Json::json_pointer pointer;
  std::string path;        // "process.rlimits[1].hard", as errors spell it
  std::string table_path;  // "process.rlimits[].hard"
};

void collect(const Json& value, const Json::json_pointer& pointer, const std::string& path,
             const std::string& table_path, std::vector<Leaf>& out) {
  if (value.is_number()) {
    out.push_back({pointer, path, table_path});
  } else if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      const std::string sep = path.empty() ? "" : ".";
      collect(child, pointer / key, path + sep + key, table_path + sep + key, out);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      collect(value[i], pointer / i, fmt::format("{}[{}]", path, i), table_path + "[]", out);
    }
  }
}

std::vector<Leaf> integer_leaves(const Json& doc) {
  std::vector<Leaf> out;
  collect(doc, Json::json_pointer(), "", "", out);
  return out;
}

// `doc` with the leaf replaced by `literal`, spliced in as text so that values no JSON library
// holds as an integer (2^64) reach the parser exactly as a hostile file would write them.
std::string with_literal(Json doc, const Leaf& leaf, std::string_view literal) {
  constexpr std::string_view kMark = "@@number@@";
  doc[leaf.pointer] = std::string(kMark);
  std::string text = doc.dump();
  const std::string quoted = "\"" + std::string(kMark) + "\"";
  text.replace(text.find(quoted), quoted.size(), literal);
  return text;
}

// Is the decimal integer `value` inside [range.min, range.max]? Compared as numbers of up to 20
// digits with a sign, without converting (2^64 does not fit any integer type).
int compare_decimal(std::string_view a, std::string_view b) {
  const bool neg_a = a.front() == '-';
  const bool neg_b = b.front() == '-';
  if (neg_a != neg_b) return neg_a ? -1 : 1;
  std::string_view da = neg_a ? a.substr(1) : a;
  std::string_view db = neg_b ? b.substr(1) : b;
  int magnitude = da.size() != db.size() ? (da.size() < db.size() ? -1 : 1) : da.compare(db);
  magnitude = magnitude < 0 ? -1 : (magnitude > 0 ? 1 : 0);
  return neg_a ? -magnitude : magnitude;
}

bool in_range(std::string_view value, Range range) {
  return compare_decimal(value, range.min) >= 0 && compare_decimal(value, range.max) <= 0;
}

// The edges of every integer type, and floats (Go's encoding/json, hence runc, refuses a float
// for an integer field, even 1.0).
const std::vector<std::string_view> kIntegers = {"-1",
                                                 "0",
                                                 "2147483648",
                                                 "4294967296",
                                                 "9223372036854775808",
                                                 "18446744073709551616",
                                                 "-9223372036854775809"};
const std::vector<std::string_view> kFloats = {"1.5", "1.0", "-0.5", "1e3"};

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The last member name of a path ("hard" for "process.rlimits[1].hard").
std::string key_of(const std::string& path) {
  std::string key = path.substr(path.rfind('.') + 1);
  return key.substr(0, key.find('['));
}

// A problem is about the mutated field when it names it or an object that contains it, or
// (rules between two fields or entries: swap >= limit, soft <= hard, overlapping id ranges)
// mentions the field or its object.
bool names_field(const spec::Problem& problem, const Leaf& leaf) {
  if (leaf.path.rfind(problem.path, 0) == 0) return true;
  const std::string object = leaf.path.substr(0, leaf.path.rfind('.'));
  return contains(problem.message, key_of(leaf.path)) || contains(problem.message, object);
}

}  // namespace

TEST_CASE("numeric fields: the table lists exactly the integer fields full.json sets", "[spec]") {
  const Json doc = Json::parse(cruntime::test::golden("full.json"));
  std::set<std::string> seen;
  for (const Leaf& leaf : integer_leaves(doc)) {
    INFO(leaf.path);
    CHECK(integer_fields().count(leaf.table_path) == 1);
    seen.insert(leaf.table_path);
  }
  for (const auto& [path, kind] : integer_fields()) {
    INFO(path);
    CHECK(seen.count(path) == 1);
  }
}

TEST_CASE("numeric fields: every edge value is kept exactly or refused naming the field",
          "[spec]") {
  const Json doc = Json::parse(cruntime::test::golden("full.json"));
  const std::vector<spec::Problem> base_problems = spec::validate(*spec::parse_config(doc.dump()));
  size_t accepted = 0;
  size_t refused = 0;
  for (const Leaf& leaf : integer_leaves(doc)) {
    const Range range = range_of(integer_fields().at(leaf.table_path));
    for (std::string_view value : kIntegers) {
      INFO(leaf.path << " = " << value);
      auto config = spec::parse_config(with_literal(doc, leaf, value));
      if (!in_range(value, range)) {
        REQUIRE_FALSE(config);
        const std::string message = config.error().to_string();
        CHECK(message.rfind("config.json: " + leaf.path + ": ", 0) == 0);
        CHECK(contains(message, fmt::format("is out of range ({} to {})", range.min, range.max)));
        ++refused;
        continue;
      }
      REQUIRE(config);
      // Stored exactly: written back, the field holds the same decimal literal.
      const Json dumped = Json::parse(spec::dump_config(*config));
      CHECK(dumped[leaf.pointer].dump() == value);
      // If validation objects, it names this field (or the rule relating it to another one).
      for (const spec::Problem& problem : spec::validate(*config)) {
        if (std::find(base_problems.begin(), base_problems.end(), problem) != base_problems.end()) {
          continue;
        }
        INFO(problem.path << ": " << problem.message);
        CHECK(names_field(problem, leaf));
      }
      ++accepted;
    }
    for (std::string_view value : kFloats) {
      INFO(leaf.path << " = " << value);
      auto config = spec::parse_config(with_literal(doc, leaf, value));
      REQUIRE_FALSE(config);
      const std::string message = config.error().to_string();
      CHECK(message.rfind("config.json: " + leaf.path + ": expected integer, got ", 0) == 0);
      ++refused;
    }
  }
  // Both outcomes happened, for every field (7 integers + 4 floats each).
  CHECK(accepted > 0);
  CHECK(refused > 0);
  CHECK(accepted + refused == integer_leaves(doc).size() * (kIntegers.size() + kFloats.size()));
}

TEST_CASE("numeric fields: update -r resources get the same range checks", "[spec]") {
  const Json doc = Json::parse(cruntime::test::golden("full.json"));
  const Json resources = doc["linux"]["resources"];
  const std::string prefix = "linux.resources.";
  size_t checked = 0;
  for (const Leaf& leaf : integer_leaves(doc)) {
    if (leaf.path.rfind(prefix, 0) != 0) continue;
    // The same leaf inside the resources object on its own.
    const std::string pointer =
        leaf.pointer.to_string().substr(std::string("/linux/resources").size());
    const Leaf inner{Json::json_pointer(pointer), leaf.path.substr(prefix.size()), ""};
    const Range range = range_of(integer_fields().at(leaf.table_path));
    for (std::string_view value : kIntegers) {
      INFO(inner.path << " = " << value);
      auto parsed = spec::parse_resources(with_literal(resources, inner, value), "r.json");
      if (in_range(value, range)) {
        CHECK(parsed);
        continue;
      }
      REQUIRE_FALSE(parsed);
      CHECK(parsed.error().to_string().rfind("r.json: " + inner.path + ": ", 0) == 0);
    }
    ++checked;
  }
  CHECK(checked > 40);
}
