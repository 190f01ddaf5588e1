#include "http_server.h"

#include <stdexcept>

namespace test_support {

void HttpServer::start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("could not bind the test server");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // bind_to_any_port already listens: connections queue until the thread starts serving.
}

HttpServer::~HttpServer() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace test_support
