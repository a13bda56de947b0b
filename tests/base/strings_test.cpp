// Unit tests for strict integer and size parsing.
#include <catch2/catch.hpp>

#include "cruntime/base/strings.hpp"

namespace str = cruntime::strings;

TEST_CASE("parse_int is strict", "[base]") {
  CHECK(str::parse_int<int>("42") == 42);
  CHECK(str::parse_int<int>("-7") == -7);
  CHECK_FALSE(str::parse_int<int>(""));
  CHECK_FALSE(str::parse_int<int>("4x"));
  CHECK_FALSE(str::parse_int<int>(" 4"));
  CHECK_FALSE(str::parse_int<unsigned>("-1"));
  CHECK_FALSE(str::parse_int<uint32_t>("4294967296"));
  CHECK(str::parse_int<uint32_t>("4294967295") == 4294967295U);
}

TEST_CASE("parse_size accepts 1024-based suffixes", "[base]") {
  CHECK(str::parse_size("512") == 512);
  CHECK(str::parse_size("512k") == 512 * 1024);
  CHECK(str::parse_size("64M") == 64LL << 20);
  CHECK(str::parse_size("1gb") == 1LL << 30);
  CHECK(str::parse_size("2KiB") == 2048);
  CHECK_FALSE(str::parse_size("x"));
  CHECK_FALSE(str::parse_size("5q"));
}
