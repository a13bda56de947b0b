// A long-lived caller for the load test (integration/load.bats): runs create -> start -> delete
// cycles itself, the way containerd's shim or conmon does, and records what must not grow.
//
// It is a child subreaper (as those callers are), so each container init becomes its child once
// `create` exits; it waits for the init like a shim does, then calls `delete`. Measured:
//   - the fds of every created-but-not-started init (/proc/<pid>/fd, normalised, with their
//     close-on-exec flag): what the container would inherit from the runtime; they must be the
//     same set in every cycle;
//   - its own RSS, fd count, zombie and live children, at cycle --sample and at the end;
//   - the host's mount count (/proc/self/mountinfo lines) and the entries of the state root;
//   - the peak RSS of each cruntime command (wait4's ru_maxrss), per window.
// The driver allocates nothing per cycle beyond short strings, so its own RSS is the control:
// growth there would be zombies or fds the runtime handed back, not the driver.
//
// usage: load-driver --cycles N --sample K --bundle DIR --prefix ID --root DIR --stderr FILE
//                    -- CRUNTIME [GLOBAL-OPTION...]
// Prints one JSON object on stdout. Exit: 0 all cycles ran, 1 a cycle failed (the JSON says
// which), 2 usage.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

extern char** environ;

namespace {

struct Options {
  long cycles = 0;
  long sample = 100;
  std::string bundle;
  std::string prefix;
  std::string root;
  std::string stderr_file;
  std::vector<std::string> runtime;  // the binary and its global options
};

bool parse(int argc, char** argv, Options& o) {
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (a == "--cycles") {
      o.cycles = std::atol(v.c_str());
    } else if (a == "--sample") {
      o.sample = std::atol(v.c_str());
    } else if (a == "--bundle") {
      o.bundle = v;
    } else if (a == "--prefix") {
      o.prefix = v;
    } else if (a == "--root") {
      o.root = v;
    } else if (a == "--stderr") {
      o.stderr_file = v;
    } else {
      return false;
    }
  }
  for (; i < argc; ++i) o.runtime.emplace_back(argv[i]);
  return o.cycles > 0 && o.sample > 0 && !o.bundle.empty() && !o.prefix.empty() &&
         !o.root.empty() && !o.stderr_file.empty() && !o.runtime.empty();
}

double now_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct CommandResult {
  int status = -1;     // wait status
  long maxrss_kb = 0;  // ru_maxrss of the command
};

// posix_spawn(runtime + args) with stdin/stdout /dev/null and stderr appended to the file.
bool run(const Options& o, const std::vector<std::string>& args, CommandResult& out) {
  std::vector<std::string> all = o.runtime;
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : all) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, o.stderr_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = 0;
  int err = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return false;
  rusage usage{};
  if (::wait4(pid, &out.status, 0, &usage) != pid) return false;
  out.maxrss_kb = usage.ru_maxrss;
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "pipe:[1234]" -> "pipe", "socket:[5]" -> "socket"; the container id -> "<id>".
std::string normalise_link(std::string target, const std::string& id) {
  if (size_t bracket = target.find(":["); bracket != std::string::npos) {
    target.resize(bracket);
  }
  for (size_t at = target.find(id); at != std::string::npos; at = target.find(id, at)) {
    target.replace(at, id.size(), "<id>");
  }
  return target;
}

// The fd's O_CLOEXEC flag, from the "flags:" line (octal) of /proc/<pid>/fdinfo/<fd>.
bool is_cloexec(pid_t pid, const char* fd) {
  const std::string info = read_file(fmt::format("/proc/{}/fdinfo/{}", pid, fd));
  size_t at = info.find("flags:");
  return at != std::string::npos && (std::strtoul(info.c_str() + at + 6, nullptr, 8) & O_CLOEXEC);
}

// "0=/dev/null 1=pipe 3=/run/x/<id>/exec.fifo(cloexec)", in fd order.
std::string fd_signature(pid_t pid, const std::string& id) {
  const std::string dir = fmt::format("/proc/{}/fd", pid);
  std::vector<std::pair<int, std::string>> fds;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return fmt::format("<cannot open {}: {}>", dir, std::strerror(errno));
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    char target[4096];
    const std::string link = dir + "/" + e->d_name;
    ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    std::string text = n < 0 ? std::string("?") : std::string(target, static_cast<size_t>(n));
    text = normalise_link(text, id);
    if (is_cloexec(pid, e->d_name)) text += "(cloexec)";
    fds.emplace_back(std::atoi(e->d_name), text);
  }
  ::closedir(d);
  std::sort(fds.begin(), fds.end());
  std::string out;
  for (const auto& [fd, target] : fds)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", fd, target);
  return out;
}

long count_entries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return -1;
  long n = 0;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ++n;
  }
  ::closedir(d);
  return n;
}

long count_lines(const std::string& path) {
  const std::string text = read_file(path);
  return static_cast<long>(std::count(text.begin(), text.end(), '\n'));
}

long rss_kb() {
  const std::string status = read_file("/proc/self/status");
  size_t at = status.find("VmRSS:");
  return at == std::string::npos ? -1 : std::atol(status.c_str() + at + 6);
}

