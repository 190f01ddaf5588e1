// Hostile or careless input, through the real binary: settings out of every range, secrets in the
// wrong argument, bad request headers, and server or file-name text aimed at a terminal.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "http_server.h"
#include "probe_runner.h"
#include "raw_server.h"
#include "skip.h"
#include "temp_dir.h"
#include "terminal_safety.h"

using namespace test_support;

// The hostile input below holds no non-ASCII that should survive: a safe report is printable
// ASCII (see has_control_or_non_ascii).

namespace {
// CSI as a C1 control in UTF-8, a right-to-left override, a first-strong isolate.
const std::string kC1Csi = "\xc2\x9b";
const std::string kRlo = "\xe2\x80\xae";
const std::string kFsi = "\xe2\x81\xa8";
}  // namespace

TEST_CASE("a timeout of hundreds of digits or a denormal is bad usage naming the setting",
          "[untrusted]") {
  const std::string digits(400, '9');
  const auto flag = probe({"--no-http", "--writable", "none", "--timeout", digits});
  CHECK(flag.exit_code == 64);
  CHECK_THAT(flag.err, Catch::Contains("--timeout='9999") && Catch::Contains("1ms to 1h"));
  CHECK(flag.out.empty());
  CHECK(flag.err.size() < 400);  // the value is cut short in the message

  auto env = minimal_env();
  env["HEALTHPROBE_TIMEOUT"] = "0." + std::string(315, '0') + "1s";  // a denormal double
  const auto variable = probe({"--no-http", "--writable", "none"}, env);
  CHECK(variable.exit_code == 64);
  CHECK_THAT(variable.err, Catch::Contains("HEALTHPROBE_TIMEOUT='0.000"));
  CHECK(variable.out.empty());
}

TEST_CASE("an internal error goes to stderr, is silent with -q, and exits 1",
          "[untrusted][may-skip]") {
  if (probe_is_emulated()) HEALTHPROBE_SKIP("under emulation (see probe_runner.h)");
#ifdef HEALTHPROBE_TEST_SANITIZED
  HEALTHPROBE_SKIP("the sanitizers' shadow memory cannot run under a 1 MiB data limit");
#endif
  // A real failure: 2 MiB of arguments with the data segment limited to 1 MiB, so copying
  // them throws std::bad_alloc before any option is parsed.
  std::vector<std::string> args{"prlimit", "--data=1048576", "--", probe_binary(), "--no-http"};
  for (int i = 0; i < 16; ++i) args.push_back(std::string(120000, 'x'));
  const auto loud = run_process(args, minimal_env());
  CHECK(loud.exit_code == 1);
  CHECK(loud.out.empty());
  CHECK_THAT(loud.err, Catch::StartsWith("unhealthy:") && Catch::Contains("internal error"));

  args.insert(args.begin() + 4, "-q");
  const auto quiet = run_process(args, minimal_env());
  CHECK(quiet.exit_code == 1);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
}

TEST_CASE("a secret in a stray or malformed argument is never echoed", "[untrusted]") {
  const std::string token = "Authorization: Bearer TOPSECRET-eyJhbGciOi";
  const std::vector<std::vector<std::string>> cases = {
      {"--header", "X-Request: 1", token},  // the second --header forgotten
      {"--header:" + token},                // ':' typed for '='
      {"--no-http", "--writable", "none", "TOPSECRET"},
      {"--" + token},
  };
  for (const auto &args : cases) {
    INFO(args.front());
    const auto result = probe(args);
    CHECK(result.exit_code == 64);
    CHECK_THAT(result.err, Catch::Contains("argument #"));
    CHECK_THAT(result.out + result.err,
               !Catch::Contains("TOPSECRET") && !Catch::Contains("Bearer"));
  }
  CHECK_THAT(probe(cases.front()).err, Catch::Contains("after the value of --header"));
}

TEST_CASE("bad request headers are bad usage, and nothing is sent", "[untrusted]") {
  RawServer server([](int client, const std::atomic<bool> &) {
    read_request_head(client);
    send_all(client, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/health";
  const std::vector<std::vector<std::string>> cases = {
      {"--header", " : TOPSECRET"},
      {"--header", "X-Token: TOPSECRET\x1b[2J"},
      {"--header", "X-Token: TOPSECRET\x7f"},
      {"--header", "Host: a.internal", "--header", "HOST: TOPSECRET.internal"},
  };
  for (auto args : cases) {
    INFO(args[1]);
    args.insert(args.end(), {"--writable", "none", "--url", url});
    const auto result = probe(args);
    CHECK(result.exit_code == 64);
    CHECK_THAT(result.err, Catch::Contains("--header #"));
    CHECK_THAT(result.out + result.err, !Catch::Contains("TOPSECRET"));
  }
  CHECK(server.connections() == 0);
}

TEST_CASE("C1, bidi and escape sequences from the server reach the terminal escaped",
          "[untrusted]") {
  HttpServer server;
  // Raw UTF-8 C1 and bidi controls are valid JSON; ESC and BEL arrive as JSON escapes.
  const std::string body = R"({"status":"starting)" + kC1Csi + "31m" + kRlo +
                           R"(","version":"1.0)" + kFsi +
                           R"(","warning":"\u001b]0;owned\u0007\u009b2J"})";
  server.server().Get("/health", [&body](const httplib::Request &, httplib::Response &res) {
    res.set_content(body, "application/json");
  });
  server.start();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/health";
  const auto text = probe({"--writable", "none", "--url", url});
  CHECK(text.exit_code == 0);  // an unknown status word warns
  CHECK_FALSE(has_control_or_non_ascii(text.out));
  CHECK_THAT(text.out, Catch::Contains(R"(status "starting\u009b31m\u202e")") &&
                           Catch::Contains(R"(version 1.0\u2068)") &&
                           Catch::Contains(R"(warning: \x1b]0;owned\x07\u009b2J)"));

  const auto json = probe({"--writable", "none", "--url", url, "--format", "json"});
  CHECK(json.exit_code == 0);
  CHECK_FALSE(has_control_or_non_ascii(json.out));
  CHECK_THAT(json.out, Catch::Contains(R"(\\u009b31m\\u202e)"));
}

TEST_CASE("a status that is not a string says why it warns", "[untrusted]") {
  HttpServer server;
  server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(R"({"status":42})", "application/json");
  });
  server.start();
  const auto result = probe({"--writable", "none", "--url",
                             "http://127.0.0.1:" + std::to_string(server.port()) + "/health"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("degraded: webhook:http") &&
                             Catch::Contains("status is a number (42), not a word"));
}

TEST_CASE("a file name with invalid UTF-8, C1 and bidi bytes is shown escaped", "[untrusted]") {
  TempDir dir;
  // A directory that exists but cannot be written is reported by name; a missing one too.
  const std::string name = "app\xff\xfe" + kC1Csi + "31m" + kRlo + "gpj.exe";
  const std::string missing = dir / name;
  const auto result = probe({"--no-http", "--writable", missing});
  CHECK(result.exit_code == 1);
  CHECK_FALSE(has_control_or_non_ascii(result.out + result.err));
  // The key (cut to 60 bytes) and the message both carry the name, escaped.
  const std::string escaped = dir.path() + R"(/app\xff\xfe\u009b31m\u202egpj.exe)";
  CHECK_THAT(first_line(result.out),
             Catch::StartsWith("unhealthy: filesystem:" + dir.path() + R"(/app\xff\xfe\u009b)") &&
                 Catch::Contains(" " + escaped + " cannot be opened"));
  CHECK_THAT(result.out, Catch::Contains("fail  filesystem:" + dir.path() + "/app"));
}
