#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "healthprobe/parsing/options.h"

using healthprobe::Command;
using healthprobe::Environment;
using healthprobe::Format;
using healthprobe::parse_command_line;

namespace {
healthprobe::ParsedCommand parse(std::vector<std::string> args,
                                 std::map<std::string, std::string> env = {}) {
  return parse_command_line(args, Environment(std::move(env)));
}
}  // namespace

TEST_CASE("defaults: 127.0.0.1:8080/health, 2s, 2xx, /tmp, no venv, text", "[options]") {
  const auto parsed = parse({});
  REQUIRE(parsed.command == Command::Check);
  const auto &o = parsed.options;
  REQUIRE(o.url);
  CHECK(o.url->host == "127.0.0.1");
  CHECK(o.url->port == 8080);
  CHECK(o.url->target == "/health");
  CHECK(o.timeout == std::chrono::milliseconds(2000));
  CHECK(o.expect_status.contains(204));
  CHECK_FALSE(o.expect_status.contains(302));
  CHECK(o.writable == std::vector<std::string>{"/tmp"});
  CHECK_FALSE(o.venv);
  CHECK(o.format == Format::Text);
  CHECK(parse({"check"}).command == Command::Check);
}

TEST_CASE("the default URL follows PORT; a bad PORT is a usage error naming it", "[options]") {
  CHECK(parse({}, {{"PORT", "5000"}}).options.url->port == 5000);
  const auto bad = parse({}, {{"PORT", "eighty"}});
  CHECK(bad.command == Command::UsageError);
  CHECK_THAT(bad.error, Catch::Contains("PORT='eighty'"));
  // An explicit URL makes PORT irrelevant, even a broken one.
  CHECK(parse({"--url", "http://127.0.0.1:1/"}, {{"PORT", "eighty"}}).command == Command::Check);
}

TEST_CASE("every setting has a variable, and a flag beats its variable", "[options]") {
  const std::map<std::string, std::string> env = {
      {"HEALTHPROBE_URL", "http://127.0.0.1:9000/ready"},
      {"HEALTHPROBE_TIMEOUT", "5s"},
      {"HEALTHPROBE_EXPECT_STATUS", "200,503"},
      {"HEALTHPROBE_VENV", "/app/.venv"},
      {"HEALTHPROBE_REQUIRE", "gunicorn,uvicorn"},
      {"HEALTHPROBE_WRITABLE", "/tmp:/var/cache/app"},
      {"HEALTHPROBE_MIN_FREE", "64MiB"},
      {"HEALTHPROBE_FORMAT", "json"},
  };
  const auto from_env = parse({}, env);
  REQUIRE(from_env.command == Command::Check);
  CHECK(from_env.options.url->port == 9000);
  CHECK(from_env.options.timeout == std::chrono::seconds(5));
  CHECK(from_env.options.expect_status.contains(503));
  CHECK(from_env.options.venv == std::string("/app/.venv"));
  CHECK(from_env.options.require == std::vector<std::string>{"gunicorn", "uvicorn"});
  CHECK(from_env.options.writable == std::vector<std::string>{"/tmp", "/var/cache/app"});
  CHECK(from_env.options.min_free == 64u << 20);
  CHECK(from_env.options.format == Format::Json);

  const auto flags = parse({"--url=http://127.0.0.1:7000/", "--timeout", "250ms", "--expect-status",
                            "204", "--venv", "/other", "--require", "flask", "--writable", "/a",
                            "--writable", "/b", "--min-free", "1KiB", "--format", "text"},
                           env);
  REQUIRE(flags.command == Command::Check);
  CHECK(flags.options.url->port == 7000);
  CHECK(flags.options.timeout == std::chrono::milliseconds(250));
  CHECK_FALSE(flags.options.expect_status.contains(503));
  CHECK(flags.options.venv == std::string("/other"));
  CHECK(flags.options.require == std::vector<std::string>{"flask"});
  CHECK(flags.options.writable == std::vector<std::string>{"/a", "/b"});
  CHECK(flags.options.min_free == 1024u);
  CHECK(flags.options.format == Format::Text);
}

