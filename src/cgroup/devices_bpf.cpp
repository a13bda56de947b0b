// The cgroup v2 device filter in the kernel: bpf(2) load, query, attach-then-detach.
#include "cruntime/cgroup/devices_bpf.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/sys/proc.hpp"

namespace cruntime::cgroup {
namespace {

// The license matters only for GPL-only helpers, and the program calls none (runc: "Apache").
constexpr char kLicense[] = "Apache";
// bpftool prog list shows it under this name (at most BPF_OBJ_NAME_LEN - 1 characters).
constexpr char kProgramName[] = "cruntime_dev";
constexpr size_t kVerifierLogSize = size_t{256} * 1024;
// A cgroup holds at most 64 programs per attach type; the query retries with the kernel's count.
constexpr uint32_t kQueryCapacity = 64;
constexpr int kQueryTries = 10;

bpf_attr zeroed_attr() {
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);  // the kernel refuses non-zero bytes it does not know
  return attr;
}

uint64_t to_u64(const void* pointer) { return reinterpret_cast<uintptr_t>(pointer); }

// -1 with errno set, like the syscall.
long bpf_call(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

int prog_load(std::span<const bpf_insn> program, std::string* log) {
  bpf_attr attr = zeroed_attr();
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = to_u64(program.data());
  attr.insn_cnt = static_cast<uint32_t>(program.size());
  attr.license = to_u64(kLicense);
  std::memcpy(attr.prog_name, kProgramName, sizeof kProgramName);
  if (log != nullptr) {
    log->assign(kVerifierLogSize, '\0');
    attr.log_level = 1;
    attr.log_buf = to_u64(log->data());
    attr.log_size = static_cast<uint32_t>(log->size());
  }
  return static_cast<int>(bpf_call(BPF_PROG_LOAD, attr));
}

// The verifier's complaint is its last line ("R0 !read_ok", "invalid bpf_context access ..."),
// before the statistics line newer kernels add ("processed 1 insns (limit 1000000) ...").
std::string verifier_complaint(const std::string& log) {
  std::string_view text(log.c_str());  // up to the kernel's NUL
  while (!text.empty()) {
    const size_t start = text.find_last_of('\n');
    const std::string_view line =
        strings::trim(start == std::string_view::npos ? text : text.substr(start + 1));
    if (!line.empty() && !line.starts_with("processed ")) return std::string(line);
    if (start == std::string_view::npos) break;
    text = text.substr(0, start);
  }
  return {};
}

// Kernels before 5.11 charge programs to RLIMIT_MEMLOCK and report EPERM when it is used up.
// Lift it for one more try, then put it back: the container init is cloned from this process
// later and must inherit the host's limit, not ours.
int prog_load_lifting_memlock(std::span<const bpf_insn> program) {
  rlimit saved{};
  if (::getrlimit(RLIMIT_MEMLOCK, &saved) != 0) return -1;
  const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  if (::setrlimit(RLIMIT_MEMLOCK, &unlimited) != 0) {
    errno = EPERM;  // report the load's error, not the rlimit's
    return -1;
  }
  const int fd = prog_load(program, nullptr);
  const int load_errno = errno;
  // Restoring a limit we just read cannot be refused (lowering needs no privilege).
  (void)::setrlimit(RLIMIT_MEMLOCK, &saved);
  errno = load_errno;
  return fd;
}

// An fd for an attached program; an empty one when it is gone meanwhile or an LSM hides it from
// us (runc skips those too: a further device program can only restrict, never allow more).
Result<UniqueFd> program_by_id(uint32_t id) {
  bpf_attr attr = zeroed_attr();
  attr.prog_id = id;
  const long fd = bpf_call(BPF_PROG_GET_FD_BY_ID, attr);
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  if (errno == ENOENT || errno == EPERM || errno == EACCES) {
    log::debug("cgroup: device program {} left alone: {}", id, std::strerror(errno));
    return UniqueFd();
  }
  return fail(Error::sys(errno, fmt::format("bpf(BPF_PROG_GET_FD_BY_ID, {})", id)));
}

Result<void> load_and_replace(int cgroup_fd, std::span<const bpf_insn> program) {
  const UniqueFd prog = CR_TRY(load_device_program(program));
  // The program fd closes on return; the attachment keeps the program until it is replaced or
  // the cgroup is removed.
  return replace_device_program(cgroup_fd, prog.get());
}

}  // namespace

Result<UniqueFd> load_device_program(std::span<const bpf_insn> program) {
  int fd = prog_load(program, nullptr);
  if (fd < 0 && errno == EPERM) fd = prog_load_lifting_memlock(program);
  if (fd >= 0) return UniqueFd(fd);
  const int load_errno = errno;
  // Load once more with the verifier log, to say why (the first try skips its cost).
  std::string log;
  const int logged = prog_load(program, &log);
  if (logged >= 0) return UniqueFd(logged);  // a transient failure (ENOMEM, EAGAIN)
  const std::string why = verifier_complaint(log);
  return fail(Error::sys(
      load_errno, fmt::format("bpf(BPF_PROG_LOAD) of the device filter ({} instructions){}",
                              program.size(), why.empty() ? std::string() : "; verifier: " + why)));
}

Result<std::vector<uint32_t>> attached_device_programs(int cgroup_fd) {
  std::vector<uint32_t> ids(kQueryCapacity);
  for (int attempt = 0; attempt < kQueryTries; ++attempt) {
    bpf_attr attr = zeroed_attr();
    attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = to_u64(ids.data());
    attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
    if (bpf_call(BPF_PROG_QUERY, attr) == 0) {
      ids.resize(attr.query.prog_cnt);
      return ids;
    }
    // ENOSPC: more programs than room; prog_cnt now holds how many there are.
    if (errno != ENOSPC) {
      return fail(Error::sys(errno, "bpf(BPF_PROG_QUERY, BPF_CGROUP_DEVICE)"));
    }
    ids.resize(attr.query.prog_cnt + 1);
  }
  return fail_msg("bpf(BPF_PROG_QUERY, BPF_CGROUP_DEVICE): the program list kept changing");
}

Result<void> replace_device_program(int cgroup_fd, int prog_fd) {
  // 1. What is attached now: ours from an earlier apply, or someone else's filter.
  const std::vector<uint32_t> old_ids = CR_TRY(attached_device_programs(cgroup_fd));
  std::vector<UniqueFd> old_programs;
  for (const uint32_t id : old_ids) {
    UniqueFd old = CR_TRY(program_by_id(id));
    if (old) old_programs.push_back(std::move(old));
  }
  // 2. The new filter joins them: from here on a device must pass both.
  bpf_attr attach = zeroed_attr();
  attach.target_fd = static_cast<uint32_t>(cgroup_fd);
  attach.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf_call(BPF_PROG_ATTACH, attach) != 0) {
    return fail(Error::sys(errno, "bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI)"));
  }
  // 3. The old ones go; ENOENT: someone detached it meanwhile.
  if (old_programs.size() > 1) {
    log::debug("cgroup: replacing {} device filters with one", old_programs.size());
  }
  for (const UniqueFd& old : old_programs) {
    bpf_attr detach = zeroed_attr();
    detach.target_fd = static_cast<uint32_t>(cgroup_fd);
    detach.attach_bpf_fd = static_cast<uint32_t>(old.get());
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (bpf_call(BPF_PROG_DETACH, detach) != 0 && errno != ENOENT) {
      return fail(Error::sys(errno, "bpf(BPF_PROG_DETACH, BPF_CGROUP_DEVICE) of the old filter"));
    }
  }
  return {};
}

