// The HTTP response path end to end: a loopback server answers the real HttpCheck (cpp-httplib
// included) with the fuzzed bytes, then closes. Whatever arrives, the check returns one
// observation with a verdict, within its deadline, with a bounded message, and the rendered
// report stays within the 4096-byte output budget. Memory is bounded by libFuzzer's
// -rss_limit_mb / -malloc_limit_mb (scripts/test.sh).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "fuzz_support.h"
#include "healthprobe/http/http_check.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/reporting/report.h"

namespace {
using namespace healthprobe;

// Generous: the server closes right after its answer, so a healthy run takes milliseconds.
constexpr std::chrono::milliseconds kDeadline{2000};

// One listening socket on an ephemeral loopback port for the whole run.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool ok = fd_ >= 0 &&
                    bind(fd_, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
                    listen(fd_, 16) == 0 &&
                    getsockname(fd_, reinterpret_cast<sockaddr *>(&address), &length) == 0;
    FUZZ_CHECK(ok, "cannot listen on loopback");
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { close(fd_); }
  Listener(const Listener &) = delete;
  Listener &operator=(const Listener &) = delete;

  int port() const { return port_; }

  // Accepts one connection, reads the request head, answers with `response`, closes.
  void serve_once(const std::string &response) const {
    pollfd waiting{fd_, POLLIN, 0};
    if (poll(&waiting, 1, static_cast<int>(kDeadline.count())) != 1) return;
    const int connection = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return;
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      pollfd readable{connection, POLLIN, 0};
      if (poll(&readable, 1, static_cast<int>(kDeadline.count())) != 1) break;
      const ssize_t got = read(connection, buffer, sizeof buffer);
      if (got <= 0) break;
      request.append(buffer, static_cast<size_t>(got));
    }
    for (size_t sent = 0; sent < response.size();) {
      const ssize_t wrote =
          send(connection, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (wrote <= 0) break;
      sent += static_cast<size_t>(wrote);
    }
    shutdown(connection, SHUT_WR);
    close(connection);
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const Listener listener;
  const std::string response(reinterpret_cast<const char *>(data), size);
  std::thread server([&response] { listener.serve_once(response); });

  Url url;
  url.host = "127.0.0.1";
  url.port = listener.port();
  url.target = "/health";
  HttpCheck check(url, *StatusRanges::parse("200-299"), {});
  const Deadline deadline(kDeadline);
  Interruption interruption;
  Report report;
  report.observations = check.run(deadline, interruption);
  report.elapsed = deadline.elapsed();
  server.join();

  FUZZ_CHECK(report.elapsed <= kDeadline + std::chrono::milliseconds(1500),
             "HTTP check ran past its deadline");
  FUZZ_CHECK(report.observations.size() == 1, "HTTP check gave other than one observation");
  const Observation &observation = report.observations.front();
  FUZZ_CHECK(!observation.output.empty() && observation.output.size() <= 1024,
             "HTTP verdict message empty or over 1 KiB");
  if (observation.status != Status::Fail) {
    FUZZ_CHECK(response.rfind("HTTP/1.", 0) == 0, "a pass from an answer with no status line");
  }
  for (const Format format : {Format::Text, Format::Json}) {
    const std::string out = render_within(report, format, kOutputLimit);
    FUZZ_CHECK(out.size() <= kOutputLimit, "report over the 4096-byte output budget");
    if (format == Format::Text) {
      FUZZ_CHECK(!fuzz::has_raw_control_bytes(out), "text report carries raw control bytes");
      const bool passed = out.rfind("healthy: ", 0) == 0 || out.rfind("degraded: ", 0) == 0;
      FUZZ_CHECK(passed == (observation.status != Status::Fail), "verdict line disagrees");
    }
  }
  return 0;
}
