// Unit tests for the /proc readers: stat parsing, start times, zombies, thread count.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "cruntime/sys/proc.hpp"

using cruntime::sys::parse_proc_stat;
using cruntime::sys::read_proc_stat;

namespace {

// 52 fields as on a 6.x kernel; field 4 (ppid) = 1, field 22 (starttime) = 987654.
constexpr const char* kStatTail =
    " S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1000000 200 "
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

// A child blocked in pause() until killed; renamed first when `comm` is given.
pid_t spawn_sleeper(const char* comm, int ready_fd_write) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (comm != nullptr) ::prctl(PR_SET_NAME, comm);
    char byte = 'r';
    if (::write(ready_fd_write, &byte, 1) != 1) ::_exit(2);
    for (;;) ::pause();
  }
  return pid;
}

void wait_ready(int ready_fd_read) {
  char byte = 0;
  REQUIRE(::read(ready_fd_read, &byte, 1) == 1);
}

}  // namespace

TEST_CASE("parse_proc_stat reads state, ppid and start time", "[sys]") {
  auto stat = parse_proc_stat(std::string("1234 (bash)") + kStatTail);
  REQUIRE(stat);
  CHECK(stat->state == 'S');
  CHECK(stat->ppid == 1);
  CHECK(stat->start_time == 987654u);
}

TEST_CASE("parse_proc_stat counts fields from the last ')' of comm", "[sys]") {
  auto stat = parse_proc_stat(std::string("77 (a) R 9 (b) c)") + kStatTail);
  REQUIRE(stat);
  CHECK(stat->state == 'S');
  CHECK(stat->ppid == 1);
  CHECK(stat->start_time == 987654u);
}

TEST_CASE("parse_proc_stat rejects malformed text", "[sys]") {
  CHECK_FALSE(parse_proc_stat(""));
  CHECK_FALSE(parse_proc_stat("1234 bash S 1 2 3"));
  CHECK_FALSE(parse_proc_stat("1234 (bash) S 1 2 3 4 5"));              // too few fields
  CHECK_FALSE(parse_proc_stat("1234 (bash) SS 1 1234 1234 0 -1 4 1"));  // state not one char
  std::string bad_start = std::string("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12x 1\n");
  CHECK_FALSE(parse_proc_stat(bad_start));
  CHECK_FALSE(parse_proc_stat("1 )x( S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 1\n"));
}

TEST_CASE("read_proc_stat of ourselves: running, our parent, a start time", "[sys]") {
  auto stat = read_proc_stat(::getpid());
  REQUIRE(stat);
  CHECK(stat->state == 'R');
  CHECK(stat->ppid == ::getppid());
  CHECK(stat->start_time > 0u);
  CHECK(cruntime::sys::process_start_time(::getpid()) == stat->start_time);
  CHECK(cruntime::sys::is_alive(::getpid(), stat->start_time));
  CHECK_FALSE(cruntime::sys::is_alive(::getpid(), stat->start_time + 1));
}

TEST_CASE("read_proc_stat refuses pid 0 and negative pids", "[sys]") {
  CHECK_FALSE(read_proc_stat(0));
  CHECK_FALSE(read_proc_stat(-1));
  CHECK_FALSE(cruntime::sys::is_alive(0, 0));
  CHECK_FALSE(cruntime::sys::process_start_time(-1));
}

TEST_CASE("read_proc_stat handles a real comm containing ') ('", "[sys]") {
  int ready[2];
  REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
  pid_t child = spawn_sleeper("x) (y) z", ready[1]);
  REQUIRE(child > 0);
  wait_ready(ready[0]);
  auto stat = read_proc_stat(child);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  REQUIRE(stat);
  CHECK(stat->ppid == ::getpid());
  CHECK(stat->start_time >= read_proc_stat(::getpid())->start_time);
}

TEST_CASE("is_alive: a zombie and a reaped child are not alive", "[sys]") {
  int ready[2];
  REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
  pid_t child = spawn_sleeper(nullptr, ready[1]);
  REQUIRE(child > 0);
  wait_ready(ready[0]);
  ::close(ready[0]);
  ::close(ready[1]);
  auto start = cruntime::sys::process_start_time(child);
  REQUIRE(start);
  CHECK(cruntime::sys::is_alive(child, *start));

  ::kill(child, SIGKILL);
  // Not reaped yet: wait for the kernel to turn it into a zombie.
  char state = '?';
  for (int i = 0; i < 5000 && state != 'Z'; ++i) {  // up to 10 s on a loaded machine
    auto stat = read_proc_stat(child);
    state = stat ? stat->state : '?';
    if (state != 'Z') std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(state == 'Z');
  CHECK(cruntime::sys::process_start_time(child) == start);  // still readable
  CHECK_FALSE(cruntime::sys::is_alive(child, *start));

  REQUIRE(::waitpid(child, nullptr, 0) == child);
  CHECK_FALSE(cruntime::sys::is_alive(child, *start));
  CHECK_FALSE(read_proc_stat(child));
}

TEST_CASE("thread_count sees every thread of the process", "[sys]") {
  auto before = cruntime::sys::thread_count();
  REQUIRE(before);
  CHECK(*before == 1u);
  int gate[2];
  REQUIRE(::pipe2(gate, O_CLOEXEC) == 0);
  std::thread worker([&] {
    char byte = 0;
    (void)::read(gate[0], &byte, 1);
  });
  auto during = cruntime::sys::thread_count();
  ::close(gate[1]);
  worker.join();
  ::close(gate[0]);
  REQUIRE(during);
  CHECK(*during == 2u);
  CHECK(cruntime::sys::thread_count().value_or(0) == 1u);
}
