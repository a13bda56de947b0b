// Device rules → the instructions of a BPF_PROG_TYPE_CGROUP_DEVICE program (pure, no syscalls).
//
// Two steps. First the rules are folded into the state a v1 devices cgroup would reach (a
// default plus exceptions keyed by type:major:minor), which is how runc's emulator gives v2
// the v1 meaning. Then that state is emitted as one block per exception and a default verdict:
//
//   r2 = ctx->access_type & 0xffff      the device type (BPF_DEVCG_DEV_BLOCK/CHAR)
//   r3 = ctx->access_type >> 16         the requested access (BPF_DEVCG_ACC_*)
//   r4 = ctx->major; r5 = ctx->minor
//   block:  if r2 != type goto next
//           r1 = r3 & access; if r1 != r3 goto next   (allow exception: grants every bit)
//                          or if r1 == 0 goto next    (deny exception: names any bit)
//           if r4 != major goto next                  (absent for a wildcard)
//           if r5 != minor goto next                  (absent for a wildcard)
//           r0 = exception verdict; exit
//   next:   ... ; r0 = default verdict; exit
//
// All jumps go forward, so the verifier sees no loops; r1 (the context pointer) is only reused
// as a scratch register after the last context load.
#include "cruntime/cgroup/devices_bpf.hpp"

#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cruntime/cgroup/resources.hpp"

