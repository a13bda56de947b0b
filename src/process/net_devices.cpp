// linux.netDevices: move, rename, re-address and bring up host interfaces in the container's
// network namespace, over rtnetlink from the runtime (which is in both namespaces' reach).
#include "cruntime/process/net_devices.hpp"

#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/spec/validate.hpp"
#include "cruntime/sys/netlink.hpp"

namespace cruntime::process {
namespace {

using sys::NetlinkRequest;
using sys::NetlinkSocket;

// An address as the host had it: the ifaddrmsg and the attributes that say where it is.
struct SavedAddress {
  ifaddrmsg header{};
  std::vector<std::pair<uint16_t, std::string>> attributes;  // IFA_LOCAL, IFA_ADDRESS, ...
};

template <class T>
T header_of(const std::string& body) {
  T header{};
  std::memcpy(&header, body.data(), std::min(sizeof header, body.size()));
  return header;
}

// The addresses of link `index` that stay with the device: permanent (not from DHCP or SLAAC,
// which would come back by themselves) and global (a link-local address is made anew).
Result<std::vector<SavedAddress>> permanent_global_addresses(NetlinkSocket& host, int index) {
  ifaddrmsg request_header{};
  NetlinkRequest request(RTM_GETADDR, 0, &request_header, sizeof request_header);
  std::vector<SavedAddress> saved;
  for (const sys::NetlinkMessage& message : CR_TRY(host.dump(request))) {
    if (message.type != RTM_NEWADDR || message.body.size() < sizeof(ifaddrmsg)) continue;
    const auto header = header_of<ifaddrmsg>(message.body);
    if (static_cast<int>(header.ifa_index) != index) continue;
    if (!(header.ifa_flags & IFA_F_PERMANENT) || header.ifa_scope != RT_SCOPE_UNIVERSE) continue;
    SavedAddress address{header, {}};
    for (auto [type, data] : sys::netlink_attributes(message.body, sizeof(ifaddrmsg))) {
      if (type == IFA_LOCAL || type == IFA_ADDRESS || type == IFA_BROADCAST) {
        address.attributes.emplace_back(type, std::string(data));
      }
    }
    saved.push_back(std::move(address));
  }
  return saved;
}

// Every link of the socket's namespace: index → name.
Result<std::vector<std::pair<int, std::string>>> links(NetlinkSocket& socket) {
  ifinfomsg request_header{};
  NetlinkRequest request(RTM_GETLINK, 0, &request_header, sizeof request_header);
  std::vector<std::pair<int, std::string>> found;
  for (const sys::NetlinkMessage& message : CR_TRY(socket.dump(request))) {
    if (message.type != RTM_NEWLINK || message.body.size() < sizeof(ifinfomsg)) continue;
    std::string name;
    for (auto [type, data] : sys::netlink_attributes(message.body, sizeof(ifinfomsg))) {
      if (type == IFLA_IFNAME) name = std::string(data.substr(0, data.find('\0')));
    }
    found.emplace_back(header_of<ifinfomsg>(message.body).ifi_index, std::move(name));
  }
  return found;
}

// A netlink socket in the namespace `netns`: made there (a socket keeps the namespace it was
// made in), the runtime back in its own `home` right after.
Result<NetlinkSocket> socket_in(int netns, int home) {
  if (::setns(netns, CLONE_NEWNET) != 0) {
    return fail(Error::sys(errno, "enter the container's network namespace"));
  }
  auto socket = NetlinkSocket::open();
  if (::setns(home, CLONE_NEWNET) != 0) {
    return fail(Error::sys(errno, "return to the runtime's network namespace"));
  }
  return socket;
}

bool same_namespace(int a, int b) {
  struct stat sa{};
  struct stat sb{};
  return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

struct Namespaces {
  UniqueFd home;       // the runtime's network namespace
  UniqueFd container;  // the init's
};

Result<void> move_one(NetlinkSocket& host, NetlinkSocket& inside, const Namespaces& ns,
                      const std::string& host_name, const spec::NetDevice& device) {
  const std::string new_name = device.name && !device.name->empty() ? *device.name : host_name;
  const int index = static_cast<int>(::if_nametoindex(host_name.c_str()));
  if (index == 0) {
    return fail(Error::sys(errno, fmt::format("no network device {} on the host", host_name)));
  }
  const std::vector<SavedAddress> addresses = CR_TRY(permanent_global_addresses(host, index));
  std::set<int> before;
  for (const auto& [existing, name] : CR_TRY(links(inside))) {
    before.insert(existing);
    // Checked first: the kernel moves the device under its own name and renames it only then,
    // so a clash found by the rename would leave the device moved (and gone with the namespace).
    if (name == new_name && new_name.find('%') == std::string::npos) {
      return fail_msg("name: the container's network namespace already has a device {}",
                      new_name);
    }
  }

  // One request moves and renames (IFLA_IFNAME: the name in the target namespace, a "%d"
  // pattern too), so the host's namespace never sees the new name.
  ifinfomsg move_header{};
  move_header.ifi_index = index;
  NetlinkRequest move(RTM_NEWLINK, 0, &move_header, sizeof move_header);
  move.add_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(ns.container.get()));
  move.add_string(IFLA_IFNAME, new_name);
  if (auto moved = host.call(move); !moved) {
    if (moved.error().code() == EEXIST) {
      return fail_msg("name: the container's network namespace already has a device {}",
                      new_name);
    }
    return fail(std::move(moved).error().with_context(
        fmt::format("move {} into the container's network namespace", host_name)));
  }
  // Its index there may differ (taken already): the one link that was not there before.
  int moved_index = 0;
  std::string moved_name;
  for (const auto& [candidate, name] : CR_TRY(links(inside))) {
    if (!before.count(candidate)) std::tie(moved_index, moved_name) = std::tie(candidate, name);
  }
  if (moved_index == 0) return fail_msg("moved {}, but the container does not show it", host_name);

  for (const SavedAddress& address : addresses) {
    ifaddrmsg header = address.header;
    header.ifa_index = static_cast<uint32_t>(moved_index);
    NetlinkRequest add(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &header, sizeof header);
    for (const auto& [type, data] : address.attributes) add.add(type, data.data(), data.size());
    CR_TRY_CTX(inside.call(add), "add an address of {} to {} in the container", host_name,
               moved_name);
  }
  ifinfomsg up_header{};
  up_header.ifi_index = moved_index;
  up_header.ifi_flags = IFF_UP;
  up_header.ifi_change = IFF_UP;
  NetlinkRequest up(RTM_NEWLINK, 0, &up_header, sizeof up_header);
  CR_TRY_CTX(inside.call(up), "set {} up in the container", moved_name);
  log::debug("linux.netDevices: {} is {} in the container, {} address(es)", host_name, moved_name,
             addresses.size());
  return {};
}

}  // namespace

Result<void> move_net_devices(const spec::Config& config, pid_t init_pid) {
  if (!config.linux_config || !config.linux_config->net_devices) return {};
  const auto& devices = *config.linux_config->net_devices;
  if (devices.empty()) return {};
  Namespaces ns;
  ns.home = CR_TRY_CTX(fs::open("/proc/thread-self/ns/net", O_RDONLY), "linux.netDevices");
  ns.container = CR_TRY_CTX(fs::open(fmt::format("/proc/{}/ns/net", init_pid), O_RDONLY),
                            "linux.netDevices");
  if (same_namespace(ns.home.get(), ns.container.get())) {
    return fail_msg("linux.netDevices: the container shares the runtime's network namespace "
                    "(linux.namespaces): there is nowhere to move the devices to");
  }
  NetlinkSocket host = CR_TRY_CTX(NetlinkSocket::open(), "linux.netDevices");
  NetlinkSocket inside =
      CR_TRY_CTX(socket_in(ns.container.get(), ns.home.get()), "linux.netDevices");
  for (const auto& [host_name, device] : devices) {
    CR_TRY_CTX(move_one(host, inside, ns, host_name, device), "{}",
               spec::member_path("linux.netDevices", host_name));
  }
  return {};
}

}  // namespace cruntime::process
