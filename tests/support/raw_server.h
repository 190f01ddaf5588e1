#pragma once
// A TCP listener on loopback whose per-connection behaviour the test writes byte by byte:
// servers that never answer, drip, never stop sending, or speak broken HTTP.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

class RawServer {
 public:
  // The behaviour gets the accepted socket and a flag set when the test is done with it.
  using Behaviour = std::function<void(int client, const std::atomic<bool> &stopping)>;

  // address "127.0.0.1" or an IPv6 one such as "::1" (IPv6-only: no v4-mapped fallback).
  explicit RawServer(Behaviour behaviour, const std::string &address = "127.0.0.1");
  ~RawServer();
  RawServer(const RawServer &) = delete;
  RawServer &operator=(const RawServer &) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void serve();

  Behaviour behaviour_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// Sends all of text; false when the peer went away.
bool send_all(int fd, const std::string &text);
// Reads the request head (up to the blank line), or whatever arrives before the peer closes.
std::string read_request_head(int fd);
// Sleeps in small steps until stopping is set or ms have passed.
void wait_while_running(const std::atomic<bool> &stopping, int ms);

// One step of a scripted answer (see scripted()).
struct Step {
  enum class Kind { Send, Flood, Drip, Hang, Pause, Reset };
  Kind kind;
  std::string bytes;
  int interval_ms = 0;
};
Step send_bytes(std::string bytes);            // once
Step flood(std::string unit);                  // again and again, as fast as the peer reads
Step drip(std::string unit, int interval_ms);  // again and again, one unit per interval
Step hang();                                   // silent until the test ends
Step pause(int ms);                            // silent for ms, then the next step
Step reset();                                  // abort the connection (RST)
// A behaviour that reads the request head, then plays the steps in order and closes.
RawServer::Behaviour scripted(std::vector<Step> script);

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int unused_port();

// A TCP socket listening on 127.0.0.1 with this backlog, on `port` (0: any free one, then set);
// throws when it cannot. The caller closes it.
int listen_on_loopback(int backlog, int &port);

}  // namespace test_support
