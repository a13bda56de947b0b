// parse_mount_options and friends: every option name, combinations, unknowns, bind + data.
#include "cruntime/rootfs/mount_options.hpp"

#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace cruntime::rootfs {
namespace {

MountOptions parse(std::vector<std::string> options, std::string_view type = {}) {
  auto parsed = parse_mount_options(options, type);
  REQUIRE(parsed);
  return *parsed;
}

struct FlagCase {
  const char* name;
  unsigned long set;
  unsigned long clear;
};

}  // namespace

TEST_CASE("parse_mount_options: every mount(8) flag name", "[rootfs]") {
  const std::vector<FlagCase> cases = {
      {"ro", MS_RDONLY, 0},
      {"rw", 0, MS_RDONLY},
      {"nosuid", MS_NOSUID, 0},
      {"suid", 0, MS_NOSUID},
      {"nodev", MS_NODEV, 0},
      {"dev", 0, MS_NODEV},
      {"noexec", MS_NOEXEC, 0},
      {"exec", 0, MS_NOEXEC},
      {"sync", MS_SYNCHRONOUS, 0},
      {"async", 0, MS_SYNCHRONOUS},
      {"dirsync", MS_DIRSYNC, 0},
      {"remount", MS_REMOUNT, 0},
      {"mand", MS_MANDLOCK, 0},
      {"nomand", 0, MS_MANDLOCK},
      {"noatime", MS_NOATIME, 0},
      {"atime", 0, MS_NOATIME},
      {"nodiratime", MS_NODIRATIME, 0},
      {"diratime", 0, MS_NODIRATIME},
      {"relatime", MS_RELATIME, 0},
      {"norelatime", 0, MS_RELATIME},
      {"strictatime", MS_STRICTATIME, 0},
      {"nostrictatime", 0, MS_STRICTATIME},
      {"lazytime", MS_LAZYTIME, 0},
      {"nolazytime", 0, MS_LAZYTIME},
      {"iversion", MS_I_VERSION, 0},
      {"noiversion", 0, MS_I_VERSION},
      {"silent", MS_SILENT, 0},
      {"loud", 0, MS_SILENT},
      {"nosymfollow", MS_NOSYMFOLLOW, 0},
      {"symfollow", 0, MS_NOSYMFOLLOW},
      {"defaults", 0, 0},
  };
  for (const FlagCase& c : cases) {
    INFO(c.name);
    MountOptions options = parse({c.name});
    CHECK(options.flags == c.set);
    CHECK(options.clear_flags == c.clear);
    CHECK(options.data.empty());
    CHECK(options.propagation.empty());
    CHECK_FALSE(options.is_bind);
  }
}

TEST_CASE("parse_mount_options: bind and rbind make a bind, rbind with MS_REC", "[rootfs]") {
  MountOptions bind = parse({"bind"});
  CHECK(bind.is_bind);
  CHECK_FALSE(bind.is_rbind);
  CHECK(bind.flags == MS_BIND);

  MountOptions rbind = parse({"rbind", "ro"});
  CHECK(rbind.is_bind);
  CHECK(rbind.is_rbind);
  CHECK(rbind.flags == (MS_BIND | MS_REC | MS_RDONLY));

  SECTION("type bind without a bind option is a (non-recursive) bind") {
    MountOptions typed = parse({"ro"}, "bind");
    CHECK(typed.is_bind);
    CHECK_FALSE(typed.is_rbind);
    CHECK(typed.flags == (MS_BIND | MS_RDONLY));
  }
}

TEST_CASE("parse_mount_options: propagation options keep their order", "[rootfs]") {
  const std::vector<std::pair<const char*, unsigned long>> cases = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  for (const auto& [name, flags] : cases) {
    INFO(name);
    MountOptions options = parse({name});
    REQUIRE(options.propagation.size() == 1);
    CHECK(options.propagation[0] == flags);
    CHECK(options.flags == 0);
  }
  MountOptions both = parse({"rprivate", "shared"});
  CHECK(both.propagation == std::vector<unsigned long>{MS_PRIVATE | MS_REC, MS_SHARED});
  CHECK(propagation_type(MS_SLAVE | MS_REC) == MS_SLAVE);
  CHECK(propagation_recursive(MS_SLAVE | MS_REC));
  CHECK_FALSE(propagation_recursive(MS_SHARED));
}

