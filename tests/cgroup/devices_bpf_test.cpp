// The cgroup v2 device filter: emitted programs run in a small interpreter over a matrix of
// devices and accesses, structural checks, and [root] cases on this host's cgroup2 mount.
#include "cruntime/cgroup/devices_bpf.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/scope_guard.hpp"
#include "cruntime/cgroup/fs2.hpp"
#include "cruntime/sys/syscalls.hpp"
#include "support/host.hpp"

namespace cruntime::cgroup {
namespace {

using Rules = std::vector<spec::DeviceCgroupRule>;

spec::DeviceCgroupRule rule(bool allow, std::optional<std::string> type,
                            std::optional<int64_t> major, std::optional<int64_t> minor,
                            std::optional<std::string> access) {
  return spec::DeviceCgroupRule{allow, std::move(type), major, minor, std::move(access)};
}
spec::DeviceCgroupRule allow_all() { return rule(true, "a", std::nullopt, std::nullopt, "rwm"); }
spec::DeviceCgroupRule deny_all() { return rule(false, "a", std::nullopt, std::nullopt, "rwm"); }

// Runs a device program the way the kernel would, for exactly the instructions the emitter
// uses; anything else (or a read of an unset register, a bad context offset, a jump out of the
// program) fails the test, as the verifier would refuse it.
class Interpreter {
 public:
  explicit Interpreter(const std::vector<bpf_insn>& program) : program_(program) {}

  // `request`: "c 1:3 rw" (one type, numbers, and the access letters the kernel asks for).
  bool allows(const std::string& request) const {
    char type = 0;
    unsigned major = 0, minor = 0;
    char letters[4] = {};
    REQUIRE(std::sscanf(request.c_str(), "%c %u:%u %3s", &type, &major, &minor, letters) == 4);
    uint32_t access = 0;
    for (const char* c = letters; *c != '\0'; ++c) {
      access |= *c == 'r'   ? BPF_DEVCG_ACC_READ
                : *c == 'w' ? BPF_DEVCG_ACC_WRITE
                            : BPF_DEVCG_ACC_MKNOD;
    }
    const uint32_t kind = type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
    const uint64_t verdict = run({(access << 16) | kind, major, minor});
    REQUIRE(verdict <= 1);
    return verdict == 1;
  }

 private:
  uint64_t run(const bpf_cgroup_dev_ctx& ctx) const {
    std::array<uint64_t, 11> reg{};
    std::array<bool, 11> set{};
    bool r1_is_ctx = true;
    set[BPF_REG_1] = true;
    auto read = [&](int r) {
      REQUIRE(set[r]);
      REQUIRE((r != BPF_REG_1 || !r1_is_ctx));  // no arithmetic on the context pointer
      return reg[r];
    };
    auto write = [&](int r, uint64_t value) {
      if (r == BPF_REG_1) r1_is_ctx = false;
      reg[r] = value;
      set[r] = true;
    };
    for (size_t pc = 0, steps = 0; steps < 10000; ++steps) {
      REQUIRE(pc < program_.size());
      const bpf_insn& in = program_[pc++];
      const uint64_t imm = static_cast<uint64_t>(static_cast<int64_t>(in.imm));  // sign-extended
      switch (in.code) {
        case BPF_LDX | BPF_MEM | BPF_W:
          REQUIRE((in.src_reg == BPF_REG_1 && r1_is_ctx));
          REQUIRE((in.off == 0 || in.off == 4 || in.off == 8));
          write(in.dst_reg, in.off == 0 ? ctx.access_type : in.off == 4 ? ctx.major : ctx.minor);
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          write(in.dst_reg, static_cast<uint32_t>(read(in.dst_reg) & imm));
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          write(in.dst_reg, static_cast<uint32_t>(read(in.dst_reg)) >> in.imm);
          break;
        case BPF_ALU | BPF_MOV | BPF_K:
          write(in.dst_reg, static_cast<uint32_t>(in.imm));
          break;
        case BPF_ALU | BPF_MOV | BPF_X:
          write(in.dst_reg, static_cast<uint32_t>(read(in.src_reg)));
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (read(in.dst_reg) != imm) pc += in.off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (read(in.dst_reg) == imm) pc += in.off;
          break;
        case BPF_JMP | BPF_JNE | BPF_X:
          if (read(in.dst_reg) != read(in.src_reg)) pc += in.off;
          break;
        case BPF_JMP | BPF_EXIT:
          return read(BPF_REG_0);
        default:
          FAIL("unexpected opcode " << int(in.code) << " at " << pc - 1);
      }
    }
    FAIL("no exit after 10000 steps");
    return 0;
  }

