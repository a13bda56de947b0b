// Unit tests for linux.intelRdt on a fake resctrl tree (a TempDir laid out like
// /sys/fs/resctrl: info/, schemata, tasks, mon_groups/), and for the pure
// schemata helpers.
#include "cruntime/cgroup/resctrl.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "support/temp_dir.hpp"

namespace cgroup = cruntime::cgroup;
namespace fs = cruntime::fs;
using cruntime::spec::IntelRdt;
using Lines = std::vector<std::string>;

namespace {

constexpr const char* kDefaultSchemata = "    L3:0=7ff;1=7ff\n    MB:0=100;1=100\n";

void put(const std::string& path, const std::string& text) {
  REQUIRE(fs::write_file_atomic(path, text, 0644));
}

std::string get(const std::string& path) {
  auto text = fs::read_file(path);
  REQUIRE(text);
  return *text;
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The kernel's part: a new CTRL_MON group has schemata, tasks and mon_groups/;
// a MON group has tasks; rmdir takes a group with its files.
struct FakeResctrl {
  cruntime::test::TempDir tmp;
  cgroup::cgfs::DirHooks hooks;

  FakeResctrl() {
    REQUIRE(fs::mkdir_p(tmp.join("info/L3")));
    REQUIRE(fs::mkdir_p(tmp.join("info/MB")));
    REQUIRE(fs::mkdir_p(tmp.join("mon_groups")));
    put(tmp.join("info/last_cmd_status"), "ok\n");
    put(tmp.join("schemata"), kDefaultSchemata);
    put(tmp.join("tasks"), "");
    hooks.after_mkdir = [](const std::string& dir) {
      put(dir + "/tasks", "");
      if (std::filesystem::path(dir).parent_path().filename() == "mon_groups") return;
      put(dir + "/schemata", kDefaultSchemata);
      REQUIRE(fs::mkdir_p(dir + "/mon_groups"));
    };
    hooks.before_rmdir = [](const std::string& dir) {
      for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.is_directory()) {
          std::filesystem::remove(entry.path());  // an empty mon_groups/
        } else {
          std::filesystem::remove(entry.path());
        }
      }
    };
  }
  const std::string& root() const { return tmp.path(); }
  std::string join(std::string_view name) const { return tmp.join(name); }
};

IntelRdt rdt_with(std::optional<std::string> clos, std::optional<std::string> l3,
                  std::optional<std::string> mb) {
  IntelRdt rdt;
  rdt.clos_id = std::move(clos);
  rdt.l3_cache_schema = std::move(l3);
  rdt.mem_bw_schema = std::move(mb);
  return rdt;
}

}  // namespace

TEST_CASE("resctrl_schemata_lines: l3CacheSchema, memBwSchema, then schemata[]", "[cgroup]") {
  IntelRdt rdt = rdt_with(std::nullopt, "L3:0=7f0", "MB:0=20");
  rdt.schemata = Lines{"L2:0=f", "", "MB:0=30"};
  CHECK(cgroup::resctrl_schemata_lines(rdt) == Lines{"L3:0=7f0", "MB:0=20", "L2:0=f", "MB:0=30"});
  CHECK(cgroup::resctrl_schemata_lines(IntelRdt{}).empty());
}

TEST_CASE("check_schemata_match: values compared as numbers, per named domain", "[cgroup]") {
  const std::string existing = "    L3:0=07f0;1=001f\n    MB:0=020;1=70\n";
  CHECK(cgroup::check_schemata_match(existing, {"L3:0=7f0;1=1f", "MB:0=20;1=70"}));
  CHECK(cgroup::check_schemata_match(existing, {"L3:1=1F"}));  // only domain 1 named
  CHECK(cgroup::check_schemata_match(existing, {}));
  auto differ = cgroup::check_schemata_match(existing, {"L3:0=ff"});
  REQUIRE_FALSE(differ);
  CHECK_THAT(differ.error().to_string(), Catch::Contains("domain 0 = 7f0"));
  auto missing = cgroup::check_schemata_match(existing, {"L2:0=f"});
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().to_string(), Catch::Contains("has no L2 line"));
  auto unknown = cgroup::check_schemata_match(existing, {"XYZ:0=1"});
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().to_string(), Catch::Contains("cannot compare this resource"));
  CHECK_FALSE(cgroup::check_schemata_match(existing, {"L3:0=zz"}));
  CHECK_FALSE(cgroup::check_schemata_match(existing, {"L3:0"}));
}

