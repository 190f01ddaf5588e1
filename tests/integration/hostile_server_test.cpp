// A scripted loopback server that misbehaves on purpose: floods, endless lines, interim responses,
// broken framing, resets, encodings, control characters. Every case checks the four things a
// container relies on: the exit code (0 or 1, never a crash), the deadline, the probe's own peak
// memory, and the words of the report.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include "probe_runner.h"
#include "raw_server.h"
#include "skip.h"

using namespace test_support;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kDeadline{1000};
constexpr milliseconds kMargin{1500};
// How much more memory a hostile server may cost the probe than a well-behaved one. Without a
// bound a flood grows the probe by 100+ MiB a second; with one, only the fixed buffers remain.
#ifdef HEALTHPROBE_TEST_SANITIZED
constexpr long kGrowthKib = 16 * 1024;  // ASan keeps freed memory in quarantine
#else
constexpr long kGrowthKib = 1024;
#endif
#ifdef HEALTHPROBE_TEST_STATIC_PROBE
constexpr long kReleaseCeilingKib = 4 * 1024;  // the release probe's contract
#endif

const std::string kHealthyBody = R"({"status":"healthy"})";
const std::string kHealthy =
    "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n" + std::string(R"({"status":"healthy"})");

MeasuredRun probe_server(const RawServer &server, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{
      "--url",      "http://127.0.0.1:" + std::to_string(server.port()) + "/health",
      "--timeout",  "1s",
      "--writable", "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  return probe_measured(args);
}

// The peak RSS of this very binary answering a well-behaved server: what every case compares to.
long baseline_rss_kib() {
  static long baseline = -1;
  static std::once_flag once;
  std::call_once(once, [] {
    RawServer server(scripted({send_bytes(kHealthy)}));
    baseline = probe_server(server).peak_rss_kib;
  });
  return baseline;
}

// The checks every hostile case shares.
void check_contract(const MeasuredRun &run, int exit_code) {
  const auto &result = run.result;
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  CHECK(result.exit_code == exit_code);
  CHECK(result.elapsed < kDeadline + kMargin);
  CHECK(result.out.size() + result.err.size() <= 4096);
  if (probe_is_emulated()) return;  // wait4 would measure QEMU's memory, not the probe's
  REQUIRE(run.peak_rss_kib > 0);
  INFO("peak RSS " << run.peak_rss_kib << " KiB, baseline " << baseline_rss_kib() << " KiB");
  CHECK(run.peak_rss_kib <= baseline_rss_kib() + kGrowthKib);
#ifdef HEALTHPROBE_TEST_STATIC_PROBE
  CHECK(run.peak_rss_kib <= kReleaseCeilingKib);
#endif
}

std::string chunked_head() {
  return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
}

}  // namespace

// --- floods and endless lines: the head is bounded as it arrives ------------------------------

