// linux.seccomp: build a libseccomp filter from the spec, put the -ENOSYS stub in front of it and
// load it into the calling process with seccomp(2); hand back the notify fd when a rule uses
// SCMP_ACT_NOTIFY (cli-contract §12.3, §8.8).
#include "cruntime/security/seccomp.hpp"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/security/seccomp_enosys.hpp"
#include "cruntime/security/seccomp_tables.hpp"
#include "cruntime/spec/seccomp_names.hpp"

namespace cruntime::security {
namespace {

using Filter = CHandle<void, seccomp_release>;  // scmp_filter_ctx is a void*

// struct seccomp_data has six syscall arguments.
constexpr uint32_t kSyscallArgs = 6;
// runc turns on libseccomp's binary-tree layout above this many rules (older libseccomp
// misbehaves with it on tiny filters).
constexpr size_t kOptimizeAbove = 32;

// libseccomp returns -errno.
Error seccomp_error(int rc, std::string what) {
  return Error::sys(rc < 0 ? -rc : EINVAL, std::move(what));
}

bool is_notify(std::string_view action) {
  return spec::parse_seccomp_action(action) == spec::SeccompAction::kNotify;
}

// Until the agent holds the notify fd, the init's own syscalls must not wait on it: the fd
// travels to the runtime with sendmsg, and log lines are write()s (runc refuses write too).
bool may_not_notify(std::string_view name) { return name == "write" || name == "sendmsg"; }

// The conditions of one rule. Conditions on different arguments are ANDed in one libseccomp
// rule; when an argument index repeats (the kernel cannot AND two tests of one argument in
// libseccomp's model), every condition becomes a rule of its own, ORed — runc's behaviour.
Result<std::vector<std::vector<scmp_arg_cmp>>> condition_sets(const spec::SeccompSyscall& rule) {
  std::vector<std::vector<scmp_arg_cmp>> sets(1);
  if (!rule.args) return sets;
  std::array<int, kSyscallArgs> uses{};
  bool repeated = false;
  for (size_t i = 0; i < rule.args->size(); ++i) {
    const spec::SeccompArg& arg = (*rule.args)[i];
    if (arg.index >= kSyscallArgs) {
      return fail_msg("args[{}].index: must be below {}, got {}", i, kSyscallArgs, arg.index);
    }
    const scmp_compare op = CR_TRY_CTX(seccomp_operator(arg.op), "args[{}].op", i);
    // SCMP_CMP_MASKED_EQ: datum_a is the mask (value), datum_b the expected result (valueTwo).
    sets[0].push_back(scmp_arg_cmp{arg.index, op, arg.value, arg.value_two.value_or(0)});
    repeated = repeated || ++uses[arg.index] > 1;
  }
  if (!repeated) return sets;
  std::vector<std::vector<scmp_arg_cmp>> separate;
  for (const scmp_arg_cmp& condition : sets[0]) separate.push_back({condition});
  return separate;
}

// Adds one spec rule. Returns whether a notify rule went into the filter.
Result<bool> add_rule(scmp_filter_ctx ctx, const spec::SeccompSyscall& rule,
                      uint32_t default_action) {
  const uint32_t action = CR_TRY_CTX(seccomp_action(rule.action, rule.errno_ret), "action");
  const auto sets = CR_TRY(condition_sets(rule));
  if (action == default_action) return false;  // redundant; libseccomp would reject it
  bool added = false;
  for (size_t i = 0; i < rule.names.size(); ++i) {
    const std::string& name = rule.names[i];
    if (name.empty()) return fail_msg("names[{}]: must not be empty", i);
    if (is_notify(rule.action) && may_not_notify(name)) {
      return fail_msg(
          "names[{}]: SCMP_ACT_NOTIFY cannot be used for {}: the runtime needs it "
          "to hand the notify fd to the listener",
          i, name);
    }
    const int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      // Not a syscall of this architecture or libseccomp: profiles list syscalls of newer
      // kernels and other arches, so this is not an error (runc ignores them too).
      log::debug("linux.seccomp: unknown syscall \"{}\" ignored", name);
      continue;
    }
    for (const auto& conditions : sets) {
      const int rc =
          seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conditions.size()),
                                 conditions.empty() ? nullptr : conditions.data());
      if (rc < 0) return fail(seccomp_error(rc, fmt::format("add the rule for {}", name)));
    }
    added = true;
  }
  return added && action == SCMP_ACT_NOTIFY;
}

