// Test payload run inside containers (static, so it runs in the busybox rootfs): print the
// process's real, effective and saved user and group ids, as /proc/self/status would. Unlike
// busybox, which drops a setuid bit it was not built to honour, it reports what exec gave it.
//
// usage: ids-probe
// stdout: "uid=<real>,<effective>,<saved> gid=<real>,<effective>,<saved>"
#include <unistd.h>

#include <cstdio>

int main() {
  uid_t ruid = 0, euid = 0, suid = 0;
  gid_t rgid = 0, egid = 0, sgid = 0;
  if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) {
    std::perror("ids-probe: getresuid/getresgid");
    return 1;
  }
  std::printf("uid=%u,%u,%u gid=%u,%u,%u\n", ruid, euid, suid, rgid, egid, sgid);
  return 0;
}