// Children of this process by state: zombies and live ones (scans /proc/*/stat for our ppid).
void count_children(long& zombies, long& live) {
  zombies = 0;
  live = 0;
  const pid_t self = ::getpid();
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const std::string stat = read_file(fmt::format("/proc/{}/stat", e->d_name));
    size_t paren = stat.rfind(") ");
    if (paren == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + paren + 2, "%c %d", &state, &ppid) != 2) continue;
    if (ppid != self) continue;
    (state == 'Z' ? zombies : live) += 1;
  }
  ::closedir(d);
}

// Waits for the adopted init to exit (it runs `true`) and reaps it; false after 30 s.
bool reap_init(pid_t pid, int& status) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return false;
  pollfd p{pidfd, POLLIN, 0};
  int ready = ::poll(&p, 1, 30000);
  ::close(pidfd);
  if (ready != 1) return false;
  return ::waitpid(pid, &status, 0) == pid;
}

struct Window {
  long create_kb = 0;
  long start_kb = 0;
  long delete_kb = 0;
};

std::string sample_json(long cycle, const Window& w, long root_entries) {
  long zombies = 0;
  long live = 0;
  count_children(zombies, live);
  return fmt::format(
      R"({{"cycle":{},"rss_kb":{},"fds":{},"zombies":{},"children":{},"mounts":{},)"
      R"("root_entries":{},"create_maxrss_kb":{},"start_maxrss_kb":{},"delete_maxrss_kb":{}}})",
      cycle, rss_kb(), count_entries("/proc/self/fd"), zombies, live,
      count_lines("/proc/self/mountinfo"), root_entries, w.create_kb, w.start_kb, w.delete_kb);
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    fmt::print(stderr,
               "usage: load-driver --cycles N --sample K --bundle DIR --prefix ID --root DIR "
               "--stderr FILE -- CRUNTIME [GLOBAL-OPTION...]\n");
    return 2;
  }
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    fmt::print(stderr, "load-driver: PR_SET_CHILD_SUBREAPER: {}\n", std::strerror(errno));
    return 1;
  }
  const std::string pid_file = o.root + ".init.pid";
  std::string first_signature;
  std::string failure;
  std::string mismatch;
  long mismatches = 0;
  long strays = 0;
  long done = 0;
  std::vector<std::string> samples;
  Window window;
  const double started = now_seconds();
  for (long i = 0; i < o.cycles && failure.empty(); ++i) {
    const std::string id = fmt::format("{}-{}", o.prefix, i);
    CommandResult r;
    ::unlink(pid_file.c_str());
    if (!run(o, {"create", "--bundle", o.bundle, "--pid-file", pid_file, id}, r) || r.status != 0) {
      failure = fmt::format("cycle {}: create {} failed (wait status {})", i, id, r.status);
      break;
    }
    window.create_kb = std::max(window.create_kb, r.maxrss_kb);
    const pid_t init = static_cast<pid_t>(std::atol(read_file(pid_file).c_str()));
    const std::string signature = fd_signature(init, id);
    if (first_signature.empty()) first_signature = signature;
    if (signature != first_signature && mismatches++ == 0) {
      mismatch = fmt::format("cycle {}: {}", i, signature);
    }
    if (!run(o, {"start", id}, r) || r.status != 0) {
      failure = fmt::format("cycle {}: start {} failed (wait status {})", i, id, r.status);
      break;
    }
    window.start_kb = std::max(window.start_kb, r.maxrss_kb);
    int init_status = -1;
    if (!reap_init(init, init_status) || !WIFEXITED(init_status) || WEXITSTATUS(init_status) != 0) {
      failure = fmt::format("cycle {}: init {} of {} did not exit 0 (wait status {})", i, init, id,
                            init_status);
      break;
    }
    if (!run(o, {"delete", id}, r) || r.status != 0) {
      failure = fmt::format("cycle {}: delete {} failed (wait status {})", i, id, r.status);
      break;
    }
    window.delete_kb = std::max(window.delete_kb, r.maxrss_kb);
    // Anything else that was left to us (an intermediate process, a hook) is a leak.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) ++strays;
    const long root_entries = count_entries(o.root);
    if (root_entries != 0) {
      failure =
          fmt::format("cycle {}: {} entries left in {} after delete", i, root_entries, o.root);
    }
    done = i + 1;
    if (done == o.sample || done == o.cycles) {
      samples.push_back(sample_json(done, window, root_entries));
      window = Window{};
    }
  }
  const double seconds = now_seconds() - started;
  ::unlink(pid_file.c_str());
  std::string sample_list;
  for (const std::string& s : samples) sample_list += (sample_list.empty() ? "" : ",") + s;
  fmt::print(R"({{"cycles":{},"seconds":{:.1f},"failure":{},"init_fds":{},"init_fd_mismatches":{},)"
             R"("first_mismatch":{},"stray_children":{},"samples":[{}]}})"
             "\n",
             done, seconds, json_string(failure), json_string(first_signature), mismatches,
             json_string(mismatch), strays, sample_list);
  return failure.empty() ? 0 : 1;
}