  const std::vector<bpf_insn>& program_;
};

std::vector<bpf_insn> compile(const Rules& rules) {
  auto program = device_filter_program(rules);
  REQUIRE(program);
  return *program;
}

void check_structure(const std::vector<bpf_insn>& program) {
  REQUIRE(!program.empty());
  CHECK(program.back().code == (BPF_JMP | BPF_EXIT));
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const bpf_insn& in = program[pc];
    if (BPF_CLASS(in.code) != BPF_JMP || BPF_OP(in.code) == BPF_EXIT) continue;
    INFO("jump at " << pc);
    CHECK(in.off >= 0);  // forward only: no loops for the verifier to reject
    CHECK(pc + 1 + in.off < program.size());
  }
}

}  // namespace

TEST_CASE("device_filter_program: jumps stay in the program and every program ends in exit",
          "[cgroup]") {
  const std::vector<Rules> cases = {
      {},
      {allow_all()},
      v2_device_rules(std::nullopt),
      v2_device_rules(
          Rules{allow_all(), rule(false, "c", 1, 3, "w"), rule(false, "b", 8, {}, "r")}),
  };
  for (const Rules& rules : cases) check_structure(compile(rules));
  // Nothing but the default verdict: the six context loads, then r0 = 0 and exit.
  CHECK(compile({}).size() == 8);
  CHECK(compile(v2_device_rules(std::nullopt)).size() > 8);
}

TEST_CASE("device_filter_program: no rules or the default spec's deny-all leave runc's defaults",
          "[cgroup]") {
  const Rules without = v2_device_rules(std::nullopt);
  const Rules denied = v2_device_rules(Rules{deny_all()});
  for (const Rules* rules : {&without, &denied}) {
    const std::vector<bpf_insn> program = compile(*rules);
    const Interpreter vm(program);
    for (const char* yes :
         {"c 1:3 rw", "c 1:3 m", "c 1:5 w", "c 1:8 r", "c 1:9 rw", "c 1:7 w", "c 5:0 rw",
          "c 5:2 rw", "c 136:7 rw", "c 10:200 rw", "c 4:0 m", "b 8:0 m"}) {
      INFO(yes);
      CHECK(vm.allows(yes));
    }
    for (const char* no :
         {"c 1:11 r", "c 4:0 rw", "c 5:1 w", "b 8:0 r", "b 8:0 w", "c 10:229 r", "c 137:0 r"}) {
      INFO(no);
      CHECK_FALSE(vm.allows(no));
    }
  }
}

TEST_CASE("device_filter_program: allow-all base with a deny rule, any overlapping access denies",
          "[cgroup]") {
  const std::vector<bpf_insn> program = compile(Rules{allow_all(), rule(false, "c", 1, 3, "w")});
  const Interpreter vm(program);
  CHECK(vm.allows("c 1:3 r"));
  CHECK(vm.allows("c 1:3 m"));
  CHECK_FALSE(vm.allows("c 1:3 w"));
  CHECK_FALSE(vm.allows("c 1:3 rw"));  // an O_RDWR open asks for both at once
  CHECK(vm.allows("c 1:5 w"));
  CHECK(vm.allows("b 1:3 w"));
  CHECK(vm.allows("b 8:0 rw"));
}