TEST_CASE(
    "resctrl: without closID the container's own group: schemata, tasks, "
    "removed on delete",
    "[cgroup]") {
  FakeResctrl fake;
  IntelRdt rdt = rdt_with(std::nullopt, "L3:0=7f0;1=1f", "MB:0=20;1=70");
  rdt.schemata = Lines{"L2:0=f"};
  auto group = cgroup::prepare_resctrl(fake.root(), rdt, "ct1", fake.hooks);
  REQUIRE(group);
  CHECK(group->group_dir == fake.join("ct1"));
  CHECK(group->remove_group);
  CHECK(group->mon_dir.empty());
  // One write, in the spec's order.
  CHECK(get(fake.join("ct1/schemata")) == "L3:0=7f0;1=1f\nMB:0=20;1=70\nL2:0=f\n");
  REQUIRE(cgroup::attach_resctrl(*group, 4242));
  CHECK(get(fake.join("ct1/tasks")) == "4242");
  CHECK(get(fake.join("tasks")).empty());
  // state.json round trip, then delete.
  cruntime::spec::StoredState stored;
  cgroup::store_resctrl(*group, stored);
  const cgroup::ResctrlGroup back = cgroup::stored_resctrl(stored);
  CHECK(back.group_dir == group->group_dir);
  CHECK(back.root == fake.root());
  REQUIRE(cgroup::remove_resctrl(back, false, fake.hooks));
  CHECK_FALSE(is_dir(fake.join("ct1")));
  CHECK(get(fake.join("schemata")) == kDefaultSchemata);  // the root is never written
}

TEST_CASE("resctrl: a new closID group is made and written, but delete keeps it", "[cgroup]") {
  FakeResctrl fake;
  auto group = cgroup::prepare_resctrl(fake.root(), rdt_with("gold", "L3:0=f", std::nullopt), "ct1",
                                       fake.hooks);
  REQUIRE(group);
  CHECK(group->group_dir == fake.join("gold"));
  CHECK_FALSE(group->remove_group);
  CHECK(get(fake.join("gold/schemata")) == "L3:0=f\n");
  REQUIRE(cgroup::remove_resctrl(*group, false, fake.hooks));
  CHECK(is_dir(fake.join("gold")));
  // A failed create takes back what it made.
  REQUIRE(cgroup::remove_resctrl(*group, true, fake.hooks));
  CHECK_FALSE(is_dir(fake.join("gold")));
}

TEST_CASE(
    "resctrl: an existing closID group is joined, never written, if its "
    "schemata match",
    "[cgroup]") {
  FakeResctrl fake;
  REQUIRE(fs::mkdir_p(fake.join("gold/mon_groups")));
  put(fake.join("gold/schemata"), "    L3:0=00f;1=7ff\n    MB:0=50;1=100\n");
  put(fake.join("gold/tasks"), "");
  SECTION("matching: joined") {
    auto group = cgroup::prepare_resctrl(fake.root(), rdt_with("gold", "L3:0=f", "MB:0=50"), "ct1",
                                         fake.hooks);
    REQUIRE(group);
    CHECK_FALSE(group->made_group);
    REQUIRE(cgroup::attach_resctrl(*group, 77));
    CHECK(get(fake.join("gold/tasks")) == "77");
    CHECK(get(fake.join("gold/schemata")) == "    L3:0=00f;1=7ff\n    MB:0=50;1=100\n");
    REQUIRE(cgroup::remove_resctrl(*group, true, fake.hooks));
    CHECK(is_dir(fake.join("gold")));
  }
  SECTION("no schemata in the config: joined as it is") {
    REQUIRE(cgroup::prepare_resctrl(fake.root(), rdt_with("gold", std::nullopt, std::nullopt),
                                    "ct1", fake.hooks));
  }
  SECTION("another memBwSchema: refused, naming both") {
    auto group = cgroup::prepare_resctrl(fake.root(), rdt_with("gold", std::nullopt, "MB:0=20"),
                                         "ct1", fake.hooks);
    REQUIRE_FALSE(group);
    CHECK_THAT(group.error().to_string(),
               Catch::Contains("closID \"gold\" exists with other schemata") &&
                   Catch::Contains("\"MB:0=20\": the existing group has MB domain 0 = 50"));
    CHECK(get(fake.join("gold/schemata")) == "    L3:0=00f;1=7ff\n    MB:0=50;1=100\n");
  }
}