TEST_CASE("hostile: a flood of header lines stops at the 16 KiB head limit", "[hostile]") {
  RawServer server(scripted({send_bytes("HTTP/1.1 200 OK\r\n"), flood("X-Flood: yes\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("response head over 16 KiB"));
}

TEST_CASE("hostile: one endless header line stops at the head limit", "[hostile]") {
  RawServer server(
      scripted({send_bytes("HTTP/1.1 200 OK\r\nX-Endless: "), flood(std::string(4096, 'a'))}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out,
             Catch::Contains("response head over 16 KiB") && !Catch::Contains("aaaa"));
}

TEST_CASE("hostile: an endless status line stops at the head limit", "[hostile]") {
  RawServer server(scripted({send_bytes("HTTP/1.1 200 "), flood(std::string(4096, 'r'))}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("response head over 16 KiB"));
}

TEST_CASE("hostile: a 60 KB reason phrase is refused, not a crash", "[hostile]") {
  // httplib's std::regex recursed once per byte of this line: SIGSEGV, exit 139, no report.
  RawServer server(scripted(
      {send_bytes("HTTP/1.1 200 " + std::string(60000, 'x') + "\r\nContent-Length: 0\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("response head over 16 KiB"));
}

TEST_CASE("hostile: a 12 KB reason phrase under the limit is read and never printed", "[hostile]") {
  RawServer server(scripted({send_bytes("HTTP/1.1 200 " + std::string(12000, 'x') +
                                        "\r\nContent-Length: 20\r\n\r\n" + kHealthyBody)}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200") && !Catch::Contains("xxxx"));
}

TEST_CASE("hostile: endless interim responses stop at the head limit", "[hostile]") {
  RawServer server(scripted({flood("HTTP/1.1 100 Continue\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("response head over 16 KiB"));
}

TEST_CASE("hostile: an endless chunk-size line stops at 4 KiB", "[hostile]") {
  RawServer server(scripted({send_bytes(chunked_head()), flood(std::string(4096, '1'))}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("malformed response (chunk-size line over 4 KiB)"));
}

TEST_CASE("hostile: an endless chunk extension stops at 4 KiB", "[hostile]") {
  RawServer server(
      scripted({send_bytes(chunked_head() + "5;ext="), flood(std::string(4096, 'e'))}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("chunk-size line over 4 KiB"));
}

TEST_CASE("hostile: a body of exactly 64 KiB is complete, not 'longer'", "[hostile]") {
  const std::string body =
      std::string(R"({"status":"healthy","pad":")") + std::string(65536 - 29, 'p') + "\"}";
  REQUIRE(body.size() == 65536);
  RawServer server(
      scripted({send_bytes("HTTP/1.1 200 OK\r\nContent-Length: 65536\r\n\r\n" + body)}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200") && Catch::Contains("status \"healthy\"") &&
                                 !Catch::Contains("longer than"));
}

// --- HTTP semantics ---------------------------------------------------------------------------

TEST_CASE("hostile: 103 Early Hints before the 200 is skipped", "[hostile]") {
  RawServer server(scripted({send_bytes(
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" + kHealthy)}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200") && Catch::Contains("\"healthy\""));
}

TEST_CASE("hostile: a 100 Continue with headers, then another 1xx, then the 200", "[hostile]") {
  RawServer server(
      scripted({send_bytes("HTTP/1.1 100 Continue\r\nX-Note: headers here\r\n\r\n"
                           "HTTP/1.1 102 Processing\r\n\r\n" +
                           kHealthy)}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200"));
}

TEST_CASE("hostile: 204, 205 and 304 are judged by their code", "[hostile]") {
  for (const std::string code : {"204", "205", "304"}) {
    // A 304 may carry the length of the body it is not sending; a 205 says 0.
    const std::string head = "HTTP/1.1 " + code + " Whatever\r\n" +
                             (code == "304" ? "Content-Length: 20\r\n" : "") +
                             (code == "205" ? "Content-Length: 0\r\n" : "") + "\r\n";
    RawServer server(scripted({send_bytes(head), hang()}));
    const auto run = probe_server(server, {"--expect-status", code});
    INFO("HTTP " << code);
    check_contract(run, 0);
    CHECK_THAT(run.result.out, Catch::Contains("HTTP " + code));
  }
}

TEST_CASE("hostile: Content-Length: abc is malformed, not an empty body", "[hostile]") {
  RawServer server(scripted(
      {send_bytes("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{\"status\":\"fail\"}")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("malformed response (an invalid Content-Length)"));
}

TEST_CASE("hostile: conflicting Content-Length values are malformed", "[hostile]") {
  RawServer server(scripted({send_bytes(
      "HTTP/1.1 200 OK\r\nContent-Length: 20\r\nContent-Length: 2\r\n\r\n" + kHealthyBody)}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("malformed response (conflicting Content-Length"));
}

TEST_CASE("hostile: Transfer-Encoding and Content-Length together are malformed", "[hostile]") {
  RawServer server(scripted({send_bytes(
      "HTTP/1.1 200 OK\r\nContent-Length: 20\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n" +
      kHealthyBody + "\r\n0\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out,
             Catch::Contains("malformed response (both Transfer-Encoding and Content-Length)"));
}

TEST_CASE("hostile: chunk data not followed by CRLF is malformed", "[hostile]") {
  RawServer server(
      scripted({send_bytes(chunked_head() + "14\r\n" + kHealthyBody + "XX0\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out,
             Catch::Contains("malformed response (chunk data not followed by CRLF)"));
}

TEST_CASE("hostile: a chunk size that is not hex is malformed", "[hostile]") {
  RawServer server(scripted({send_bytes(chunked_head() + "zz\r\nhello\r\n0\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("malformed response (an invalid chunk size)"));
}

TEST_CASE("hostile: a chunked body cut off before its last chunk is malformed", "[hostile]") {
  RawServer server(scripted({send_bytes(chunked_head() + "14\r\n" + kHealthyBody + "\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("malformed response (the chunked body ended early)"));
}

TEST_CASE("hostile: chunk extensions and trailers are read", "[hostile]") {
  RawServer server(scripted({send_bytes(chunked_head() + "14;name=value\r\n" + kHealthyBody +
                                        "\r\n0\r\nX-Trailer: 1\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200") && Catch::Contains("\"healthy\""));
}

TEST_CASE("hostile: a header line without a colon is malformed", "[hostile]") {
  RawServer server(scripted({send_bytes("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("malformed response (a header line without a name)"));
}

TEST_CASE("hostile: a gzip body is judged on the status code, with that reason", "[hostile]") {
  const std::string gzip_bytes("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  for (const std::string code : {"200", "503"}) {
    RawServer server(scripted(
        {send_bytes("HTTP/1.1 " + code +
                    " X\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n" + gzip_bytes)}));
    const auto run = probe_server(server);
    INFO("HTTP " << code);
    check_contract(run, code == "200" ? 0 : 1);
    CHECK_THAT(run.result.out,
               Catch::Contains("HTTP " + code) &&
                   Catch::Contains("body is gzip-encoded, which the probe does not decode"));
  }
}

TEST_CASE("hostile: a transfer coding before chunked is not decoded either", "[hostile]") {
  RawServer server(
      scripted({send_bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                           "3\r\nabc\r\n0\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("body is gzip-encoded"));
}

TEST_CASE("hostile: the probe asks for an unencoded body", "[hostile]") {
  RawServer server([](int client, const std::atomic<bool> &) {
    const std::string request = read_request_head(client);
    const bool identity = request.find("\r\nAccept-Encoding: identity\r\n") != std::string::npos;
    send_all(client,
             identity ? kHealthy : "HTTP/1.1 406 Not Acceptable\r\nContent-Length: 0\r\n\r\n");
  });
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200"));
}

TEST_CASE("hostile: control characters from the server never reach the report", "[hostile]") {
  // In the reason phrase (never read), the body's status (printed escaped) and the name of a
  // content coding the probe cannot decode (printed escaped).
  const std::string body = "{\"status\":\"\x1b]0;owned\x07healthy\",\"x\":1}";
  RawServer server(scripted(
      {send_bytes("HTTP/1.1 200 OK\x1b[2J\x07\r\nContent-Encoding: \x1b[31mzz\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body)}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK(run.result.out.find('\x1b') == std::string::npos);
  CHECK(run.result.out.find('\x07') == std::string::npos);
  CHECK_THAT(run.result.out,
             Catch::Contains("HTTP 200") &&
                 Catch::Contains("body is \\x1b[31mzz-encoded, which the probe does not"));
}

TEST_CASE("hostile: a malformed status line is named", "[hostile]") {
  RawServer server(scripted({send_bytes("HTTX/9 two hundred\r\n\r\n")}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("malformed response (no HTTP/1.x status line)"));
}

// --- resets and honest diagnosis --------------------------------------------------------------

TEST_CASE("hostile: a reset before any answer says no status line arrived", "[hostile]") {
  RawServer server(scripted({reset()}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("closed before a status line arrived"));
}

TEST_CASE("hostile: a reset in the middle of the headers says so", "[hostile]") {
  RawServer server(scripted({send_bytes("HTTP/1.1 200 OK\r\nX-Half: "), reset()}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out,
             Catch::Contains("closed after the status line, before the headers ended"));
}

TEST_CASE("hostile: connected but silent: 'connected, but no status line'", "[hostile]") {
  RawServer server(scripted({hang()}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK(run.result.elapsed >= kDeadline - milliseconds(50));
  CHECK_THAT(run.result.out,
             Catch::Contains("within the 1s deadline (connected, but no status line;") &&
                 !Catch::Contains("kept sending"));
}

TEST_CASE("hostile: a status line then silence: 'status line received, headers incomplete'",
          "[hostile]") {
  RawServer server(scripted({send_bytes("HTTP/1.1 200 OK\r\nX-A: 1\r\n"), hang()}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("(status line received, headers incomplete;") &&
                                 !Catch::Contains("kept sending"));
}

TEST_CASE("hostile: a server dripping header lines 'kept sending past the deadline'", "[hostile]") {
  RawServer server(scripted({send_bytes("HTTP/1.1 200 OK\r\n"), drip("X: 1\r\n", 20)}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out,
             Catch::Contains("status line received, headers incomplete; the server kept sending "
                             "past the deadline"));
}

TEST_CASE("hostile: a body dripping past the deadline is reported with its status", "[hostile]") {
  RawServer server(
      scripted({send_bytes("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), drip("x", 20)}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("HTTP 200 but the body was still arriving; the server "
                                             "kept sending past the deadline"));
}

TEST_CASE("hostile: a connection that never completes: 'could not connect within the deadline'",
          "[hostile]") {
  // A listener whose accept queue is full: the kernel drops further SYNs, so connect() hangs.
  int port = 0;
  const int listener = listen_on_loopback(0, port);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {  // fill the queue; later ones may hang in SYN_SENT, harmlessly
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    fillers.push_back(fd);
  }
  usleep(100 * 1000);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/health";
  const auto run = probe_measured({"--url", url, "--timeout", "1s", "--writable", "none"});
  for (int fd : fillers) close(fd);
  close(listener);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("could not connect to 127.0.0.1:") &&
                                 Catch::Contains("within the 1s deadline"));
}

// --- bodies cut short: never judged as if complete --------------------------------------------

TEST_CASE("hostile: a reset in the middle of a body fails like a cut, framed or not", "[hostile]") {
  // Cut by a FIN the first said "shorter than its Content-Length"; cut by a RST both were judged
  // on the 200 alone: healthy, though the first says fail.
  for (const std::string head :
       {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n"}) {
    RawServer server(scripted({send_bytes(head + R"({"status":"fail", )"), pause(200), reset()}));
    const auto run = probe_server(server);
    INFO(head);
    check_contract(run, 1);
    CHECK_THAT(run.result.out, Catch::Contains("the connection was reset before the body ended"));
  }
}

TEST_CASE("hostile: a body without length that stalls until the deadline is not complete",
          "[hostile]") {
  // Only the server's close ends such a body; the probe's own close at the deadline does not.
  RawServer server(scripted({send_bytes("HTTP/1.1 200 OK\r\n\r\n"
                                        R"({"status":"healthy"})"),
                             hang()}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("within the 1s deadline (HTTP 200 but the body was "
                                             "still arriving"));
}

TEST_CASE("hostile: a status before the 64 KiB read limit still decides", "[hostile]") {
  const std::string body =
      std::string(R"({"status":"fail","pad":")") + std::string(100000, 'p') + "\"}";
  RawServer server(scripted({send_bytes(
      "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body)}));
  const auto run = probe_server(server);
  check_contract(run, 1);
  CHECK_THAT(run.result.out, Catch::Contains("status \"fail\"") &&
                                 Catch::Contains("body longer than 64.0 KiB, read that far"));
}

// --- bodies a JSON reader must survive ------------------------------------------------------

namespace {
std::string answer_with(const std::string &body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The shapes that cost a recursive reader stack, or a document tree memory, within 64 KiB.
std::string nested_status(size_t bytes) {
  const size_t depth = (bytes - 12) / 2;
  return R"({"status":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
}
}  // namespace

TEST_CASE("hostile: a status nested 32000 deep is no crash, under a 1 MiB stack too",
          "[hostile][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (prlimit would limit the emulator)");
  RawServer server(scripted({send_bytes(answer_with(nested_status(65536)))}));
  const auto run = probe_server(server);
  check_contract(run, 0);
  CHECK_THAT(run.result.out, Catch::Contains("status is an array ([[[[[[["));
  // Rendered recursively, it needed about 7.5 MiB of stack: SIGSEGV, exit 139, no report.
  auto argv = std::vector<std::string>{
      "prlimit",    "--stack=1048576",
      "--",         probe_binary(),
      "--url",      "http://127.0.0.1:" + std::to_string(server.port()) + "/health",
      "--writable", "none"};
  const auto limited = run_process(argv, minimal_env());
  INFO(limited.out << limited.err);
  CHECK(limited.signal == 0);
  CHECK(limited.exit_code == 0);
  CHECK_THAT(limited.out, Catch::StartsWith("degraded: webhook:http"));
}

TEST_CASE("hostile: 64 KiB of tiny members, empty arrays or one long string stay small",
          "[hostile]") {
  std::string members = R"({"status":"ok")";
  for (int i = 0; members.size() < 65500; ++i) members += ",\"" + std::to_string(i) + "\":0";
  members += "}";
  std::string arrays = R"({"status":"ok","a":[)";
  while (arrays.size() < 65500) arrays += "[],";
  arrays += "[]]}";
  const std::string text = R"({"status":"ok","warning":")" + std::string(65000, 'w') + "\"}";
  for (const auto &body : {members, arrays, text}) {
    RawServer server(scripted({send_bytes(answer_with(body))}));
    const auto run = probe_server(server);
    INFO(body.substr(0, 40));
    check_contract(run, 0);
    CHECK_THAT(run.result.out, Catch::Contains("status \"ok\""));
  }
}

TEST_CASE("hostile: what Python's json.dumps writes by default never hides a fail", "[hostile]") {
  // allow_nan=True and ensure_ascii=True are json.dumps's defaults; a str holding a lone surrogate
  // or bytes decoded with surrogateescape reach the wire as below.
  for (const std::string body :
       {R"({"status": "fail", "latency_ms": NaN})", R"({"load": Infinity, "status": "fail"})",
        R"({"load": -Infinity, "status": "fail"})", R"({"note": "\udc80", "status": "fail"})",
        "{\"note\": \"caf\xe9\", \"status\": \"fail\"}"}) {
    RawServer server(scripted({send_bytes(answer_with(body))}));
    const auto run = probe_server(server);
    INFO(body);
    check_contract(run, 1);
    CHECK_THAT(run.result.out, Catch::Contains("status \"fail\"") &&
                                   Catch::Contains("(the service reports itself failing)"));
  }
}