TEST_CASE("venv: VIRTUAL_ENV by default, 'none' disables, --require needs a venv", "[options]") {
  CHECK(parse({}, {{"VIRTUAL_ENV", "/v"}}).options.venv == std::string("/v"));
  CHECK_FALSE(parse({"--venv", "none"}, {{"VIRTUAL_ENV", "/v"}}).options.venv);
  CHECK_FALSE(parse({}, {{"HEALTHPROBE_VENV", "none"}, {"VIRTUAL_ENV", "/v"}}).options.venv);
  const auto orphan = parse({"--require", "flask"});
  CHECK(orphan.command == Command::UsageError);
  CHECK_THAT(orphan.error, Catch::Contains("--require"));
  // The image's HEALTHPROBE_REQUIRE does not stop `docker exec ... healthprobe --venv none`.
  const auto image =
      parse({"--venv", "none"}, {{"HEALTHPROBE_VENV", "/app/.venv"}, {"HEALTHPROBE_REQUIRE", "x"}});
  CHECK(image.command == Command::Check);
  CHECK(image.options.require.empty());
}

TEST_CASE("a venv path is absolute, like every other path setting", "[options]") {
  for (const auto &[args, env, source] : std::vector<
           std::tuple<std::vector<std::string>, std::map<std::string, std::string>, std::string>>{
           {{"--venv", ""}, {}, "--venv=''"},
           {{"--venv", "app/.venv"}, {}, "--venv='app/.venv'"},
           {{"--venv=.venv"}, {}, "--venv='.venv'"},
           {{}, {{"HEALTHPROBE_VENV", "app/.venv"}}, "HEALTHPROBE_VENV='app/.venv'"},
           {{}, {{"VIRTUAL_ENV", ".venv"}}, "VIRTUAL_ENV='.venv'"},
       }) {
    const auto parsed = parse(args, env);
    INFO(source);
    CHECK(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error,
               Catch::StartsWith(source) && Catch::Contains("must be an absolute path, or none"));
  }
  // An empty variable still counts as unset: VIRTUAL_ENV then decides.
  CHECK(parse({}, {{"HEALTHPROBE_VENV", ""}, {"VIRTUAL_ENV", "/v"}}).options.venv ==
        std::string("/v"));
}

TEST_CASE("--no-http drops the HTTP check; --writable none drops the directory checks",
          "[options]") {
  CHECK_FALSE(parse({"--no-http"}).options.url);
  CHECK(parse({"--writable", "none"}).options.writable.empty());
  CHECK(parse({}, {{"HEALTHPROBE_WRITABLE", "none"}}).options.writable.empty());
}

TEST_CASE("HEALTHPROBE_URL=none (or --url none) is --no-http through the environment",
          "[options]") {
  // A worker container of the web image: no server, so its environment turns the HTTP check off.
  const auto worker = parse({}, {{"HEALTHPROBE_URL", "none"}});
  REQUIRE(worker.command == Command::Check);
  CHECK_FALSE(worker.options.url);
  CHECK_FALSE(parse({"--url", "none"}).options.url);
  // Even a broken PORT does not matter once the HTTP check is off.
  CHECK(parse({}, {{"HEALTHPROBE_URL", "none"}, {"PORT", "eighty"}}).command == Command::Check);
  // A flag still beats its variable: an explicit URL turns the check back on for `docker exec`.
  CHECK(parse({"--url", "http://127.0.0.1:9/health"}, {{"HEALTHPROBE_URL", "none"}}).options.url);
  // Only the exact word: anything else is still a URL, and a bad one is still refused.
  CHECK(parse({}, {{"HEALTHPROBE_URL", "None"}}).command == Command::UsageError);
}

TEST_CASE("headers are repeatable and validated without echoing their values", "[options]") {
  const auto ok = parse({"--header", "Authorization: Bearer abc", "--header", "X-Probe:1"});
  REQUIRE(ok.command == Command::Check);
  CHECK(ok.options.headers.size() == 2);
  CHECK(ok.options.headers[0].first == "Authorization");
  CHECK(ok.options.headers[0].second == "Bearer abc");
  CHECK(ok.options.headers[1].second == "1");
  for (const char *bad :
       {"Authorization Bearer s3cr3t", ": s3cr3t", "Bad Name: s3cr3t", "X: s3cr3t\r\nY: z"}) {
    INFO(bad);
    const auto parsed = parse({"--header", bad});
    CHECK(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains("--header #1"));
    CHECK_THAT(parsed.error, !Catch::Contains("s3cr3t"));
  }
}

