// The last steps of every container process before execve (init and exec alike).
#include "cruntime/process/payload.hpp"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <optional>
#include <span>
#include <string>

#include "cruntime/process/environment.hpp"
#include "cruntime/process/memory_policy.hpp"
#include "cruntime/process/rlimits.hpp"
#include "cruntime/process/scheduling.hpp"
#include "cruntime/security/capabilities.hpp"
#include "cruntime/security/lsm_attr.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/security/user.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {

Result<void> join_session_keyring(std::string_view id) {
  const std::string name = "_ses." + std::string(id);
  if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str()) < 0 && errno != ENOSYS) {
    return fail(Error::sys(errno, "join a new session keyring"));
  }
  return {};
}

namespace {

bool is_set(const std::optional<std::string>& value) { return value && !value->empty(); }

}  // namespace

bool wants_lsm_labels(const spec::Process& process) {
  return is_set(process.apparmor_profile) || is_set(process.selinux_label);
}

Result<void> label_new_keyrings(int proc_fd, const spec::Process& process) {
  if (!is_set(process.selinux_label)) return {};
  CR_TRY_CTX(security::set_selinux_keycreate_label(proc_fd, *process.selinux_label),
             "process.selinuxLabel: label the session keyring");
  return {};
}

Result<void> set_exec_labels(int proc_fd, const spec::Process& process) {
  if (is_set(process.apparmor_profile)) {
    CR_TRY_CTX(security::set_apparmor_exec_profile(proc_fd, *process.apparmor_profile),
               "process.apparmorProfile");
  }
  if (is_set(process.selinux_label)) {
    CR_TRY_CTX(security::set_selinux_exec_label(proc_fd, *process.selinux_label),
               "process.selinuxLabel");
  }
  return {};
}

Result<void> apply_process_limits(const spec::Config& config, const spec::Process& process) {
  if (process.rlimits) CR_TRY_CTX(apply_rlimits(*process.rlimits), "process.rlimits");
  if (process.scheduler) CR_TRY_CTX(apply_scheduler(*process.scheduler), "process.scheduler");
  if (process.io_priority) CR_TRY_CTX(apply_io_priority(*process.io_priority), "process.ioPriority");
  if (process.exec_cpu_affinity) {
    CR_TRY_CTX(apply_cpu_affinity(*process.exec_cpu_affinity), "process.execCPUAffinity");
  }
  if (config.linux_config && config.linux_config->personality) {
    CR_TRY_CTX(apply_personality(*config.linux_config->personality), "linux.personality");
  }
  if (config.linux_config && config.linux_config->memory_policy) {
    const MemoryPolicyCall call =
        CR_TRY_CTX(plan_memory_policy(*config.linux_config->memory_policy), "linux.memoryPolicy");
    CR_TRY_CTX(apply_memory_policy(call), "linux.memoryPolicy");
  }
  return {};
}

Result<void> enter_cwd(const spec::Process& process) {
  if (::chdir(process.cwd.c_str()) != 0) {
    return fail(Error::sys(errno, fmt::format("process.cwd: chdir {}", process.cwd)));
  }
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf) == nullptr || buf[0] != '/') {
    return fail_msg("process.cwd: {} is outside the container", process.cwd);
  }
  return {};
}

Result<Payload> prepare_payload(const spec::Process& process,
                                const std::vector<std::string>& extra_env) {
  CR_TRY(enter_cwd(process));
  Payload payload;
  payload.env = build_environment(process, extra_env);
  payload.argv = process.args.value_or(std::vector<std::string>{});
  if (payload.argv.empty()) return fail_msg("process.args: must not be empty");
  payload.path = CR_TRY(resolve_executable(payload.argv[0], payload.env));
  return payload;
}

Result<void> seal_fds(int preserve_fds) {
  for (int fd = 3; fd < 3 + preserve_fds; ++fd) {
    if (::fcntl(fd, F_SETFD, 0) != 0) return fail(Error::sys(errno, fmt::format("preserve fd {}", fd)));
  }
  return sys::close_range_cloexec(static_cast<unsigned>(3 + preserve_fds));
}

SeccompPlan plan_seccomp(const security::SeccompProgram* program, const spec::Process& process) {
  if (program == nullptr) return {};
  const bool notify = (program->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
  const bool early = !process.no_new_privileges.value_or(false) || notify;
  return {program, early ? SeccompTiming::kWithCredentials : SeccompTiming::kLast};
}

Result<void> apply_credentials(const spec::Process& process, const SeccompPlan& seccomp,
                               SyncSocket& sync) {
  if (seccomp.timing == SeccompTiming::kWithCredentials) {
    auto notify = CR_TRY_CTX(security::install_seccomp(*seccomp.program), "linux.seccomp");
    if (notify) {
      int fd = notify->get();
      CR_TRY(sync.send(MsgType::kSeccompFd, {}, std::span<const int>(&fd, 1)));
      CR_TRY(sync.expect(MsgType::kSeccompDone));
    }
  }
  spec::Capabilities none;
  const spec::Capabilities& caps = process.capabilities ? *process.capabilities : none;
  if (process.capabilities) CR_TRY_CTX(security::drop_bounding_set(caps), "process.capabilities");
  CR_TRY_CTX(security::switch_user(process.user), "process.user");
  if (process.capabilities) CR_TRY_CTX(security::apply_capabilities(caps), "process.capabilities");
  if (process.no_new_privileges.value_or(false)) CR_TRY(security::set_no_new_privs());
  return {};
}

Result<void> load_late_seccomp(const SeccompPlan& seccomp) {
  if (seccomp.timing != SeccompTiming::kLast) return {};
  CR_TRY_CTX(security::install_seccomp(*seccomp.program), "linux.seccomp");
  return {};
}

Result<void> exec_payload(const Payload& payload) {
  std::vector<char*> argv;
  for (const auto& a : payload.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : payload.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(payload.path.c_str(), argv.data(), envp.data());
  return fail(Error::sys(errno, fmt::format("exec: \"{}\"", payload.argv[0])));
}

}  // namespace cruntime::process
