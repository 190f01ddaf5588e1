#pragma once
// A real cpp-httplib server on 127.0.0.1, on its own thread, for the well-behaved cases.
#include <httplib.h>

#include <thread>

namespace test_support {

class HttpServer {
 public:
  // Register handlers on server() first, then call start().
  httplib::Server &server() { return server_; }
  void start();
  ~HttpServer();
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace test_support
