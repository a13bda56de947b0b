// linux.maskedPaths and linux.readonlyPaths, applied inside the container after pivot_root.
#pragma once

#include <string>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::rootfs {

// Each path is resolved inside `root_fd` (symlinks included); missing paths are skipped. Files
// get the container's /dev/null bound over them (checked to be char 1:3 first), directories a
// read-only, empty tmpfs (with `label_options`, linux.mountLabel's mount_label_options).
Result<void> mask_paths(int root_fd, const std::vector<std::string>& paths,
                        const std::vector<std::string>& label_options = {});

// Each path is bound onto itself with its submounts and made read-only recursively; the other
// flags (nosuid, nodev, noexec, locked ones) are left as they were. Missing paths are skipped.
Result<void> make_paths_readonly(int root_fd, const std::vector<std::string>& paths);

}  // namespace cruntime::rootfs