TEST_CASE("resctrl: closID without schemata must exist; \"/\" is the root group", "[cgroup]") {
  FakeResctrl fake;
  auto missing = cgroup::prepare_resctrl(
      fake.root(), rdt_with("silver", std::nullopt, std::nullopt), "ct1", fake.hooks);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().to_string(), Catch::Contains("silver does not exist"));
  CHECK_FALSE(is_dir(fake.join("silver")));

  auto root = cgroup::prepare_resctrl(fake.root(), rdt_with("/", std::nullopt, std::nullopt), "ct1",
                                      fake.hooks);
  REQUIRE(root);
  CHECK(root->group_dir == fake.root());
  REQUIRE(cgroup::attach_resctrl(*root, 5));
  CHECK(get(fake.join("tasks")) == "5");
  REQUIRE(cgroup::remove_resctrl(*root, true, fake.hooks));
  CHECK(is_dir(fake.root()));
}

TEST_CASE("resctrl: without closID an existing group of that name is refused", "[cgroup]") {
  FakeResctrl fake;
  REQUIRE(fs::mkdir_p(fake.join("ct1")));
  auto group = cgroup::prepare_resctrl(fake.root(), rdt_with(std::nullopt, "L3:0=f", std::nullopt),
                                       "ct1", fake.hooks);
  REQUIRE_FALSE(group);
  CHECK_THAT(group.error().to_string(), Catch::Contains("exists already"));
  CHECK(is_dir(fake.join("ct1")));  // not ours: left alone
}

TEST_CASE(
    "resctrl: enableMonitoring makes mon_groups/<id>, the pid goes into "
    "both, delete "
    "removes the MON group even of a closID group",
    "[cgroup]") {
  FakeResctrl fake;
  IntelRdt rdt = rdt_with("gold", "L3:0=f", std::nullopt);
  rdt.enable_monitoring = true;
  auto group = cgroup::prepare_resctrl(fake.root(), rdt, "ct1", fake.hooks);
  REQUIRE(group);
  CHECK(group->mon_dir == fake.join("gold/mon_groups/ct1"));
  REQUIRE(cgroup::attach_resctrl(*group, 99));
  CHECK(get(fake.join("gold/tasks")) == "99");
  CHECK(get(fake.join("gold/mon_groups/ct1/tasks")) == "99");
  REQUIRE(cgroup::remove_resctrl(*group, false, fake.hooks));
  CHECK_FALSE(is_dir(fake.join("gold/mon_groups/ct1")));
  CHECK(is_dir(fake.join("gold")));
}

TEST_CASE(
    "resctrl: a schemata write the kernel refuses names last_cmd_status "
    "and leaves no group",
    "[cgroup]") {
  FakeResctrl fake;
  put(fake.join("info/last_cmd_status"), "Invalid CBM 0x1 for L3 domain 0\n");
  // The fake group's schemata is a directory: the write fails as the kernel's
  // EINVAL would.
  cgroup::cgfs::DirHooks hooks = fake.hooks;
  hooks.after_mkdir = [](const std::string& dir) { REQUIRE(fs::mkdir_p(dir + "/schemata")); };
  hooks.before_rmdir = [](const std::string& dir) { std::filesystem::remove(dir + "/schemata"); };
  auto group = cgroup::prepare_resctrl(fake.root(), rdt_with(std::nullopt, "L3:0=1", std::nullopt),
                                       "ct1", hooks);
  REQUIRE_FALSE(group);
  CHECK_THAT(group.error().to_string(),
             Catch::Contains("write " + fake.join("ct1/schemata")) &&
                 Catch::Contains("last_cmd_status \"Invalid CBM 0x1 for L3 domain 0\""));
  CHECK_FALSE(is_dir(fake.join("ct1")));
}

TEST_CASE("check_resctrl_mounted: a plain directory is not resctrl", "[cgroup]") {
  cruntime::test::TempDir tmp;
  auto mounted = cgroup::check_resctrl_mounted(tmp.path());
  REQUIRE_FALSE(mounted);
  CHECK_THAT(mounted.error().to_string(),
             Catch::StartsWith("resctrl is not mounted at " + tmp.path()));
}