Result<void> apply_device_filter(
    const std::string& dir,
    const std::optional<std::vector<spec::DeviceCgroupRule>>& config_rules, bool rootless) {
  // 1. Compile first: a config error is reported before the kernel is touched.
  const std::vector<bpf_insn> program =
      CR_TRY_CTX(device_filter_program(v2_device_rules(config_rules)), "linux.resources.devices");
  // 2. The cgroup, as a directory fd the bpf(2) attach commands accept (not O_PATH).
  const UniqueFd cgroup = CR_TRY(fs::open(dir, O_RDONLY | O_DIRECTORY));
  struct statfs st {};
  if (::fstatfs(cgroup.get(), &st) != 0) return fail(Error::sys(errno, "statfs " + dir));
  if (st.f_type != CGROUP2_SUPER_MAGIC) {
    log::debug("cgroup: {} is not on cgroup2, so it cannot hold a device filter", dir);
    return {};
  }
  // 3. Load and swap in.
  auto attached = load_and_replace(cgroup.get(), program);
  if (!attached && rootless) {
    // An unprivileged user has no CAP_BPF/CAP_SYS_ADMIN in the initial user namespace. The
    // container has a user namespace, so it cannot mknod, and the host device nodes it can
    // reach are the ones its owner could open anyway: runc goes on silently.
    log::debug("cgroup: rootless, no eBPF device filter on {}: {}", dir,
               attached.error().to_string());
    return {};
  }
  if (!attached && attached.error().code() == EPERM && !sys::in_initial_user_namespace()) {
    // bpf(2) belongs to the initial user namespace. Like runc (canSkipEBPFError), run without a
    // filter there rather than not at all: such a container cannot mknod, and the host's
    // device nodes it can reach are the ones its owner could open anyway.
    log::warn(
        "linux.resources.devices: no eBPF device filter in a user namespace ({}); the "
        "cgroup does not restrict device access",
        attached.error().to_string());
    return {};
  }
  CR_TRY_CTX(std::move(attached), "linux.resources.devices: device filter on {}", dir);
  return {};
}

}  // namespace cruntime::cgroup
