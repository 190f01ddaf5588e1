// Numeric-only getaddrinfo/freeaddrinfo/getnameinfo for the static release probe, linked in with
// -Wl,--wrap=getaddrinfo,--wrap=freeaddrinfo,--wrap=getnameinfo (see CMakeLists.txt).
//
// Why: a statically linked glibc resolves names by dlopen()ing the NSS modules of whatever glibc
// the container has, which may be another version (glibc warns about exactly this at link time).
// The probe only ever connects to IP literals (parse_url refuses host names; "localhost" becomes
// 127.0.0.1 and ::1 there), so it never needs name resolution — and glibc's resolver with its
// NSS and static-dlopen machinery is a large share of the static binary (bench/SIZE.md).
// cpp-httplib calls getaddrinfo with the numeric address, and getnameinfo with NI_NUMERICHOST;
// these answer both.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// One allocation holds the addrinfo and its address, so freeaddrinfo is a single free().
struct NumericAddrinfo {
  addrinfo info;
  sockaddr_storage address;
};

int parse_port(const char *service) {
  if (service == nullptr) return 0;
  char *end = nullptr;
  const long port = std::strtol(service, &end, 10);
  return (*service == '\0' || *end != '\0' || port < 0 || port > 65535) ? -1
                                                                        : static_cast<int>(port);
}

}  // namespace

// The linker looks for exactly these reserved names when it wraps a symbol.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" {

__attribute__((used)) int __wrap_getaddrinfo(const char *node, const char *service,
                                             const addrinfo *hints, addrinfo **result) {
  const int family = hints != nullptr ? hints->ai_family : AF_UNSPEC;
  const int port = parse_port(service);
  if (node == nullptr || result == nullptr || port < 0) return EAI_NONAME;
  auto *entry = static_cast<NumericAddrinfo *>(std::calloc(1, sizeof(NumericAddrinfo)));
  if (entry == nullptr) return EAI_MEMORY;
  auto *v4 = reinterpret_cast<sockaddr_in *>(&entry->address);
  auto *v6 = reinterpret_cast<sockaddr_in6 *>(&entry->address);
  if (family != AF_INET6 && inet_pton(AF_INET, node, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    entry->info.ai_family = AF_INET;
    entry->info.ai_addrlen = sizeof(sockaddr_in);
  } else if (family != AF_INET && inet_pton(AF_INET6, node, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    entry->info.ai_family = AF_INET6;
    entry->info.ai_addrlen = sizeof(sockaddr_in6);
  } else {
    std::free(entry);
    return EAI_NONAME;  // a host name: the probe does not resolve names (see above)
  }
  entry->info.ai_socktype = hints != nullptr ? hints->ai_socktype : SOCK_STREAM;
  entry->info.ai_protocol = hints != nullptr ? hints->ai_protocol : 0;
  entry->info.ai_addr = reinterpret_cast<sockaddr *>(&entry->address);
  *result = &entry->info;
  return 0;
}

__attribute__((used)) void __wrap_freeaddrinfo(addrinfo *info) {
  // info is the first member of the NumericAddrinfo allocated above.
  std::free(info);
}

__attribute__((used)) int __wrap_getnameinfo(const sockaddr *address, socklen_t length, char *host,
                                             socklen_t host_length, char *service,
                                             socklen_t service_length, int flags) {
  if (address == nullptr || (flags & NI_NUMERICHOST) == 0)
    return EAI_NONAME;  // numeric answers only
  int port = 0;
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    const auto *v4 = reinterpret_cast<const sockaddr_in *>(address);
    if (host != nullptr && inet_ntop(AF_INET, &v4->sin_addr, host, host_length) == nullptr)
      return EAI_OVERFLOW;
    port = ntohs(v4->sin_port);
  } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(address);
    if (host != nullptr && inet_ntop(AF_INET6, &v6->sin6_addr, host, host_length) == nullptr)
      return EAI_OVERFLOW;
    port = ntohs(v6->sin6_port);
  } else {
    return EAI_FAMILY;
  }
  if (service != nullptr && service_length > 0) {
    const std::string text = std::to_string(port);
    if (text.size() >= service_length) return EAI_OVERFLOW;
    std::memcpy(service, text.c_str(), text.size() + 1);
  }
  return 0;
}

}  // extern "C"
// NOLINTEND(bugprone-reserved-identifier)