TEST_CASE("device_filter_program: wildcards, types and access subsets on a deny-all base",
          "[cgroup]") {
  SECTION("major only") {
    const std::vector<bpf_insn> p = compile(Rules{deny_all(), rule(true, "c", 1, {}, "r")});
    const Interpreter vm(p);
    CHECK(vm.allows("c 1:3 r"));
    CHECK(vm.allows("c 1:4000 r"));
    CHECK_FALSE(vm.allows("c 2:3 r"));
    CHECK_FALSE(vm.allows("b 1:3 r"));
    CHECK_FALSE(vm.allows("c 1:3 w"));
    CHECK_FALSE(vm.allows("c 1:3 rw"));
  }
  SECTION("minor only, -1 is the same as absent") {
    const std::vector<bpf_insn> p = compile(Rules{deny_all(), rule(true, "b", -1, 0, "rw")});
    const Interpreter vm(p);
    CHECK(vm.allows("b 8:0 rw"));
    CHECK(vm.allows("b 259:0 r"));
    CHECK_FALSE(vm.allows("b 8:1 r"));
    CHECK_FALSE(vm.allows("c 8:0 r"));
    CHECK_FALSE(vm.allows("b 8:0 m"));
  }
  SECTION("no access means rwm") {
    const std::vector<bpf_insn> p = compile(Rules{deny_all(), rule(true, "c", 4, 1, {})});
    const Interpreter vm(p);
    CHECK(vm.allows("c 4:1 rw"));
    CHECK(vm.allows("c 4:1 m"));
    CHECK_FALSE(vm.allows("c 4:2 r"));
  }
  SECTION("two rules for one device add up, as in v1") {
    const std::vector<bpf_insn> p =
        compile(Rules{deny_all(), rule(true, "c", 1, 3, "r"), rule(true, "c", 1, 3, "w")});
    const Interpreter vm(p);
    CHECK(vm.allows("c 1:3 rw"));
    CHECK_FALSE(vm.allows("c 1:3 m"));
  }
  SECTION("a major above INT32_MAX matches no device") {
    const std::vector<bpf_insn> p = compile(Rules{deny_all(), rule(true, "c", 3000000000, 0, "r")});
    check_structure(p);
    CHECK(p.size() == 8);
    CHECK_FALSE(Interpreter(p).allows("c 1:0 r"));
  }
}

TEST_CASE("device_filter_program: the last rule for a device wins, and \"a\" resets", "[cgroup]") {
  SECTION("a later deny takes part of an allow back") {
    const std::vector<bpf_insn> p =
        compile(Rules{deny_all(), rule(true, "c", 1, 3, "rwm"), rule(false, "c", 1, 3, "w")});
    const Interpreter vm(p);
    CHECK(vm.allows("c 1:3 r"));
    CHECK(vm.allows("c 1:3 m"));
    CHECK_FALSE(vm.allows("c 1:3 w"));
    CHECK_FALSE(vm.allows("c 1:3 rw"));
  }
  SECTION("a later allow lifts a deny") {
    const std::vector<bpf_insn> p =
        compile(Rules{allow_all(), rule(false, "c", 1, 3, "rw"), rule(true, "c", 1, 3, "r")});
    const Interpreter vm(p);
    CHECK(vm.allows("c 1:3 r"));
    CHECK_FALSE(vm.allows("c 1:3 w"));
  }
  SECTION("\"a\" (or no type) drops what came before, whatever its numbers and access") {
    const std::vector<bpf_insn> p =
        compile(Rules{allow_all(), rule(false, "c", 1, 3, "w"), rule(false, {}, 1, 3, "w")});
    const Interpreter vm(p);
    CHECK_FALSE(vm.allows("c 1:5 r"));
    CHECK_FALSE(vm.allows("b 8:0 m"));
    const std::vector<bpf_insn> q =
        compile(Rules{deny_all(), rule(true, "c", 1, 3, "rwm"), rule(true, "a", 1, 3, "r")});
    CHECK(Interpreter(q).allows("b 8:0 rw"));
  }
  SECTION("runc's defaults come last, so they win over the config's denies") {
    const std::vector<bpf_insn> p =
        compile(v2_device_rules(Rules{allow_all(), rule(false, "c", 1, 3, "rwm")}));
    CHECK(Interpreter(p).allows("c 1:3 w"));
  }
}

TEST_CASE("device_filter_program: refused rules name the rule", "[cgroup]") {
  auto error_of = [](const Rules& rules) {
    auto program = device_filter_program(rules);
    REQUIRE_FALSE(program);
    return program.error().to_string();
  };
  SECTION("a hole in an earlier wildcard, as runc refuses") {
    const std::string e =
        error_of(Rules{deny_all(), rule(true, "c", {}, {}, "rwm"), rule(false, "c", 1, 3, "w")});
    CHECK_THAT(e, Catch::StartsWith("device rule 2 \"c 1:3 w\" (deny): cannot take \"c 1:3 w\" "
                                    "out of the earlier wildcard rule \"c *:* rwm\""));
  }
  SECTION("the same hole from runc's default list on an allow-all base") {
    const std::string e =
        error_of(v2_device_rules(Rules{allow_all(), rule(false, "c", {}, {}, "w")}));
    CHECK_THAT(e, Catch::Contains("\"c 1:3 rwm\" (allow)"));
  }
  SECTION("a fifo is no cgroup device type") {
    CHECK_THAT(error_of(Rules{rule(true, "p", 1, 3, "rwm")}),
               Catch::Contains("device type \"p\" cannot be a cgroup rule"));
  }
  SECTION("empty access, a number beyond 32 bits") {
    CHECK_THAT(error_of(Rules{rule(true, "c", 1, 3, "")}), Catch::Contains("must not be empty"));
    CHECK_THAT(error_of(Rules{rule(true, "c", 1LL << 32, 3, "r")}),
               Catch::Contains("major 4294967296 is out of range"));
  }
}

