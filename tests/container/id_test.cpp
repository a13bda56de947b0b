// Unit tests for container id validation (cli-contract §1, security.md promise 9).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/container/operations.hpp"

using cruntime::container::validate_id;

TEST_CASE("validate_id accepts runc's id charset up to 1024 bytes", "[container]") {
  std::vector<std::string> good = {"a",  "abc", "ABC-xyz_09", "a.b", "a+b", "...",
                                   ".a", "a..", "-",          "_",   "+",   "0"};
  good.push_back(std::string(1024, 'x'));
  for (const std::string& id : good) {
    INFO("id: " << id.substr(0, 40));
    CHECK(validate_id(id));
  }
}

TEST_CASE("validate_id rejects an empty id with runc's message", "[container]") {
  auto r = validate_id("");
  REQUIRE_FALSE(r);
  CHECK(r.error().to_string() == "container id cannot be empty");
}

TEST_CASE("validate_id rejects path syntax, odd bytes and overlong ids", "[container]") {
  std::vector<std::string> bad = {".",    "..",  "/",  "a/b", "../x", "a b",  " a",       "a\n",
                                  "a\tb", "a:b", "a*", "a$b", "ä",    "\xff", "контейнер"};
  bad.push_back(std::string("a\0b", 3));
  bad.push_back(std::string(1025, 'x'));
  for (const std::string& id : bad) {
    INFO("id: " << id.substr(0, 40));
    auto r = validate_id(id);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().to_string(), Catch::Contains("invalid container ID format"));
  }
}

TEST_CASE("validate_id quotes the bad id with control bytes made visible", "[container]") {
  auto slash = validate_id("a/b");
  REQUIRE_FALSE(slash);
  CHECK(slash.error().to_string() == "invalid container ID format: \"a/b\"");

  auto newline = validate_id("a\nb");
  REQUIRE_FALSE(newline);
  CHECK(newline.error().to_string() == "invalid container ID format: \"a\\x0ab\"");

  auto overlong = validate_id(std::string(1025, 'x'));
  REQUIRE_FALSE(overlong);
  CHECK_THAT(overlong.error().to_string(), Catch::Contains("1025 bytes"));
}