TEST_CASE("header names are non-empty tokens, values hold no controls, Host is set once",
          "[options]") {
  struct Case {
    std::vector<std::string> args;
    const char *expected;
  };
  const std::vector<Case> cases = {
      {{"--header", " : s3cr3t"}, "--header #1 has an empty header name"},
      {{"--header", "X: s3cr3t\x1b[2J"}, "--header #1 has a control character (byte 27)"},
      {{"--header", "X: s3cr3t\x7f"}, "--header #1 has a control character (byte 127)"},
      {{"--header", "X: s3cr3t\vmore"}, "--header #1 has a control character (byte 11)"},
      {{"--header", "X: s3cr3t\nY: z"}, "--header #1 has a control character (byte 10)"},
      {{"--header", "A: 1", "--header", "Host: s3cr3t", "--header", "host: s3cr3t.example"},
       "--header #3 sets Host a second time"},
  };
  for (const auto &c : cases) {
    INFO(c.expected);
    const auto parsed = parse(c.args);
    CHECK(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains(c.expected));
    CHECK_THAT(parsed.error, !Catch::Contains("s3cr3t"));
  }
  // A tab is whitespace a value may hold; one Host replaces the default; UTF-8 is obs-text.
  const auto ok = parse({"--header", "X-A: a\tb", "--header", "Host: example.internal", "--header",
                         "X-B: caf\xc3\xa9"});
  REQUIRE(ok.command == Command::Check);
  CHECK(ok.options.headers.size() == 3);
}

TEST_CASE("usage errors point at an argument by position, never echo its text", "[options]") {
  const std::string token = "Authorization: Bearer eyJhbGciOi.s3cr3t";
  struct Case {
    std::vector<std::string> args;
    const char *expected;
  };
  const std::vector<Case> cases = {
      // A second header whose --header was forgotten: the token is a stray argument.
      {{"--header", "X-Request: 1", token},
       "unexpected argument #3 (its text is not shown: it may hold a secret); it comes right "
       "after the value of --header"},
      {{"-q", "--header=X-Request: 1", token}, "after the value of --header"},
      {{"--header:" + token}, "argument #1 starts with --header but is not --header=VALUE"},
      {{"--no-http", "--Authorization=Bearer s3cr3t"}, "argument #2 is not an option"},
      {{"--no-http", "s3cr3t"}, "unexpected argument #2"},
      {{"--no-http", "-s3cr3t"}, "unexpected argument #2"},
  };
  for (const auto &c : cases) {
    INFO(c.expected);
    const auto parsed = parse(c.args);
    CHECK(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains(c.expected));
    CHECK_THAT(parsed.error, !Catch::Contains("s3cr3t") && !Catch::Contains("Bearer"));
  }
  // A word made only of option characters is a typo worth showing.
  CHECK_THAT(parse({"--timout", "2s"}).error, Catch::Contains("unknown option '--timout'"));
  const auto with_value = parse({"--authorization=Bearer s3cr3t"});
  CHECK_THAT(with_value.error, Catch::Contains("unknown option '--authorization' at argument #1") &&
                                   !Catch::Contains("s3cr3t"));
  // A stray argument after a flag without a value gets no guess about a value.
  CHECK_THAT(parse({"-q", "s3cr3t"}).error, !Catch::Contains("after the value"));
}

TEST_CASE("bad values are usage errors that name the flag or variable and the value", "[options]") {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    const char *expected;
  };
  const std::vector<Case> cases = {
      {{"--timeout", "soon"}, {}, "--timeout='soon'"},
      {{}, {{"HEALTHPROBE_TIMEOUT", "0"}}, "HEALTHPROBE_TIMEOUT='0'"},
      {{"--expect-status", "2xx"}, {}, "--expect-status='2xx'"},
      {{}, {{"HEALTHPROBE_MIN_FREE", "10MB"}}, "HEALTHPROBE_MIN_FREE='10MB'"},
      {{"--format", "yaml"}, {}, "--format='yaml'"},
      {{"--writable", "tmp"}, {}, "--writable='tmp'"},
      {{}, {{"HEALTHPROBE_WRITABLE", "/tmp::/x"}}, "HEALTHPROBE_WRITABLE=''"},
      {{"--url", "https://127.0.0.1/"}, {}, "https is not supported"},
      {{}, {{"HEALTHPROBE_URL", "nope"}}, "HEALTHPROBE_URL is not a usable URL"},
      {{"--require", "a,,b", "--venv", "/v"}, {}, "empty distribution name"},
      {{"--frobnicate"}, {}, "unknown option '--frobnicate'"},
      {{"--timeout"}, {}, "--timeout needs a value"},
      {{"extra"}, {}, "unexpected argument #1"},
      {{"-q", "-v"}, {}, "--quiet and --verbose"},
  };
  for (const auto &c : cases) {
    INFO(c.expected);
    const auto parsed = parse(c.args, c.env);
    CHECK(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains(c.expected));
  }
}