namespace cruntime::cgroup {
namespace {

constexpr uint8_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
constexpr int64_t kAny = -1;

// The match part of an exception; kAny for a wildcard number.
struct DeviceKey {
  char type = 'c';
  int64_t major = kAny;
  int64_t minor = kAny;
  auto operator<=>(const DeviceKey&) const = default;
};

// A v1 devices cgroup: allow-all or deny-all, plus the exceptions to that default.
struct DeviceState {
  bool default_allow = false;
  std::map<DeviceKey, uint8_t> exceptions;  // key → BPF_DEVCG_ACC_* bits
};

std::string access_letters(uint8_t access) {
  std::string out;
  if (access & BPF_DEVCG_ACC_READ) out += 'r';
  if (access & BPF_DEVCG_ACC_WRITE) out += 'w';
  if (access & BPF_DEVCG_ACC_MKNOD) out += 'm';
  return out;
}

std::string number_text(int64_t number) { return number == kAny ? "*" : std::to_string(number); }

std::string describe(const DeviceKey& key, uint8_t access) {
  return fmt::format("{} {}:{} {}", key.type, number_text(key.major), number_text(key.minor),
                     access_letters(access));
}

Result<uint8_t> parse_access(const std::optional<std::string>& access) {
  if (!access) return kAllAccess;  // like v1_device_rule: unset = rwm
  if (access->empty()) return fail_msg("access must not be empty");
  uint8_t bits = 0;
  for (const char letter : *access) {
    switch (letter) {
      case 'r':
        bits |= BPF_DEVCG_ACC_READ;
        break;
      case 'w':
        bits |= BPF_DEVCG_ACC_WRITE;
        break;
      case 'm':
        bits |= BPF_DEVCG_ACC_MKNOD;
        break;
      default:
        return fail_msg("unknown access \"{}\" (want letters of rwm)", *access);
    }
  }
  return bits;
}

// Absent or -1 = any (OCI); otherwise a u32, the width of bpf_cgroup_dev_ctx.major/minor.
Result<int64_t> parse_number(const std::optional<int64_t>& number, std::string_view name) {
  if (!number || *number == kAny) return kAny;
  if (*number < 0 || *number > int64_t{UINT32_MAX}) {
    return fail_msg("{} {} is out of range", name, *number);
  }
  return *number;
}

// Take `access` out of the exception for exactly `key`. Like runc (and unlike v1, which ignores
// it silently), refuse when an overlapping wildcard exception would keep granting it.
Result<void> remove_access(DeviceState& state, const DeviceKey& key, uint8_t access) {
  const DeviceKey wider[] = {
      {key.type, kAny, key.minor}, {key.type, key.major, kAny}, {key.type, kAny, kAny}};
  for (const DeviceKey& candidate : wider) {
    if (candidate == key) continue;
    auto it = state.exceptions.find(candidate);
    if (it != state.exceptions.end() && (it->second & access) != 0) {
      return fail_msg(
          "cannot take \"{}\" out of the earlier wildcard rule \"{}\" (the v1 devices cgroup "
          "cannot punch holes into wildcard rules; list the narrow rule first or split the "
          "wildcard)",
          describe(key, access), describe(candidate, it->second));
    }
  }
  auto it = state.exceptions.find(key);
  if (it == state.exceptions.end()) return {};
  it->second &= static_cast<uint8_t>(~access);
  if (it->second == 0) state.exceptions.erase(it);
  return {};
}

Result<void> apply_rule(DeviceState& state, const spec::DeviceCgroupRule& rule) {
  const std::string type = rule.type.value_or("a");
  if (type == "a") {  // numbers and access do not matter: v1's "a" is a reset
    state = DeviceState{rule.allow, {}};
    return {};
  }
  if (type != "c" && type != "b") {
    return fail_msg("device type \"{}\" cannot be a cgroup rule (want a, c or b)", type);
  }
  const DeviceKey key{type[0], CR_TRY(parse_number(rule.major, "major")),
                      CR_TRY(parse_number(rule.minor, "minor"))};
  const uint8_t access = CR_TRY(parse_access(rule.access));
  // Allow on an allow-all base (or deny on deny-all) takes an exception away; otherwise add one.
  if (rule.allow == state.default_allow) return remove_access(state, key, access);
  state.exceptions[key] |= access;
  return {};
}

bpf_insn make_insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn insn{};
  insn.code = code;
  insn.dst_reg = dst & 0xf;
  insn.src_reg = src & 0xf;
  insn.off = off;
  insn.imm = imm;
  return insn;
}

bpf_insn load_u32(uint8_t dst, int16_t ctx_offset) {
  return make_insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, ctx_offset, 0);
}
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) {
  return make_insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn mov32_reg(uint8_t dst, uint8_t src) {
  return make_insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn exit_insn() { return make_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// Appends blocks whose failed checks jump to the start of the next block.
class Emitter {
 public:
  Emitter() {
    out_.push_back(load_u32(BPF_REG_2, 0));
    out_.push_back(alu32_imm(BPF_AND, BPF_REG_2, 0xffff));
    out_.push_back(load_u32(BPF_REG_3, 0));
    out_.push_back(alu32_imm(BPF_RSH, BPF_REG_3, 16));
    out_.push_back(load_u32(BPF_REG_4, 4));
    out_.push_back(load_u32(BPF_REG_5, 8));
  }

  // "if dst <op> imm goto next" / "if dst <op> src goto next".
  void skip_if_imm(uint8_t op, uint8_t dst, int32_t imm) {
    pending_.push_back(out_.size());
    out_.push_back(make_insn(BPF_JMP | op | BPF_K, dst, 0, 0, imm));
  }
  void skip_if_reg(uint8_t op, uint8_t dst, uint8_t src) {
    pending_.push_back(out_.size());
    out_.push_back(make_insn(BPF_JMP | op | BPF_X, dst, src, 0, 0));
  }
  void add(const bpf_insn& insn) { out_.push_back(insn); }

  // "r0 = verdict; exit", then point the block's jumps past it.
  void end_block(bool allow) {
    out_.push_back(alu32_imm(BPF_MOV, BPF_REG_0, allow ? 1 : 0));
    out_.push_back(exit_insn());
    for (const size_t at : pending_) {
      out_[at].off = static_cast<int16_t>(out_.size() - at - 1);
    }
    pending_.clear();
  }

  std::vector<bpf_insn> finish(bool default_allow) && {
    end_block(default_allow);
    return std::move(out_);
  }

 private:
  std::vector<bpf_insn> out_;
  std::vector<size_t> pending_;
};

void emit_exception(Emitter& emitter, const DeviceKey& key, uint8_t access, bool default_allow) {
  emitter.skip_if_imm(BPF_JNE, BPF_REG_2,
                      key.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  if (access != kAllAccess) {  // rwm covers (and names) every request
    emitter.add(mov32_reg(BPF_REG_1, BPF_REG_3));
    emitter.add(alu32_imm(BPF_AND, BPF_REG_1, access));
    if (default_allow) {
      emitter.skip_if_imm(BPF_JEQ, BPF_REG_1, 0);  // a deny names none of the requested bits
    } else {
      emitter.skip_if_reg(BPF_JNE, BPF_REG_1, BPF_REG_3);  // an allow misses a requested bit
    }
  }
  if (key.major != kAny) emitter.skip_if_imm(BPF_JNE, BPF_REG_4, static_cast<int32_t>(key.major));
  if (key.minor != kAny) emitter.skip_if_imm(BPF_JNE, BPF_REG_5, static_cast<int32_t>(key.minor));
  emitter.end_block(!default_allow);
}

}  // namespace

std::vector<spec::DeviceCgroupRule> v2_device_rules(
    const std::optional<std::vector<spec::DeviceCgroupRule>>& config_rules) {
  std::vector<spec::DeviceCgroupRule> rules =
      config_rules.value_or(std::vector<spec::DeviceCgroupRule>{});
  const std::vector<spec::DeviceCgroupRule>& defaults = default_device_rules();
  rules.insert(rules.end(), defaults.begin(), defaults.end());
  return rules;
}

Result<std::vector<bpf_insn>> device_filter_program(std::span<const spec::DeviceCgroupRule> rules) {
  DeviceState state;  // deny-all, like runc's emulator before the first rule
  for (size_t i = 0; i < rules.size(); ++i) {
    CR_TRY_CTX(apply_rule(state, rules[i]), "device rule {} \"{}\" ({})", i,
               v1_device_rule(rules[i]), rules[i].allow ? "allow" : "deny");
  }
  Emitter emitter;
  for (const auto& [key, access] : state.exceptions) {
    // The BPF_JNE immediate is sign-extended against the zero-extended u32 number, so it cannot
    // express a number above INT32_MAX. No device has one (majors have 12 bits, minors 20), so
    // such an exception matches nothing and leaving it out changes no verdict.
    if (key.major > INT32_MAX || key.minor > INT32_MAX) continue;
    emit_exception(emitter, key, access, state.default_allow);
  }
  return std::move(emitter).finish(state.default_allow);
}

}  // namespace cruntime::cgroup
