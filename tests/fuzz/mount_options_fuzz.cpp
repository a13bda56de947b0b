// libFuzzer target: the `options` of a config.json mount as the init parses them. Input: the
// mount type on the first line, then one option per line (an option may hold commas, as in
// `context="a,b"`). Also the filesystem data splitter and the destination path cleaner.
#include <sys/mount.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/rootfs/safe_path.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime;
  std::vector<std::string> lines = fuzz::split_all(fuzz::as_text(data, size), '\n');
  const std::string type = lines.front();
  const std::vector<std::string> options(lines.begin() + 1, lines.end());
  auto parsed = rootfs::parse_mount_options(options, type);
  if (!parsed) {
    fuzz::consume_error(parsed.error());
  } else {
    const rootfs::MountAttr attr = rootfs::mount_attr_of(parsed->flags, parsed->clear_flags);
    // The atime setting is an enum: whenever one is set, the whole field is cleared first.
    if ((attr.set & MOUNT_ATTR__ATIME) != 0) {
      CR_FUZZ_CHECK((attr.clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME, type);
    }
    (void)rootfs::superblock_flag_keys(parsed->flags);
    for (unsigned long propagation : parsed->propagation) {
      (void)rootfs::propagation_type(propagation);
      (void)rootfs::propagation_recursive(propagation);
    }
    // The data the filesystem gets is split again for fsconfig(2).
    (void)rootfs::split_mount_data(parsed->data);
  }
  for (const std::string& line : lines) {
    (void)rootfs::split_mount_data(line);
    (void)rootfs::mount_label_options(line, true);
    const std::string clean = rootfs::clean_path(line);
    CR_FUZZ_CHECK(rootfs::clean_path(clean) == clean, line);
    (void)rootfs::parent_path(clean);
    (void)rootfs::base_name(clean);
  }
  return 0;
}