// Returns the architectures the filter covers: the native one (in every new filter, listed or
// not) and the listed ones.
Result<std::vector<uint32_t>> add_architectures(scmp_filter_ctx ctx, const spec::Seccomp& seccomp) {
  std::vector<uint32_t> arches{seccomp_arch_native()};
  if (!seccomp.architectures) return arches;
  for (size_t i = 0; i < seccomp.architectures->size(); ++i) {
    const std::string& name = (*seccomp.architectures)[i];
    const uint32_t token = CR_TRY_CTX(seccomp_arch(name), "architectures[{}]", i);
    const int rc = seccomp_arch_add(ctx, token);
    // EEXIST: the native architecture is in every new filter already.
    if (rc < 0 && rc != -EEXIST) {
      return fail(seccomp_error(rc, fmt::format("architectures[{}]: add {}", i, name)));
    }
    arches.push_back(token);
  }
  return arches;
}

Result<void> set_flags(scmp_filter_ctx ctx, const spec::Seccomp& seccomp) {
  if (!seccomp.flags) {
    // Flags omitted (not empty): like runc, allow speculative store bypass when the kernel and
    // libseccomp can, so a filter does not slow the payload down by itself.
    if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1); rc < 0) {
      log::debug("linux.seccomp: SECCOMP_FILTER_FLAG_SPEC_ALLOW not available ({})", -rc);
    }
    return {};
  }
  for (size_t i = 0; i < seccomp.flags->size(); ++i) {
    const std::string& name = (*seccomp.flags)[i];
    const scmp_filter_attr attribute = CR_TRY_CTX(seccomp_flag_attribute(name), "flags[{}]", i);
    if (int rc = seccomp_attr_set(ctx, attribute, 1); rc < 0) {
      return fail(seccomp_error(rc, fmt::format("flags[{}]: {} is not supported here", i, name)));
    }
  }
  return {};
}

struct NewFilter {
  Filter filter;
  std::vector<uint32_t> arches;  // SCMP_ARCH_* tokens it covers
};

Result<NewFilter> new_filter(const spec::Seccomp& seccomp, uint32_t default_action) {
  Filter filter(seccomp_init(default_action));
  if (!filter) return fail_msg("defaultAction: seccomp_init refused {}", seccomp.default_action);
  // The runtime sets no_new_privs itself (process.noNewPrivileges); by default libseccomp
  // would set it on load and give every container no_new_privs.
  if (int rc = seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_NNP, 0); rc < 0) {
    return fail(seccomp_error(rc, "clear SCMP_FLTATR_CTL_NNP"));
  }
  // Report the errno of a failed write in seccomp_export_bpf instead of ECANCELED
  // (libseccomp >= 2.5).
  (void)seccomp_attr_set(filter.get(), SCMP_FLTATR_API_SYSRAWRC, 1);
  std::vector<uint32_t> arches = CR_TRY(add_architectures(filter.get(), seccomp));
  CR_TRY(set_flags(filter.get(), seccomp));
  if (seccomp.syscalls && seccomp.syscalls->size() > kOptimizeAbove) {
    if (int rc = seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0) {
      log::debug("linux.seccomp: binary tree optimisation not available ({})", -rc);
    }
  }
  return NewFilter{std::move(filter), std::move(arches)};
}

// libseccomp only builds the program (seccomp_export_bpf writes it to an fd, in host byte
// order); we load it ourselves so the stub can go in front.
Result<std::vector<sock_filter>> export_program(scmp_filter_ctx ctx) {
  UniqueFd memfd(::memfd_create("cruntime-seccomp-bpf", MFD_CLOEXEC));
  if (!memfd) return fail(Error::sys(errno, "memfd_create for the seccomp program"));
  if (int rc = seccomp_export_bpf(ctx, memfd.get()); rc < 0) {
    return fail(seccomp_error(rc, "seccomp_export_bpf"));
  }
  if (::lseek(memfd.get(), 0, SEEK_SET) < 0) {
    return fail(Error::sys(errno, "rewind the exported seccomp program"));
  }
  // The kernel takes at most BPF_MAXINSNS instructions; a little over that is still worth
  // reading, to say how long the program was.
  const std::string bytes = CR_TRY_CTX(
      fs::read_fd(memfd.get(), 2 * BPF_MAXINSNS * sizeof(sock_filter)), "exported seccomp program");
  if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0) {
    return fail_msg("seccomp_export_bpf wrote {} bytes, not whole BPF instructions", bytes.size());
  }
  std::vector<sock_filter> program(bytes.size() / sizeof(sock_filter));
  std::memcpy(program.data(), bytes.data(), bytes.size());
  return program;
}

bool attribute_on(scmp_filter_ctx ctx, scmp_filter_attr attribute) {
  uint32_t value = 0;
  return seccomp_attr_get(ctx, attribute, &value) == 0 && value != 0;
}

