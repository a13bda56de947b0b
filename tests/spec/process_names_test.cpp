// The `process` enum tables (spec/process_names.hpp): every name round-trips, the values are the
// kernel's as libc spells them, and nothing else is accepted.
#include "cruntime/spec/process_names.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <string_view>

namespace spec = cruntime::spec;

namespace {

// Every name maps to its value and back, and neither repeats.
template <class T>
void check_round_trip(std::span<const spec::Named<T>> table) {
  std::set<std::string_view> names;
  std::set<T> values;
  for (const auto& [name, value] : table) {
    INFO(name);
    CHECK(spec::value_of(table, name) == value);
    CHECK(spec::name_of(table, value) == name);
    CHECK(names.insert(name).second);
    CHECK(values.insert(value).second);
  }
}

}  // namespace

TEST_CASE("rlimit_resource: all sixteen RLIMIT names, nothing else", "[spec]") {
  REQUIRE(spec::rlimit_table().size() == 16);
  check_round_trip(spec::rlimit_table());
  CHECK(spec::rlimit_resource("RLIMIT_AS") == RLIMIT_AS);
  CHECK(spec::rlimit_resource("RLIMIT_CORE") == RLIMIT_CORE);
  CHECK(spec::rlimit_resource("RLIMIT_CPU") == RLIMIT_CPU);
  CHECK(spec::rlimit_resource("RLIMIT_DATA") == RLIMIT_DATA);
  CHECK(spec::rlimit_resource("RLIMIT_FSIZE") == RLIMIT_FSIZE);
  CHECK(spec::rlimit_resource("RLIMIT_LOCKS") == RLIMIT_LOCKS);
  CHECK(spec::rlimit_resource("RLIMIT_MEMLOCK") == RLIMIT_MEMLOCK);
  CHECK(spec::rlimit_resource("RLIMIT_MSGQUEUE") == RLIMIT_MSGQUEUE);
  CHECK(spec::rlimit_resource("RLIMIT_NICE") == RLIMIT_NICE);
  CHECK(spec::rlimit_resource("RLIMIT_NOFILE") == RLIMIT_NOFILE);
  CHECK(spec::rlimit_resource("RLIMIT_NPROC") == RLIMIT_NPROC);
  CHECK(spec::rlimit_resource("RLIMIT_RSS") == RLIMIT_RSS);
  CHECK(spec::rlimit_resource("RLIMIT_RTPRIO") == RLIMIT_RTPRIO);
  CHECK(spec::rlimit_resource("RLIMIT_RTTIME") == RLIMIT_RTTIME);
  CHECK(spec::rlimit_resource("RLIMIT_SIGPENDING") == RLIMIT_SIGPENDING);
  CHECK(spec::rlimit_resource("RLIMIT_STACK") == RLIMIT_STACK);
  CHECK_FALSE(spec::rlimit_resource("rlimit_nofile"));
  CHECK_FALSE(spec::rlimit_resource("NOFILE"));
  CHECK_FALSE(spec::rlimit_resource("RLIMIT_NLIMITS"));
  CHECK_FALSE(spec::rlimit_resource(""));
}

TEST_CASE("capability names: the build's table maps names to numbers and back", "[spec]") {
  check_round_trip(spec::capability_table());
  CHECK(spec::capability_index("CAP_CHOWN") == 0);
  CHECK(spec::capability_index("CAP_SYS_ADMIN") == 21);
  CHECK(spec::capability_index("CAP_CHECKPOINT_RESTORE") == 40);
  CHECK_FALSE(spec::capability_index("CAP_FOO").has_value());
  // Names are case-sensitive (runc).
  CHECK_FALSE(spec::capability_index("cap_sys_admin").has_value());
  CHECK_FALSE(spec::capability_index("SYS_ADMIN").has_value());
  CHECK_FALSE(spec::capability_index("").has_value());
  CHECK(spec::capability_name(5) == "CAP_KILL");
  CHECK(spec::capability_name(41) == "CAP_41");
  CHECK(spec::capability_name(-1) == "CAP_-1");
}

TEST_CASE("capability_table: CAP_CHOWN..CAP_CHECKPOINT_RESTORE in number order", "[spec]") {
  const auto table = spec::capability_table();
  REQUIRE(table.size() == 41);
  CHECK(table.front().name == "CAP_CHOWN");
  CHECK(table.back().name == "CAP_CHECKPOINT_RESTORE");
  for (size_t i = 0; i < table.size(); ++i) {
    CHECK(spec::capability_index(table[i].name) == static_cast<int>(i));
    CHECK(spec::capability_name(static_cast<int>(i)) == table[i].name);
  }
}

TEST_CASE("scheduler and I/O priority name tables", "[spec]") {
  check_round_trip(spec::sched_policy_table());
  check_round_trip(spec::sched_flag_table());
  check_round_trip(spec::io_priority_class_table());
  CHECK(spec::sched_policy("SCHED_OTHER") == SCHED_OTHER);
  CHECK(spec::sched_policy("SCHED_FIFO") == SCHED_FIFO);
  CHECK(spec::sched_policy("SCHED_RR") == SCHED_RR);
  CHECK(spec::sched_policy("SCHED_BATCH") == SCHED_BATCH);
  CHECK(spec::sched_policy("SCHED_ISO") == 4);
  CHECK(spec::sched_policy("SCHED_IDLE") == SCHED_IDLE);
  CHECK(spec::sched_policy("SCHED_DEADLINE") == 6);
  CHECK_FALSE(spec::sched_policy("SCHED_NORMAL"));
  CHECK(spec::sched_flag("SCHED_FLAG_RESET_ON_FORK") == 0x01u);
  CHECK(spec::sched_flag("SCHED_FLAG_RECLAIM") == 0x02u);
  CHECK(spec::sched_flag("SCHED_FLAG_DL_OVERRUN") == 0x04u);
  CHECK(spec::sched_flag("SCHED_FLAG_KEEP_POLICY") == 0x08u);
  CHECK(spec::sched_flag("SCHED_FLAG_KEEP_PARAMS") == 0x10u);
  CHECK(spec::sched_flag("SCHED_FLAG_UTIL_CLAMP_MIN") == 0x20u);
  CHECK(spec::sched_flag("SCHED_FLAG_UTIL_CLAMP_MAX") == 0x40u);
  CHECK_FALSE(spec::sched_flag("SCHED_FLAG_ALL"));
  CHECK(spec::io_priority_class("IOPRIO_CLASS_RT") == 1);
  CHECK(spec::io_priority_class("IOPRIO_CLASS_BE") == 2);
  CHECK(spec::io_priority_class("IOPRIO_CLASS_IDLE") == 3);
  CHECK_FALSE(spec::io_priority_class("IOPRIO_CLASS_NONE"));
}
