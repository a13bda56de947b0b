// The cgroup v2 device controller: linux.resources.devices → an eBPF cgroup-device program.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// --- The program (pure: devices_bpf_program.cpp). ---
//
// Semantics are those of the v1 devices cgroup, as runc's emulator reproduces them on v2
// (opencontainers/cgroups devices/devices_emulator.go), so one config means the same on both:
// - a rule of type "a" (or no type) resets everything: allow → allow all, deny → deny all, and
//   its numbers and access are ignored (the kernel's devices.allow/deny "a" does the same);
// - any other rule adds (allow on a deny-all base, deny on an allow-all base) or removes access
//   for exactly its type:major:minor. So the last rule for a device wins, except that a narrower
//   rule cannot take access out of an earlier wildcard rule ("deny c 1:3 w" after "allow c *:*
//   rw" on a deny-all base): v1 would silently ignore it, runc and we refuse the config.
// - before the first rule everything is denied (runc's emulator starts there too).
// An access request (the kernel asks for m, or for r and/or w of one open) is allowed on a
// deny-all base when the allow rules of one type:major:minor pattern together grant every
// requested bit, and denied on an allow-all base when the deny rules of one pattern name any
// requested bit (the kernel's match_exception_partial: an O_RDWR open cannot slip past
// "deny w"; runc's program checks for a subset there too, which lets it through).
//
// The rules to compile for a container: the config's rules, then runc's default allow list
// (default_device_rules(), cgroup/resources.hpp), also when the config has none. runc's
// specconv appends that list to every config whatever the cgroup version, so on v2 runc attaches
// a program built from both, always (absent rules = deny all but the defaults).
std::vector<spec::DeviceCgroupRule> v2_device_rules(
    const std::optional<std::vector<spec::DeviceCgroupRule>>& config_rules);

// The program for `rules`, evaluated in order as above. Errors name the rule by index and in
// devices.list form. Types other than a, c, b (a fifo "p" is no cgroup device type) are errors,
// as in runc's emulator; the config validator already rejects them.
Result<std::vector<bpf_insn>> device_filter_program(std::span<const spec::DeviceCgroupRule> rules);

// --- Loading and attaching (devices_bpf.cpp). ---

// BPF_PROG_LOAD as BPF_PROG_TYPE_CGROUP_DEVICE. On failure the error carries the last line of
// the verifier log. The fd is CLOEXEC (every bpf fd is).
Result<UniqueFd> load_device_program(std::span<const bpf_insn> program);

// The ids of the BPF_CGROUP_DEVICE programs attached to the cgroup directory `cgroup_fd`
// (borrowed, O_RDONLY|O_DIRECTORY: BPF_PROG_ATTACH and friends refuse O_PATH fds).
Result<std::vector<uint32_t>> attached_device_programs(int cgroup_fd);

// Attach `prog_fd` (BPF_F_ALLOW_MULTI), then detach every device program that was attached
// before (runc's loadAttachCgroupDeviceFilter). A re-apply thus swaps the filter without a
// moment of no filtering: in between, both run and the kernel allows only what both allow.
Result<void> replace_device_program(int cgroup_fd, int prog_fd);

// All of it for the cgroup directory `dir`: compile v2_device_rules(config_rules), load, open
// the directory, replace. A directory that is not on cgroup2 (the unit tests' fake tree) cannot
// hold a device program: logged at debug level and skipped. Where bpf(2) is not ours to use,
// the container runs without a filter, as in runc: `rootless`, whatever the kernel refused
// (runc's rootless managers ignore the device controller's errors; logged at debug level), and
// EPERM in a user namespace (canSkipEBPFError; a warning). Rule errors fail in every mode.
Result<void> apply_device_filter(
    const std::string& dir, const std::optional<std::vector<spec::DeviceCgroupRule>>& config_rules,
    bool rootless = false);

}  // namespace cruntime::cgroup