TEST_CASE("parse_mount_options: every recursive attribute", "[rootfs]") {
  struct AttrCase {
    const char* name;
    uint64_t set;
    uint64_t clr;
  };
  const std::vector<AttrCase> cases = {
      {"rro", MOUNT_ATTR_RDONLY, 0},
      {"rrw", 0, MOUNT_ATTR_RDONLY},
      {"rnosuid", MOUNT_ATTR_NOSUID, 0},
      {"rsuid", 0, MOUNT_ATTR_NOSUID},
      {"rnodev", MOUNT_ATTR_NODEV, 0},
      {"rdev", 0, MOUNT_ATTR_NODEV},
      {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
      {"rexec", 0, MOUNT_ATTR_NOEXEC},
      {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
      {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
      {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
      {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
      // The atime choice always clears MOUNT_ATTR__ATIME (mount_setattr(2)).
      {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
      {"rnorelatime", 0, MOUNT_ATTR__ATIME},
      {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
      {"ratime", 0, MOUNT_ATTR__ATIME},
      {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
      {"rnostrictatime", 0, MOUNT_ATTR__ATIME},
  };
  for (const AttrCase& c : cases) {
    INFO(c.name);
    MountOptions options = parse({c.name});
    CHECK(options.rec_attr_set == c.set);
    CHECK(options.rec_attr_clr == c.clr);
    CHECK(options.flags == 0);
    CHECK(options.data.empty());
  }
}

TEST_CASE("parse_mount_options: the last of opposite options wins", "[rootfs]") {
  CHECK(parse({"ro", "rw"}).flags == 0);
  CHECK(parse({"ro", "rw"}).clear_flags == MS_RDONLY);
  CHECK(parse({"rw", "ro"}).flags == MS_RDONLY);
  CHECK(parse({"rw", "ro"}).clear_flags == 0);
  CHECK(parse({"noatime", "strictatime"}).flags == MS_STRICTATIME);
  CHECK(parse({"strictatime", "relatime"}).flags == MS_RELATIME);
  CHECK(parse({"rro", "rrw"}).rec_attr_set == 0);
  CHECK(parse({"rro", "rrw"}).rec_attr_clr == MOUNT_ATTR_RDONLY);
  MountOptions atime = parse({"rnoatime", "rstrictatime"});
  CHECK(atime.rec_attr_set == MOUNT_ATTR_STRICTATIME);
  CHECK(atime.rec_attr_clr == MOUNT_ATTR__ATIME);
}

TEST_CASE("parse_mount_options: a typical combination", "[rootfs]") {
  MountOptions options = parse({"ro", "nosuid", "size=64m", "rshared", "mode=1777", "rnoexec"});
  CHECK(options.flags == (MS_RDONLY | MS_NOSUID));
  CHECK(options.propagation == std::vector<unsigned long>{MS_SHARED | MS_REC});
  CHECK(options.data == "size=64m,mode=1777");
  CHECK(options.rec_attr_set == MOUNT_ATTR_NOEXEC);
  CHECK_FALSE(options.is_bind);
  CHECK(options.has(MS_RDONLY));
  CHECK_FALSE(options.has(MS_NODEV));
}

TEST_CASE("parse_mount_options: unknown options are filesystem data", "[rootfs]") {
  MountOptions options = parse({"newinstance", "ptmxmode=0666", "acl", "gid=5"});
  CHECK(options.data == "newinstance,ptmxmode=0666,acl,gid=5");
  CHECK(options.flags == 0);
  CHECK(parse({}).data.empty());
  CHECK(parse({""}).data.empty());
}

TEST_CASE("parse_mount_options: a bind keeps filesystem data aside (ignored, as runc 1.1)", "[rootfs]") {
  MountOptions bind = parse({"rbind", "size=1m"});
  CHECK(bind.is_rbind);
  CHECK(bind.data == "size=1m");
  MountOptions typed = parse({"mode=755"}, "bind");
  CHECK(typed.is_bind);
  CHECK(typed.data == "mode=755");
  CHECK(parse_mount_options(std::vector<std::string>{"bind", "ro", "rprivate", "rnosuid"}));
}

TEST_CASE("parse_mount_options: extensions tmpcopyup, idmap, ridmap", "[rootfs]") {
  MountOptions copy = parse({"tmpcopyup", "mode=755"});
  CHECK(copy.tmpcopyup);
  CHECK(copy.data == "mode=755");
  MountOptions idmap = parse({"bind", "idmap"});
  CHECK(idmap.idmap);
  CHECK_FALSE(idmap.ridmap);
  MountOptions ridmap = parse({"rbind", "ridmap"});
  CHECK(ridmap.idmap);
  CHECK(ridmap.ridmap);
  CHECK(ridmap.data.empty());
}

TEST_CASE("mount_attr_of: MS flags to mount attributes", "[rootfs]") {
  CHECK(mount_attr_of(0, 0) == MountAttr{});
  CHECK(mount_attr_of(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) ==
        MountAttr{MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0});
  CHECK(mount_attr_of(0, MS_RDONLY | MS_NOSUID) ==
        MountAttr{0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID});
  CHECK(mount_attr_of(MS_NOATIME, 0) == MountAttr{MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME});
  CHECK(mount_attr_of(MS_STRICTATIME | MS_NOATIME, 0) ==
        MountAttr{MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME});
  CHECK(mount_attr_of(MS_RELATIME, 0) == MountAttr{0, MOUNT_ATTR__ATIME});
  CHECK(mount_attr_of(0, MS_NOATIME) == MountAttr{0, MOUNT_ATTR__ATIME});
  CHECK(mount_attr_of(MS_NODIRATIME | MS_NOSYMFOLLOW, 0) ==
        MountAttr{MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW, 0});
  // Superblock-only and structural flags have no per-mount attribute.
  CHECK(mount_attr_of(MS_BIND | MS_REC | MS_REMOUNT | MS_SYNCHRONOUS, 0) == MountAttr{});
}

TEST_CASE("superblock_flag_keys: the fsconfig names of superblock flags", "[rootfs]") {
  CHECK(superblock_flag_keys(0).empty());
  CHECK(superblock_flag_keys(MS_SYNCHRONOUS | MS_DIRSYNC | MS_LAZYTIME | MS_MANDLOCK) ==
        std::vector<std::string>{"sync", "dirsync", "lazytime", "mand"});
  CHECK(superblock_flag_keys(MS_RDONLY | MS_NOSUID).empty());
}

TEST_CASE("split_mount_data: commas split, except inside double quotes", "[rootfs]") {
  CHECK(split_mount_data("").empty());
  CHECK(split_mount_data("size=64m") == std::vector<std::string>{"size=64m"});
  CHECK(split_mount_data("size=64m,,mode=755,") ==
        std::vector<std::string>{"size=64m", "mode=755"});
  CHECK(split_mount_data("context=\"system_u:object_r:x:s0:c1,c2\",size=1m") ==
        std::vector<std::string>{"context=\"system_u:object_r:x:s0:c1,c2\"", "size=1m"});
}

TEST_CASE("mount_label_options: context=<label> only with SELinux on and a label", "[rootfs]") {
  CHECK(mount_label_options("system_u:object_r:container_file_t:s0:c1,c2", true) ==
        std::vector<std::string>{"context=system_u:object_r:container_file_t:s0:c1,c2"});
  CHECK(mount_label_options("system_u:object_r:container_file_t:s0", false).empty());
  CHECK(mount_label_options("", true).empty());
}

}  // namespace cruntime::rootfs
