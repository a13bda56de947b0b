// parse_gvariant: the GVariant text values of org.systemd.property.* annotations (runc's syntax).
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "cruntime/cgroup/systemd_value.hpp"

namespace cruntime::cgroup {
namespace {

BusValue parsed(const std::string& text) {
  auto value = parse_gvariant(text);
  INFO(text << ": " << (value ? std::string() : value.error().to_string()));
  REQUIRE(value);
  return *value;
}

std::string error_of(const std::string& text) {
  auto value = parse_gvariant(text);
  INFO(text << " → " << (value ? value->to_string() : std::string()));
  REQUIRE_FALSE(value);
  return value.error().to_string();
}

TEST_CASE("parse_gvariant: untyped scalars take GVariant's default types", "[cgroup]") {
  CHECK(parsed("123") == BusValue{"i", {int32_t{123}}});
  CHECK(parsed("-5") == BusValue{"i", {int32_t{-5}}});
  CHECK(parsed("234.789") == BusValue{"d", {234.789}});
  CHECK(parsed("1e3") == BusValue{"d", {1000.0}});
  CHECK(parsed("0x10") == BusValue{"i", {int32_t{16}}});
  CHECK(parsed("010") == BusValue{"i", {int32_t{8}}});  // leading 0: octal
  CHECK(parsed("0") == BusValue{"i", {int32_t{0}}});
  CHECK(parsed("true") == BusValue::boolean(true));
  CHECK(parsed("  false ") == BusValue::boolean(false));
  CHECK(parsed("'inactive-or-failed'") == BusValue::string("inactive-or-failed"));
  CHECK(parsed("\"double\"") == BusValue::string("double"));
  // An untyped integer is an int32 (godbus): bigger ones need a type.
  CHECK_THAT(error_of("4294967296"), Catch::Contains("out of range"));
}

TEST_CASE("parse_gvariant: type keywords and @ annotations", "[cgroup]") {
  CHECK(parsed("uint64 123456789") == BusValue::u64(123456789));
  CHECK(parsed("uint64 18446744073709551615") == BusValue::u64(UINT64_MAX));
  CHECK(parsed("int64 -9223372036854775808") == BusValue{"x", {INT64_MIN}});
  CHECK(parsed("byte 234") == BusValue{"y", {uint8_t{234}}});
  CHECK(parsed("int16 -234") == BusValue{"n", {int16_t{-234}}});
  CHECK(parsed("uint16 65535") == BusValue{"q", {uint16_t{65535}}});
  CHECK(parsed("uint32 7") == BusValue{"u", {uint32_t{7}}});
  CHECK(parsed("double 1.5") == BusValue{"d", {1.5}});
  CHECK(parsed("double -2.5e-3") == BusValue{"d", {-2.5e-3}});
  // What strtod would take but a GVariant double is not: hex floats, a leading '+', overflow.
  CHECK_THAT(error_of("double 0x1p3"), Catch::Contains("is not a number"));
  CHECK_THAT(error_of("double +1.5"), Catch::Contains("is not a number"));
  CHECK_THAT(error_of("double 1e999"), Catch::Contains("is not a number"));
  CHECK_THAT(error_of("double 1.5x"), Catch::Contains("is not a number"));
  CHECK(parsed("boolean true") == BusValue::boolean(true));
  CHECK(parsed("@t 5") == BusValue::u64(5));
  CHECK(parsed("objectpath '/org/x'") == BusValue{"o", {std::string("/org/x")}});
  CHECK(parsed("@s 'x'") == BusValue::string("x"));
  CHECK_THAT(error_of("byte 256"), Catch::Contains("out of range"));
  CHECK_THAT(error_of("uint64 -1"), Catch::Contains("out of range"));
  CHECK_THAT(error_of("uint64 'x'"), Catch::Contains("a string is not of type 't'"));
  CHECK_THAT(error_of("string 5"), Catch::Contains("is not of type 's'"));
  CHECK_THAT(error_of("boolean 1"), Catch::Contains("is not of type 'b'"));
  CHECK_THAT(error_of("@v 5"), Catch::Contains("unsupported type \"@v\""));
}

TEST_CASE("parse_gvariant: strings keep their escapes' meaning", "[cgroup]") {
  CHECK(parsed(R"('a\'b')") == BusValue::string("a'b"));
  CHECK(parsed(R"("tab\there")") == BusValue::string("tab\there"));
  CHECK(parsed(R"('\u00e9')") == BusValue::string("\xc3\xa9"));
  CHECK(parsed(R"('\U0001F600')") == BusValue::string("\xf0\x9f\x98\x80"));
  CHECK(parsed(R"('a\\b')") == BusValue::string("a\\b"));
  CHECK(parsed("'a\\\nb'") == BusValue::string("ab"));  // a line continuation
  CHECK_THAT(error_of("'open"), Catch::Contains("unterminated string"));
  CHECK_THAT(error_of(R"('\u12')"), Catch::Contains("bad \\u escape"));
}

TEST_CASE("parse_gvariant: arrays of one basic type", "[cgroup]") {
  CHECK(parsed("['a.service', 'b.service']") ==
        BusValue{"as", {std::string("a.service"), std::string("b.service")}});
  CHECK(parsed("[1, 2]") == BusValue{"ai", {int32_t{1}, int32_t{2}}});
  CHECK(parsed("[1, 2.5]") == BusValue{"ad", {1.0, 2.5}});
  CHECK(parsed("@at [1, 2]") == BusValue{"at", {uint64_t{1}, uint64_t{2}}});
  CHECK(parsed("[uint64 1, 2]") == BusValue{"at", {uint64_t{1}, uint64_t{2}}});
  CHECK(parsed("@as []") == BusValue{"as", {}});
  CHECK(parsed("[true,false]") == BusValue{"ab", {true, false}});
  CHECK_THAT(error_of("[]"), Catch::Contains("type of an empty array is unknown"));
  CHECK_THAT(error_of("['a', 1]"), Catch::Contains("is not of type 's'"));
  CHECK_THAT(error_of("[[1]]"), Catch::Contains("nested arrays"));
  CHECK_THAT(error_of("[1 2]"), Catch::Contains("expected ',' or ']'"));
  CHECK_THAT(error_of("@t [1]"), Catch::Contains("does not take an array"));
  CHECK_THAT(error_of("@at 1"), Catch::Contains("needs an array value"));
}

TEST_CASE("parse_gvariant: what runc's parser refuses, and what cruntime does not parse",
          "[cgroup]") {
  CHECK_THAT(error_of("invalid-value"), Catch::Contains("unknown word \"invalid\""));
  CHECK_THAT(error_of(""), Catch::Contains("a value is missing"));
  CHECK_THAT(error_of("1 2"), Catch::Contains("unexpected \"2\""));
  CHECK_THAT(error_of("<1>"), Catch::Contains("unsupported syntax"));
  CHECK_THAT(error_of("{'a': 1}"), Catch::Contains("unsupported syntax"));
  CHECK_THAT(error_of("(1, 2)"), Catch::Contains("unsupported syntax"));
  CHECK_THAT(error_of("12abc"), Catch::Contains("is not an integer"));
}

TEST_CASE("BusValue::to_string: the debug log form", "[cgroup]") {
  CHECK(BusValue::u64(5).to_string() == "t 5");
  CHECK(BusValue::bytes({7, 1}).to_string() == "ay [7, 1]");
  CHECK(BusValue{"as", {std::string("a")}}.to_string() == "as [\"a\"]");
  CHECK(BusValue::boolean(false).to_string() == "b false");
}

}  // namespace
}  // namespace cruntime::cgroup
