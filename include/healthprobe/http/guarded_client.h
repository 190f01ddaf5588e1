#pragma once
// cpp-httplib's client with a ResponseGuard between the socket and httplib's parser: every byte
// the server sends passes the guard before httplib sees it (response_guard.h says why).
#include <httplib.h>

#include <chrono>
#include <string>

#include "healthprobe/http/response_guard.h"
#include "healthprobe/runtime/interruption.h"

namespace healthprobe {

// What the guard saw of one exchange; read after the request returns.
struct GuardedExchange {
  bool connected = false;  // the TCP connection was established
  ResponseGuard guard;
  std::chrono::steady_clock::time_point last_byte_at{};  // when the server last sent anything
  size_t bytes_received = 0;
};

// While connected, the socket is registered with `interruption`: the deadline shuts it down.
class GuardedClient : public httplib::ClientImpl {
 public:
  GuardedClient(const std::string &host, int port, GuardedExchange &exchange,
                Interruption &interruption)
      : httplib::ClientImpl(host, port), exchange_(exchange), interruption_(interruption) {}

 private:
  bool process_socket(const Socket &socket,
                      std::function<bool(httplib::Stream &strm)> callback) override;

  GuardedExchange &exchange_;
  Interruption &interruption_;
};

}  // namespace healthprobe
