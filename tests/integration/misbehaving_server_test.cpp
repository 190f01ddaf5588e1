// Servers that break the rules, written at the socket level. Each test bounds the probe's wall
// time generously: the point is that the deadline holds, not how fast the machine is.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include "probe_runner.h"
#include "raw_server.h"

using namespace test_support;
using std::chrono::milliseconds;

namespace {
// Deadline 1 s; the probe must be done well before 1 s + this margin.
constexpr milliseconds kDeadline{1000};
constexpr milliseconds kMargin{1500};

ProcessResult probe_port(int port, const std::string &host = "127.0.0.1") {
  return probe({"--url", "http://" + host + ":" + std::to_string(port) + "/health", "--timeout",
                "1s", "--writable", "none"});
}

const char *kHealthyHead =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n";
}  // namespace

TEST_CASE("a server that accepts and never answers ends the run at the deadline", "[misbehaving]") {
  RawServer server([](int client, const std::atomic<bool> &stopping) {
    read_request_head(client);
    wait_while_running(stopping, 10000);
  });
  const auto result = probe_port(server.port());
  CHECK(result.exit_code == 1);
  CHECK(result.elapsed >= kDeadline - milliseconds(50));
  CHECK(result.elapsed < kDeadline + kMargin);
  CHECK_THAT(result.out, Catch::Contains("within the 1s deadline") &&
                             Catch::Contains("connected, but no status line"));
}

TEST_CASE("a listener that never accepts: every run blames the deadline, never a closed connection",
          "[misbehaving]") {
  // The kernel completes the handshake into the backlog; nobody reads. Run it many times with a
  // short deadline: httplib's own timeouts must never win the race against the deadline.
  int port = 0;
  const int listener = listen_on_loopback(64, port);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/health";
  for (int run = 0; run < 30; ++run) {
    const auto result = probe({"--url", url, "--timeout", "200ms", "--writable", "none"});
    INFO("run " << run << ": " << result.out);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains("within the 200ms deadline"));
    CHECK(result.elapsed < milliseconds(200) + kMargin);
  }
  close(listener);
}

TEST_CASE("a server that drips one byte every 200 ms cannot stretch the deadline",
          "[misbehaving]") {
  RawServer server([](int client, const std::atomic<bool> &stopping) {
    read_request_head(client);
    const std::string response = std::string(kHealthyHead) + R"({"status":"healthy"})";
    for (char byte : response) {
      if (stopping || !send_all(client, std::string(1, byte))) return;
      wait_while_running(stopping, 200);
    }
  });
  const auto result = probe_port(server.port());
  CHECK(result.exit_code == 1);
  CHECK(result.elapsed < kDeadline + kMargin);
  CHECK_THAT(result.out, Catch::Contains("deadline"));
}

TEST_CASE("a body that never ends is read up to 64 KiB and judged on the status", "[misbehaving]") {
  RawServer server([](int client, const std::atomic<bool> &stopping) {
    read_request_head(client);
    send_all(client,
             "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");  // no length: until close
    const std::string chunk(16384, 'x');
    while (!stopping && send_all(client, chunk)) {
    }
  });
  const auto result = probe_port(server.port());
  CHECK(result.exit_code == 0);
  // Judged once 64 KiB were in, not at the deadline (a slow start may still cost a second).
  CHECK(result.elapsed < kDeadline + kMargin);
  CHECK_THAT(result.out, Catch::Contains("HTTP 200") &&
                             Catch::Contains("body longer than 64.0 KiB") &&
                             !Catch::Contains("deadline"));
  CHECK(result.out.size() < 4096);
}

TEST_CASE("a malformed status line is unhealthy, with the reason", "[misbehaving]") {
  RawServer server([](int client, const std::atomic<bool> &) {
    read_request_head(client);
    send_all(client, "HTTX/9 two hundred\r\n\r\n");
  });
  const auto result = probe_port(server.port());
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("malformed response (no HTTP/1.x status line)"));
  CHECK(result.elapsed < kDeadline + kMargin);
}

TEST_CASE("a 1 MiB header is refused without echoing it or blowing the output", "[misbehaving]") {
  RawServer server([](int client, const std::atomic<bool> &) {
    read_request_head(client);
    send_all(client, "HTTP/1.1 200 OK\r\nX-Huge: " + std::string(1 << 20, 'h') +
                         "\r\nContent-Length: 0\r\n\r\n");
  });
  const auto result = probe_port(server.port());
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains("response head over 16 KiB") && !Catch::Contains("hhhhhhhh"));
  CHECK(result.out.size() + result.err.size() < 4096);
}

TEST_CASE("a server that closes without a word is unhealthy", "[misbehaving]") {
  RawServer server([](int client, const std::atomic<bool> &) {
    read_request_head(client);
    shutdown(client, SHUT_RDWR);
  });
  const auto result = probe_port(server.port());
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("closed before a status line arrived"));
}

TEST_CASE("localhost reaches a server listening on IPv6 only", "[misbehaving]") {
  RawServer server(
      [](int client, const std::atomic<bool> &) {
        read_request_head(client);
        send_all(client, std::string(kHealthyHead) + R"({"status":"healthy"})");
      },
      "::1");
  const auto result = probe_port(server.port(), "localhost");
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("HTTP 200"));
}

TEST_CASE("nothing listening: both loopback families are named, quickly", "[misbehaving]") {
  const int port = unused_port();
  const auto result = probe_port(port, "localhost");
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains("nothing accepts connections on 127.0.0.1:" + std::to_string(port) +
                             " or [::1]:" + std::to_string(port)));
  // Refused at once, not waited out: no deadline in the answer, and no slower than a slow start.
  CHECK_THAT(result.out, !Catch::Contains("deadline"));
  CHECK(result.elapsed < kDeadline + kMargin);
}