// --- [root]: the kernel, on a cgroup2 directory of this host. ---
namespace {

// The cgroup2 mount: /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid one.
std::optional<std::string> cgroup2_mount() {
  if (test::skip_unless_root()) return std::nullopt;
  for (const char* path : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    struct statfs st {};
    if (::statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) return std::string(path);
  }
  WARN("skipped: no cgroup2 mount");
  return std::nullopt;
}

// A child that joins `dir` (when not empty; else waits on `go` to be moved there), then opens
// each path with its flags and reports the errno values (0 = opened) through a pipe.
struct Probe {
  std::string path;
  int flags;
};
std::vector<int> probe_in_child(const std::string& dir, const std::vector<Probe>& probes,
                                const std::function<void(pid_t)>& place = {}) {
  int report[2], go[2];
  REQUIRE(::pipe2(report, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(go, O_CLOEXEC) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // plain syscalls only, and _exit: Catch2 must not run in the child
    char byte = 0;
    if (::read(go[0], &byte, 1) != 1) ::_exit(2);
    if (!dir.empty()) {
      const int procs = ::open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
      if (procs < 0 || ::write(procs, "0", 1) != 1) ::_exit(3);
      ::close(procs);
    }
    for (const Probe& probe : probes) {
      const int fd = ::open(probe.path.c_str(), probe.flags | O_CLOEXEC);
      const int result = fd >= 0 ? 0 : errno;
      if (fd >= 0) ::close(fd);
      if (::write(report[1], &result, sizeof result) != sizeof result) ::_exit(4);
    }
    ::_exit(0);
  }
  sys::ChildGuard child(pid);
  ::close(report[1]);
  ::close(go[0]);
  if (place) place(pid);
  REQUIRE(::write(go[1], "x", 1) == 1);
  ::close(go[1]);
  std::vector<int> results(probes.size(), -1);
  for (int& result : results) {
    if (::read(report[0], &result, sizeof result) != sizeof result) break;
  }
  ::close(report[0]);
  auto status = sys::wait_pid(child.release());
  REQUIRE(status);
  CHECK((WIFEXITED(*status) && WEXITSTATUS(*status) == 0));
  return results;
}

}  // namespace

TEST_CASE("device filter on a real cgroup2 directory: writes to 1:3 denied, the rest allowed",
          "[cgroup][root]") {
  const std::optional<std::string> mount = cgroup2_mount();
  if (!mount) return;
  const std::string dir = *mount + "/cruntime-bpf-test-" + std::to_string(::getpid());
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  ScopeExit remove([&dir] { ::rmdir(dir.c_str()); });
  auto cgroup = fs::open(dir, O_RDONLY | O_DIRECTORY);
  REQUIRE(cgroup);

  auto program = device_filter_program(Rules{allow_all(), rule(false, "c", 1, 3, "w")});
  REQUIRE(program);
  auto prog = load_device_program(*program);
  REQUIRE(prog);
  REQUIRE(replace_device_program(cgroup->get(), prog->get()));
  auto attached = attached_device_programs(cgroup->get());
  REQUIRE(attached);
  CHECK(attached->size() == 1);

  const std::vector<int> results = probe_in_child(dir, {{"/dev/null", O_WRONLY},
                                                        {"/dev/null", O_RDWR},
                                                        {"/dev/null", O_RDONLY},
                                                        {"/dev/zero", O_WRONLY}});
  CHECK(results == std::vector<int>{EPERM, EPERM, 0, 0});
}

TEST_CASE("load_device_program: a refused program gives the verifier's reason in one line",
          "[cgroup][root]") {
  if (!cgroup2_mount()) return;
  bpf_insn exit_only{};
  exit_only.code = BPF_JMP | BPF_EXIT;  // r0 never set
  auto prog = load_device_program(std::vector<bpf_insn>{exit_only});
  REQUIRE_FALSE(prog);
  const std::string e = prog.error().to_string();
  CHECK(e.find('\n') == std::string::npos);
  CHECK_THAT(e, Catch::StartsWith("bpf(BPF_PROG_LOAD) of the device filter (1 instructions); "
                                  "verifier: R0 !read_ok"));
}

TEST_CASE("device filter: a second program replaces the first, never adds to it",
          "[cgroup][root]") {
  const std::optional<std::string> mount = cgroup2_mount();
  if (!mount) return;
  const std::string dir = *mount + "/cruntime-bpf-test-" + std::to_string(::getpid()) + "-swap";
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  ScopeExit remove([&dir] { ::rmdir(dir.c_str()); });
  auto cgroup = fs::open(dir, O_RDONLY | O_DIRECTORY);
  REQUIRE(cgroup);

  std::vector<uint32_t> seen;
  for (const Rules& rules : {Rules{deny_all()}, Rules{allow_all(), rule(false, "c", 1, 5, "r")}}) {
    auto program = device_filter_program(rules);
    REQUIRE(program);
    auto prog = load_device_program(*program);
    REQUIRE(prog);
    REQUIRE(replace_device_program(cgroup->get(), prog->get()));
    auto attached = attached_device_programs(cgroup->get());
    REQUIRE(attached);
    REQUIRE(attached->size() == 1);
    seen.push_back(attached->front());
  }
  CHECK(seen[0] != seen[1]);
  // The second program rules: /dev/null is usable again, /dev/zero is not readable.
  const std::vector<int> results =
      probe_in_child(dir, {{"/dev/null", O_RDWR}, {"/dev/zero", O_RDONLY}});
  CHECK(results == std::vector<int>{0, EPERM});
}

TEST_CASE("Fs2Manager::apply attaches the device filter on the hybrid cgroup2 mount",
          "[cgroup][root]") {
  const std::optional<std::string> mount = cgroup2_mount();
  if (!mount) return;
  if (*mount != "/sys/fs/cgroup/unified") {
    // create() would enable controllers in the host's root cgroup; keep to the hybrid mount.
    WARN("skipped: needs a hybrid host's /sys/fs/cgroup/unified");
    return;
  }
  const std::string relative = "/cruntime-bpf-test-" + std::to_string(::getpid()) + "-mgr";
  // Made here rather than by create(), which would write the root's cgroup.subtree_control.
  REQUIRE(::mkdir((*mount + relative).c_str(), 0755) == 0);
  Fs2Manager manager(*mount, relative, /*existing=*/true);
  ScopeExit cleanup([&manager] { (void)manager.destroy(); });

  spec::LinuxResources resources;
  resources.devices = Rules{deny_all()};  // the default spec: only runc's default devices
  REQUIRE(manager.apply(resources));
  REQUIRE(manager.apply(resources));  // a re-apply swaps, it does not stack
  auto cgroup = fs::open(manager.dir(), O_RDONLY | O_DIRECTORY);
  REQUIRE(cgroup);
  auto attached = attached_device_programs(cgroup->get());
  REQUIRE(attached);
  CHECK(attached->size() == 1);

  // A char device outside runc's defaults must be denied: the first of these the host has a
  // node for (open needs the node to reach the filter).
  std::vector<Probe> probes{{"/dev/null", O_RDWR}, {"/dev/zero", O_RDONLY}};
  std::vector<int> expected{0, 0};
  for (const char* denied : {"/dev/kmsg", "/dev/mem", "/dev/port", "/dev/loop-control"}) {
    struct stat st {};
    if (::stat(denied, &st) == 0 && S_ISCHR(st.st_mode)) {
      probes.push_back({denied, O_RDONLY});
      expected.push_back(EPERM);
      break;
    }
  }
  if (probes.size() == 2) WARN("no kmsg, mem, port or loop-control node: no denied device probed");
  const std::vector<int> results =
      probe_in_child("", probes, [&manager](pid_t pid) { REQUIRE(manager.attach(pid)); });
  CHECK(results == expected);
  REQUIRE(manager.destroy());
  CHECK(::access((*mount + relative).c_str(), F_OK) != 0);
}

}  // namespace cruntime::cgroup