TEST_CASE("numbers out of range are usage errors naming the setting, never exceptions",
          "[options]") {
  const std::string digits(400, '9');
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    const char *expected;
  };
  const std::vector<Case> cases = {
      {{"--timeout", digits}, {}, "--timeout='999"},
      {{}, {{"HEALTHPROBE_TIMEOUT", digits + "ms"}}, "HEALTHPROBE_TIMEOUT='999"},
      {{}, {{"HEALTHPROBE_TIMEOUT", "0." + std::string(320, '0') + "1"}}, "HEALTHPROBE_TIMEOUT="},
      {{"--min-free", digits}, {}, "--min-free='999"},
      {{}, {{"HEALTHPROBE_MIN_FREE", "17179869184GiB"}}, "HEALTHPROBE_MIN_FREE='17179869184GiB'"},
      {{"--expect-status", digits}, {}, "--expect-status='999"},
      {{}, {{"PORT", digits}}, "PORT='999"},
      {{"--url", "http://127.0.0.1:" + digits + "/"}, {}, "--url is not a usable URL: port"},
  };
  for (const auto &c : cases) {
    INFO(c.expected);
    healthprobe::ParsedCommand parsed;
    CHECK_NOTHROW(parsed = parse(c.args, c.env));
    CHECK(parsed.command == Command::UsageError);
    CHECK_THAT(parsed.error, Catch::Contains(c.expected));
    CHECK(parsed.error.size() < 300);  // the value is echoed cut short, not in full
  }
}

TEST_CASE("a URL with credentials is refused without echoing them", "[options]") {
  const auto parsed = parse({"--url", "http://admin:hunter2@127.0.0.1/health"});
  CHECK(parsed.command == Command::UsageError);
  CHECK_THAT(parsed.error, !Catch::Contains("hunter2"));
}

TEST_CASE("--help and --version win over everything else", "[options]") {
  CHECK(parse({"--bogus", "--help"}).command == Command::UsageError);  // parsed left to right
  CHECK(parse({"--help", "--bogus"}).command == Command::Help);
  CHECK(parse({"--version"}).command == Command::Version);
  CHECK_THAT(healthprobe::usage_text(), Catch::Contains("64"));
}

TEST_CASE("--log-to, --log-format and --state-dir: off by default, none turns the log off",
          "[options]") {
  const auto defaults = parse({});
  CHECK_FALSE(defaults.options.log_to);
  CHECK(defaults.options.log_format == Format::Text);
  CHECK_FALSE(defaults.options.state_dir);

  const auto from_env = parse({}, {{"HEALTHPROBE_LOG_TO", "/proc/1/fd/1"},
                                   {"HEALTHPROBE_LOG_FORMAT", "json"},
                                   {"HEALTHPROBE_STATE_DIR", "/run/probe"}});
  REQUIRE(from_env.command == Command::Check);
  CHECK(from_env.options.log_to == std::optional<std::string>("/proc/1/fd/1"));
  CHECK(from_env.options.log_format == Format::Json);
  CHECK(from_env.options.state_dir == std::optional<std::string>("/run/probe"));

  const auto off = parse({"--log-to", "none"}, {{"HEALTHPROBE_LOG_TO", "/proc/1/fd/1"}});
  CHECK_FALSE(off.options.log_to);
  CHECK_FALSE(parse({}, {{"HEALTHPROBE_LOG_TO", ""}}).options.log_to);

  for (const auto &[args, needle] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--log-to", "fd/1"}, "--log-to='fd/1' must be an absolute path"},
           {{"--log-format", "xml"}, "--log-format='xml' must be text or json"},
           {{"--state-dir", "shm"}, "--state-dir='shm' must be an absolute path"}}) {
    const auto bad = parse(args);
    CHECK(bad.command == Command::UsageError);
    CHECK_THAT(bad.error, Catch::Contains(needle));
  }
}
