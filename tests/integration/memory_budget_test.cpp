// The memory budget against a real server: one endless header line, sent as fast
// as loopback allows. Whatever stops the probe first (a bounded response head, or the 128 MiB
// address-space cap as defence in depth), it never grows past the budget, and it reports.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "probe_runner.h"
#include "raw_server.h"
#include "skip.h"
#include "traced_probe.h"

using namespace test_support;

TEST_CASE("an endless header line cannot grow the probe past its memory budget",
          "[memory][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see traced_probe.h)");
  RawServer server([](int client, const std::atomic<bool> &stopping) {
    read_request_head(client);
    send_all(client, "HTTP/1.1 200 OK\r\nX-Flood: ");
    // Never blocks for long: once the probe is gone its half-closed socket may stop draining.
    const std::string chunk(1 << 16, 'a');
    while (!stopping) {
      pollfd ready{client, POLLOUT, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      if (send(client, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
          errno != EAGAIN)
        break;
    }
  });
  const auto result = probe({"--url", "http://127.0.0.1:" + std::to_string(server.port()) + "/",
                             "--venv", "none", "--writable", "none", "--timeout", "5s"});
  CHECK(result.exit_code == 1);
  CHECK(result.elapsed < std::chrono::milliseconds(6500));
  CHECK(result.out.size() + result.err.size() < 4096);
  CHECK_THAT(result.out, !Catch::Contains("aaaaaaaa"));
#if defined(__SANITIZE_ADDRESS__)
  WARN("sanitizer build: no memory cap, peak RSS not asserted (" << result.peak_rss_kib << " KiB)");
#else
  CHECK(result.peak_rss_kib < 144 * 1024);  // the 128 MiB budget plus the binary's own pages
#endif
}
