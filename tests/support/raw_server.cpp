#include "raw_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace test_support {

RawServer::RawServer(Behaviour behaviour, const std::string &address)
    : behaviour_(std::move(behaviour)) {
  if (address == "127.0.0.1") {
    listener_ = listen_on_loopback(16, port_);
  } else {
    listener_ = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(listener_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    inet_pton(AF_INET6, address.c_str(), &addr.sin6_addr);
    if (bind(listener_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
      throw std::runtime_error("bind6 failed");
    socklen_t length = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr *>(&addr), &length);
    port_ = ntohs(addr.sin6_port);
    if (listen(listener_, 16) != 0) throw std::runtime_error("listen failed");
  }
  thread_ = std::thread([this] { serve(); });
}

RawServer::~RawServer() {
  stopping_ = true;
  thread_.join();
  close(listener_);
}

void RawServer::serve() {
  while (!stopping_) {
    pollfd fd{listener_, POLLIN, 0};
    if (poll(&fd, 1, 20) <= 0) continue;
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++connections_;
    behaviour_(client, stopping_);
    close(client);
  }
}

bool send_all(int fd, const std::string &text) {
  size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string read_request_head(int fd) {
  std::string head;
  std::array<char, 4096> buffer{};
  while (head.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) break;
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) break;
    head.append(buffer.data(), static_cast<size_t>(n));
  }
  return head;
}

void wait_while_running(const std::atomic<bool> &stopping, int ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stopping && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Step send_bytes(std::string bytes) {
  return {Step::Kind::Send, std::move(bytes)};
}
Step flood(std::string unit) {
  return {Step::Kind::Flood, std::move(unit)};
}
Step drip(std::string unit, int interval_ms) {
  return {Step::Kind::Drip, std::move(unit), interval_ms};
}
Step hang() {
  return {Step::Kind::Hang, ""};
}
Step pause(int ms) {
  return {Step::Kind::Pause, "", ms};
}
Step reset() {
  return {Step::Kind::Reset, ""};
}

RawServer::Behaviour scripted(std::vector<Step> script) {
  return [script = std::move(script)](int client, const std::atomic<bool> &stopping) {
    read_request_head(client);
    for (const auto &step : script) {
      switch (step.kind) {
        case Step::Kind::Send:
          if (!send_all(client, step.bytes)) return;
          break;
        case Step::Kind::Flood:
          while (!stopping && send_all(client, step.bytes)) {
          }
          return;
        case Step::Kind::Drip:
          while (!stopping && send_all(client, step.bytes))
            wait_while_running(stopping, step.interval_ms);
          return;
        case Step::Kind::Hang:
          wait_while_running(stopping, 60000);
          return;
        case Step::Kind::Pause:
          wait_while_running(stopping, step.interval_ms);
          break;
        case Step::Kind::Reset: {
          linger abort{1, 0};  // close() then sends RST instead of FIN
          setsockopt(client, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
          return;
        }
      }
    }
  };
}

int listen_on_loopback(int backlog, int &port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t length = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr *>(&addr), length) != 0 || listen(fd, backlog) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &length) != 0) {
    close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

int unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &length);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace test_support
