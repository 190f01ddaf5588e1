// The HTTP check against a real cpp-httplib server on loopback.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <mutex>

#include "http_server.h"
#include "probe_runner.h"

using namespace test_support;

namespace {
std::string url_of(const HttpServer &server, const std::string &path = "/health") {
  return "http://127.0.0.1:" + std::to_string(server.port()) + path;
}

ProcessResult probe_http(const std::vector<std::string> &extra) {
  std::vector<std::string> args{"--writable", "none", "--timeout", "10s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return probe(args);
}

void serve_json(HttpServer &server, int status, std::string body) {
  server.server().Get("/health", [status, body](const httplib::Request &, httplib::Response &res) {
    res.status = status;
    res.set_content(body, "application/json");
  });
  server.start();
}
}  // namespace

TEST_CASE("a healthy JSON body passes and its fields are reported", "[http]") {
  HttpServer server;
  serve_json(server, 200,
             R"({"status":"healthy","service":"benchling-webhook","version":"1.4.2"})");
  const auto result = probe_http({"--url", url_of(server)});
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out), Catch::StartsWith("healthy:"));
  CHECK_THAT(result.out, Catch::Contains("HTTP 200") && Catch::Contains("status \"healthy\"") &&
                             Catch::Contains("version 1.4.2"));
  // Well before the deadline: the answer is read by its length, not by waiting for the server
  // (bounded loosely, a sanitizer build on a loaded machine is slow to start and to exit).
  CHECK(result.elapsed < std::chrono::seconds(8));
}

TEST_CASE("degraded mode is healthy with a warning: exit 0, verdict degraded", "[http]") {
  HttpServer server;
  serve_json(server, 200,
             R"({"status":"healthy","mode":"degraded","warning":"secrets not configured"})");
  const auto result = probe_http({"--url", url_of(server)});
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out), Catch::StartsWith("degraded: webhook:http"));
  CHECK_THAT(result.out, Catch::Contains("warning: secrets not configured"));
}

TEST_CASE("a 200 whose body says it is failing is unhealthy", "[http]") {
  HttpServer server;
  serve_json(server, 200, R"({"status":"fail"})");
  const auto result = probe_http({"--url", url_of(server)});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("reports itself failing"));
}

TEST_CASE("an unknown status word warns", "[http]") {
  HttpServer server;
  serve_json(server, 200, R"({"status":"warming-up"})");
  const auto result = probe_http({"--url", url_of(server)});
  CHECK(result.exit_code == 0);
  CHECK_THAT(first_line(result.out), Catch::StartsWith("degraded:"));
}

TEST_CASE("a status outside the accepted list fails; --expect-status widens it", "[http]") {
  HttpServer server;
  serve_json(server, 503, R"({"status":"healthy"})");
  const auto strict = probe_http({"--url", url_of(server)});
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.out, Catch::Contains("HTTP 503") && Catch::Contains("expected 200-299"));
  const auto wide = probe_http({"--url", url_of(server), "--expect-status", "200,503"});
  CHECK(wide.exit_code == 0);
}

TEST_CASE("a non-JSON 200 passes on its status code", "[http]") {
  HttpServer server;
  server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
    res.set_content("OK", "text/plain");
  });
  server.start();
  const auto result = probe_http({"--url", url_of(server)});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("not a JSON object"));
}

TEST_CASE("a redirect is not followed and fails, without echoing where it points", "[http]") {
  HttpServer server;
  server.server().Get("/health", [](const httplib::Request &, httplib::Response &res) {
    res.set_redirect("http://127.0.0.1:1/login?token=LEAKME");
  });
  server.server().Get("/login", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(R"({"status":"healthy"})", "application/json");
  });
  server.start();
  const auto result = probe_http({"--url", url_of(server)});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("HTTP 302") && Catch::Contains("redirect (not followed)"));
  CHECK_THAT(result.out, !Catch::Contains("LEAKME"));
}

TEST_CASE("GET is used, extra headers are sent, and their values never appear in the report",
          "[http]") {
  HttpServer server;
  std::mutex seen_mutex;
  std::string seen_method, seen_auth, seen_host, seen_query, seen_accept;
  size_t accept_count = 0;
  server.server().Get("/health", [&](const httplib::Request &req, httplib::Response &res) {
    std::lock_guard<std::mutex> lock(seen_mutex);
    seen_method = req.method;
    seen_auth = req.get_header_value("Authorization");
    seen_host = req.get_header_value("Host");
    seen_query = req.get_param_value("token");
    seen_accept = req.get_header_value("Accept");
    accept_count = req.get_header_value_count("Accept");
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server.start();
  const auto result = probe_http({"--url", url_of(server, "/health?token=QUERYSECRET"), "--header",
                                  "Authorization: Bearer HEADERSECRET", "--header",
                                  "accept: text/plain", "--format", "json", "-v"});
  CHECK(result.exit_code == 0);
  std::lock_guard<std::mutex> lock(seen_mutex);
  CHECK(seen_method == "GET");
  CHECK(seen_auth == "Bearer HEADERSECRET");
  CHECK(seen_host == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(seen_query == "QUERYSECRET");
  CHECK(seen_accept == "text/plain");  // a user header replaces the default of that name
  CHECK(accept_count == 1);
  CHECK_THAT(result.out + result.err,
             !Catch::Contains("HEADERSECRET") && !Catch::Contains("QUERYSECRET"));
}

TEST_CASE("json format is application/health+json with the webhook's check", "[http]") {
  HttpServer server;
  serve_json(server, 200, R"({"status":"healthy","version":"2.0.0"})");
  const auto result = probe_http({"--url", url_of(server), "--format", "json"});
  CHECK(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["status"] == "pass");
  const auto &http = json["checks"]["webhook:http"][0];
  CHECK(http["status"] == "pass");
  CHECK(http["observedUnit"] == "ms");
  CHECK(http["observedValue"].is_number());
  CHECK(http["time"].get<std::string>().size() == 20);
  CHECK_THAT(http["output"].get<std::string>(), Catch::Contains("version 2.0.0"));
}

TEST_CASE("a huge field in the body is cut so the report stays small", "[http]") {
  HttpServer server;
  serve_json(
      server, 200,
      R"({"status":"healthy","mode":"degraded","warning":")" + std::string(20000, 'w') + "\"}");
  const auto result = probe_http({"--url", url_of(server)});
  CHECK(result.exit_code == 0);
  CHECK(result.out.size() < 4096);
  CHECK_THAT(result.out, Catch::Contains("www..."));
}

TEST_CASE("the default URL follows PORT", "[http]") {
  HttpServer server;
  serve_json(server, 200, R"({"status":"healthy"})");
  auto env = minimal_env();
  env["PORT"] = std::to_string(server.port());
  const auto result = probe({"--writable", "none"}, env);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("HTTP 200"));
}
