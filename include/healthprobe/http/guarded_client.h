#pragma once
// cpp-httplib's client with a ResponseGuard between the socket and httplib's parser: every byte
// the server sends passes the guard before httplib sees it (response_guard.h says why).
#include <httplib.h>

#include <chrono>
#include <string>

#include "healthprobe/core/interruption.h"
#include "healthprobe/http/response_guard.h"

namespace healthprobe {

// What the guard saw of one exchange; read after the request returns.
struct GuardedExchange {
  bool connected = false;  // the TCP connection was established
  ResponseGuard guard;
  std::chrono::steady_clock::time_point last_byte_at{};  // when the server last sent anything
  size_t bytes_received = 0;
};

// Its socket goes to `interruption` as soon as it exists, before the connect: the deadline shuts
// it down, which ends a connect in progress as well as a read. Keep an Interruption::Scope open
// around each request.
class GuardedClient : public httplib::ClientImpl {
 public:
  GuardedClient(const std::string &host, int port, GuardedExchange &exchange,
                Interruption &interruption)
      : httplib::ClientImpl(host, port), exchange_(exchange), interruption_(interruption) {
    set_socket_options([&interruption](socket_t socket) { interruption.watch(socket); });
  }

 private:
  bool process_socket(const Socket &socket,
                      std::function<bool(httplib::Stream &strm)> callback) override;

  GuardedExchange &exchange_;
  const Interruption &interruption_;
};

}  // namespace healthprobe