// The seccomp(2) flags for the filter attributes set_flags() turned on (libseccomp has already
// refused the ones the kernel lacks), plus NEW_LISTENER for notify rules.
unsigned int load_flags(scmp_filter_ctx ctx, bool notify) {
  unsigned int flags = 0;
  if (attribute_on(ctx, SCMP_FLTATR_CTL_TSYNC)) flags |= SECCOMP_FILTER_FLAG_TSYNC;
  if (attribute_on(ctx, SCMP_FLTATR_CTL_LOG)) flags |= SECCOMP_FILTER_FLAG_LOG;
  if (attribute_on(ctx, SCMP_FLTATR_CTL_SSB)) flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  if (!notify) return flags;
  flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  // Only meaningful (and only accepted by the kernel) together with a listener.
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
  if (attribute_on(ctx, SCMP_FLTATR_CTL_WAITKILL)) flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
#endif
  // TSYNC reports a thread it could not sync by returning its tid, which would be mistaken for
  // the listener fd; the kernel refuses the pair unless TSYNC_ESRCH makes that an ESRCH error.
  if ((flags & SECCOMP_FILTER_FLAG_TSYNC) != 0) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  return flags;
}

// seccomp(SECCOMP_SET_MODE_FILTER). Returns the listener fd (CLOEXEC: the kernel creates it so)
// when NEW_LISTENER is set.
Result<std::optional<UniqueFd>> install(std::span<const sock_filter> program, unsigned int flags) {
  if (program.size() > BPF_MAXINSNS) {
    return fail_msg("the filter has {} BPF instructions, the kernel takes at most {}",
                    program.size(), BPF_MAXINSNS);
  }
  // sock_fprog's filter pointer is not const; the kernel only reads the program.
  sock_fprog fprog{static_cast<unsigned short>(program.size()),
                   const_cast<sock_filter*>(program.data())};
  const long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
  if (rc < 0) {
    return fail(Error::sys(errno, fmt::format("load the filter (seccomp SECCOMP_SET_MODE_FILTER, "
                                              "flags {:#x})",
                                              flags)));
  }
  if ((flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0) {
    return std::optional<UniqueFd>(UniqueFd(static_cast<int>(rc)));
  }
  // Plain TSYNC: a positive return is the thread that could not be synchronised.
  if (rc > 0) return fail_msg("load the filter: thread {} could not be synchronised", rc);
  return std::optional<UniqueFd>();
}

}  // namespace

bool seccomp_is_empty(const spec::Seccomp& seccomp) {
  return seccomp.default_action.empty() && (!seccomp.syscalls || seccomp.syscalls->empty());
}

bool seccomp_uses_notify(const spec::Seccomp& seccomp) {
  if (is_notify(seccomp.default_action)) return true;
  if (!seccomp.syscalls) return false;
  for (const spec::SeccompSyscall& rule : *seccomp.syscalls) {
    if (is_notify(rule.action)) return true;
  }
  return false;
}

Result<std::optional<SeccompProgram>> build_seccomp(const spec::Seccomp& seccomp) {
  // An empty object means "no filter", as in runc.
  if (seccomp_is_empty(seccomp)) return std::optional<SeccompProgram>();
  const uint32_t default_action = CR_TRY_CTX(
      seccomp_action(seccomp.default_action, seccomp.default_errno_ret), "defaultAction");
  if (default_action == SCMP_ACT_NOTIFY) {
    // The init's own syscalls up to execve would wait for an agent that has no fd yet.
    return fail_msg("defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  }
  NewFilter built = CR_TRY(new_filter(seccomp, default_action));
  scmp_filter_ctx ctx = built.filter.get();
  bool notify = false;
  if (seccomp.syscalls) {
    for (size_t i = 0; i < seccomp.syscalls->size(); ++i) {
      const bool added =
          CR_TRY_CTX(add_rule(ctx, (*seccomp.syscalls)[i], default_action), "syscalls[{}]", i);
      notify = notify || added;
    }
  }
  SeccompProgram out;
  out.program = CR_TRY(export_program(ctx));
  if (needs_enosys_stub(default_action)) {
    const std::vector<sock_filter> stub = enosys_stub(named_syscall_limits(built.arches, seccomp));
    out.program.insert(out.program.begin(), stub.begin(), stub.end());
    log::debug("linux.seccomp: {} instruction -ENOSYS stub before the filter", stub.size());
  }
  out.flags = load_flags(ctx, notify);
  return std::optional<SeccompProgram>(std::move(out));
}

Result<std::optional<UniqueFd>> install_seccomp(const SeccompProgram& program) {
  return install(program.program, program.flags);
}

Result<std::optional<UniqueFd>> load_seccomp(const spec::Seccomp& seccomp) {
  std::optional<SeccompProgram> built = CR_TRY(build_seccomp(seccomp));
  if (!built) return std::optional<UniqueFd>();
  return install_seccomp(*built);
}

}  // namespace cruntime::security
