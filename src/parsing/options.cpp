#include "healthprobe/parsing/options.h"

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "healthprobe/core/text.h"
#include "healthprobe/parsing/byte_size.h"
#include "healthprobe/parsing/duration.h"

namespace healthprobe {
namespace {

constexpr int kDefaultPort = 8080;

// What the user wrote for one setting, and where: a flag or an environment variable.
struct Setting {
  std::string value;
  std::string source;  // "--timeout" or "HEALTHPROBE_TIMEOUT", for error messages
};

class UsageError {
 public:
  explicit UsageError(std::string message) : message_(std::move(message)) {}
  const std::string &message() const { return message_; }

 private:
  std::string message_;
};

std::string bad_value(const Setting &setting, const std::string &why) {
  return setting.source + "='" + printable(setting.value, 80) + "' " + why;
}

// "argument #3": usage errors point at an argument by position. Its text may be a secret (a
// header value whose --header went missing), and Docker keeps the message in its health log.
std::string argument_at(size_t index) {
  return "argument #" + std::to_string(index + 1);
}

// A word made of option characters only (--colour) cannot be a token or a header: safe to echo.
bool is_option_shaped(const std::string &arg) {
  constexpr size_t kLongestEchoed = 32;
  if (arg.size() < 3 || arg.size() > kLongestEchoed) return false;
  for (size_t i = 2; i < arg.size(); ++i) {
    const char c = arg[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// The flags that take a value, with their variables (empty: flag only). A fixed table, not a map:
// building a map of strings was a measurable part of every run's start (bench/STARTUP.md).
struct ValuedFlag {
  std::string_view flag;
  std::string_view variable;
};
constexpr std::array<ValuedFlag, 15> kValuedFlags{{
    {"--url", "HEALTHPROBE_URL"},
    {"--timeout", "HEALTHPROBE_TIMEOUT"},
    {"--expect-status", "HEALTHPROBE_EXPECT_STATUS"},
    {"--header", ""},
    {"--venv", "HEALTHPROBE_VENV"},
    {"--require", "HEALTHPROBE_REQUIRE"},
    {"--writable", "HEALTHPROBE_WRITABLE"},
    {"--min-free", "HEALTHPROBE_MIN_FREE"},
    {"--format", "HEALTHPROBE_FORMAT"},
    {"--log-to", "HEALTHPROBE_LOG_TO"},
    {"--log-format", "HEALTHPROBE_LOG_FORMAT"},
    {"--state-dir", "HEALTHPROBE_STATE_DIR"},
    {"--heartbeat", "HEALTHPROBE_HEARTBEAT"},
    {"--heartbeat-max-age", "HEALTHPROBE_HEARTBEAT_MAX_AGE"},
    {"--heartbeat-min", "HEALTHPROBE_HEARTBEAT_MIN"},
}};

// The flag's variable ("" for a flag without one), or nothing if it is not a valued flag.
std::optional<std::string_view> variable_of(std::string_view flag) {
  for (const auto &valued : kValuedFlags)
    if (valued.flag == flag) return valued.variable;
  return std::nullopt;
}

// Collects the raw settings: every flag occurrence, else the variable's value.
class RawSettings {
 public:
  void add_flag(const std::string &flag, std::string value) {
    flags_[flag].push_back({std::move(value), flag});
  }

  // All flag values, or the variable's (split on sep when given), or nothing.
  std::vector<Setting> values(const std::string &flag, const Environment &env,
                              char sep = '\0') const {
    const auto found = flags_.find(flag);
    if (found != flags_.end()) return found->second;
    const std::string variable(variable_of(flag).value());
    std::vector<Setting> out;
    if (variable.empty()) return out;
    if (auto value = env.get(variable)) {
      if (sep == '\0') {
        out.push_back({*value, variable});
      } else {
        for (auto item : split(*value, sep)) out.push_back({std::string(item), variable});
      }
    }
    return out;
  }

  bool has_flag(const std::string &flag) const { return flags_.count(flag) != 0; }

  // The last flag wins over earlier ones, as with most CLIs; a flag beats the variable.
  std::optional<Setting> last(const std::string &flag, const Environment &env) const {
    // values(flag, env).back(), without copying every occurrence first: a run asks this a dozen
    // times. A flag's list is never empty (add_flag creates it with its first value).
    const auto found = flags_.find(flag);
    if (found != flags_.end()) return found->second.back();
    const std::string variable(variable_of(flag).value());
    if (variable.empty()) return std::nullopt;
    if (auto value = env.get(variable)) return Setting{std::move(*value), variable};
    return std::nullopt;
  }

 private:
  std::map<std::string, std::vector<Setting>> flags_;
};

// flag: arg up to its '=', if any. Only the flag is ever echoed, never what follows '='.
std::string unknown_option(const std::string &arg, const std::string &flag, size_t index) {
  if (is_option_shaped(flag)) {
    return "unknown option '" + flag + "' at " + argument_at(index) + " (see healthprobe --help)";
  }
  // "--header:Authorization: Bearer ..." : name the option it starts with, never the rest.
  for (const auto &valued : kValuedFlags) {
    const std::string known(valued.flag);
    if (arg.rfind(known, 0) == 0) {
      return argument_at(index) + " starts with " + known + " but is not " + known + "=VALUE or " +
             known + " VALUE (its text is not shown: it may hold a secret)";
    }
  }
  return argument_at(index) +
         " is not an option healthprobe knows (its text is not shown: it may hold a secret; see "
         "healthprobe --help)";
}

// after_value_of: the flag whose value the argument before this one was, if it was one.
std::string unexpected_argument(size_t index, const std::string &after_value_of) {
  std::string message =
      "unexpected " + argument_at(index) + " (its text is not shown: it may hold a secret)";
  // The usual cause: a second header without its own --header, or a value the shell split.
  if (!after_value_of.empty()) {
    message += "; it comes right after the value of " + after_value_of + ": does it need its own " +
               after_value_of + ", or quotes around both?";
  }
  return message + " (see healthprobe --help)";
}

Url default_url(const Environment &env) {
  int port = kDefaultPort;
  if (auto text = env.get("PORT")) {
    auto parsed = parse_port(*text);
    if (!parsed) {
      throw UsageError(bad_value({*text, "PORT"},
                                 "is not a port number (1-65535); set HEALTHPROBE_URL "
                                 "or --url instead"));
    }
    port = *parsed;
  }
  Url url;
  url.host = "127.0.0.1";
  url.port = port;
  url.target = "/health";
  return url;
}

Format parse_format(const Setting &setting) {
  if (setting.value == "text") return Format::Text;
  if (setting.value == "json") return Format::Json;
  throw UsageError(bad_value(setting, "must be text or json"));
}

// An absolute path, or nothing when the setting is empty or "none".
std::optional<std::string> parse_optional_path(const std::optional<Setting> &setting) {
  if (!setting || setting->value.empty() || setting->value == "none") return std::nullopt;
  if (setting->value.front() != '/')
    throw UsageError(bad_value(*setting, "must be an absolute path"));
  return setting->value;
}

std::pair<std::string, std::string> parse_header(const Setting &setting, size_t index) {
  // The value may be a secret (Authorization): errors name the header's position, never its text.
  const std::string where = setting.source + " #" + std::to_string(index + 1);
  const auto colon = setting.value.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError(where + " is not of the form 'Name: value'");
  }
  std::string name(trim(std::string_view(setting.value).substr(0, colon)));
  std::string value(trim(std::string_view(setting.value).substr(colon + 1)));
  if (name.empty()) throw UsageError(where + " has an empty header name");
  if (!is_http_token(name))
    throw UsageError(where + " has a header name with characters HTTP does not allow");
  for (char c : value) {
    // RFC 9110 field values: visible characters, spaces and tabs; CR, LF and NUL would split or
    // cut the request, and other controls are refused by servers or reach their logs.
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      throw UsageError(where + " has a control character (byte " + std::to_string(byte) +
                       ") in its value");
    }
  }
  return {name, value};
}

// The worker checks: heartbeat files and the OOM-kill count. Tuning without a heartbeat is a
// mistake only when typed as a flag: an image may set the variables for all its containers.
void build_worker_options(const RawSettings &raw, const Environment &env, bool no_oom,
                          Options &options) {
  for (const auto &item : raw.values("--heartbeat", env, ':')) {
    if (item.value == "none") continue;
    std::string why;
    auto pattern = parse_file_pattern(item.value, why);
    if (!pattern) throw UsageError(bad_value(item, why));
    options.heartbeats.push_back(std::move(*pattern));
  }
  if (auto max_age = raw.last("--heartbeat-max-age", env)) {
    auto parsed = parse_duration(max_age->value);
    if (!parsed)
      throw UsageError(bad_value(*max_age, "is not a duration from 1ms to 1h (e.g. 30s, 5m)"));
    options.heartbeat_max_age = *parsed;
  }
  if (auto min = raw.last("--heartbeat-min", env)) {
    constexpr int kMostFiles = 256;  // what a glob judges at most
    auto parsed = parse_int_in_range(min->value, 1, kMostFiles);
    if (!parsed) throw UsageError(bad_value(*min, "is not a whole number from 1 to 256"));
    options.heartbeat_min = *parsed;
  }
  if (options.heartbeats.empty()) {
    for (const char *flag : {"--heartbeat-max-age", "--heartbeat-min"}) {
      if (raw.has_flag(flag))
        throw UsageError(std::string(flag) +
                         " needs a file to judge: set --heartbeat or "
                         "HEALTHPROBE_HEARTBEAT");
    }
  } else if (options.heartbeat_min > 1) {
    bool any_glob = false;
    for (const auto &pattern : options.heartbeats) any_glob = any_glob || pattern.is_glob;
    if (!any_glob) {
      throw UsageError("--heartbeat-min (HEALTHPROBE_HEARTBEAT_MIN) is " +
                       std::to_string(options.heartbeat_min) +
                       " but every heartbeat path is one file: give a glob (e.g. "
                       "/dev/shm/worker-*.hb) for several workers");
    }
  }
  if (auto oom = env.get("HEALTHPROBE_OOM")) {
    if (*oom != "on" && *oom != "off")
      throw UsageError(bad_value({*oom, "HEALTHPROBE_OOM"}, "must be on or off"));
    options.oom = *oom == "on";
  }
  if (no_oom) options.oom = false;
}

Options build_options(const RawSettings &raw, const Environment &env, bool no_http, bool quiet,
                      bool verbose, bool no_oom) {
  Options options;
  options.quiet = quiet;
  options.verbose = verbose;
  if (quiet && verbose) throw UsageError("--quiet and --verbose contradict each other: pick one");

  if (auto timeout = raw.last("--timeout", env)) {
    auto parsed = parse_duration(timeout->value);
    if (!parsed)
      throw UsageError(
          bad_value(*timeout, "is not a duration from 1ms to 1h (e.g. 250ms, 2s, 1m, 1h)"));
    options.timeout = *parsed;
  }

  if (!no_http) {
    // "--url none" (HEALTHPROBE_URL=none) is --no-http's twin, so a worker container without an
    // HTTP server can turn the image's HTTP check off through its environment alone.
    const auto url = raw.last("--url", env);
    if (!url) {
      options.url = default_url(env);
    } else if (url->value != "none") {
      UrlError error;
      auto parsed = parse_url(url->value, error);
      // The URL itself is not echoed: it may carry credentials or a token in its query.
      if (!parsed) throw UsageError(url->source + " is not a usable URL: " + error.message);
      options.url = *parsed;
    }
  }

  if (auto expect = raw.last("--expect-status", env)) {
    auto parsed = StatusRanges::parse(expect->value);
    if (!parsed) {
      throw UsageError(bad_value(*expect,
                                 "is not a list of status codes or ranges from 100 to 599 "
                                 "(e.g. 200-299 or 200,204,300-399)"));
    }
    options.expect_status = *parsed;
  }

  const auto headers = raw.values("--header", env);
  bool has_host = false;
  for (size_t i = 0; i < headers.size(); ++i) {
    options.headers.push_back(parse_header(headers[i], i));
    if (to_lower(options.headers.back().first) != "host") continue;
    // Two Host fields make a request servers must reject (RFC 9112 section 3.2).
    if (has_host) {
      throw UsageError(headers[i].source + " #" + std::to_string(i + 1) +
                       " sets Host a second time: a request has one Host");
    }
    has_host = true;
  }

  // An absolute path or none, as for every other path setting: a relative one would be read from
  // wherever the caller's working dir happens to be.
  std::optional<Setting> venv = raw.last("--venv", env);
  if (!venv) {
    if (auto active = env.get("VIRTUAL_ENV")) venv = Setting{*active, "VIRTUAL_ENV"};
  }
  if (venv && venv->value != "none") {
    if (venv->value.empty() || venv->value.front() != '/')
      throw UsageError(bad_value(*venv, "must be an absolute path, or none"));
    options.venv = venv->value;
  }

  for (const auto &item : raw.values("--require", env)) {
    for (auto name : split(item.value, ',')) {
      name = trim(name);
      if (name.empty()) throw UsageError(bad_value(item, "has an empty distribution name"));
      options.require.emplace_back(name);
    }
  }
  if (!options.require.empty() && !options.venv) {
    // An image sets HEALTHPROBE_REQUIRE for its venv; `--venv none` by hand turns both off. Only an
    // explicit --require with nowhere to look is a mistake.
    if (raw.has_flag("--require")) {
      throw UsageError("--require needs a venv to look in: set --venv or HEALTHPROBE_VENV");
    }
    options.require.clear();
  }

  const auto writable = raw.values("--writable", env, ':');
  if (!writable.empty()) {
    options.writable.clear();
    for (const auto &dir : writable) {
      if (dir.value == "none") continue;  // "--writable none": no writable directory to test
      if (dir.value.empty() || dir.value.front() != '/') {
        throw UsageError(bad_value(dir, "must be an absolute directory path"));
      }
      options.writable.push_back(dir.value);
    }
  }

  if (auto min_free = raw.last("--min-free", env)) {
    auto parsed = parse_byte_size(min_free->value);
    if (!parsed)
      throw UsageError(bad_value(*min_free, "is not a size (bytes, or with KiB, MiB or GiB)"));
    options.min_free = *parsed;
  }

  if (auto format = raw.last("--format", env)) options.format = parse_format(*format);

  options.log_to = parse_optional_path(raw.last("--log-to", env));
  if (auto format = raw.last("--log-format", env)) options.log_format = parse_format(*format);
  options.state_dir = parse_optional_path(raw.last("--state-dir", env));
  build_worker_options(raw, env, no_oom, options);
  return options;
}

}  // namespace

ParsedCommand parse_command_line(const std::vector<std::string> &args, const Environment &env) {
  ParsedCommand parsed;
  RawSettings raw;
  bool no_http = false;
  bool quiet = false;
  bool verbose = false;
  bool no_oom = false;
  try {
    std::string previous_value_of;  // the flag that took the previous argument as its value
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string &arg = args[i];
      const std::string after_value_of = std::exchange(previous_value_of, "");
      if (arg == "--help" || arg == "-h") {
        parsed.command = Command::Help;
        return parsed;
      }
      if (arg == "--version") {
        parsed.command = Command::Version;
        return parsed;
      }
      if (i == 0 && arg == "check") continue;
      if (arg == "--no-http") {
        no_http = true;
      } else if (arg == "--no-oom") {
        no_oom = true;
      } else if (arg == "-q" || arg == "--quiet") {
        quiet = true;
      } else if (arg == "-v" || arg == "--verbose") {
        verbose = true;
      } else if (arg.rfind("--", 0) == 0) {
        const auto equals = arg.find('=');
        const std::string flag = arg.substr(0, equals);
        if (!variable_of(flag)) throw UsageError(unknown_option(arg, flag, i));
        previous_value_of = flag;
        if (equals != std::string::npos) {
          raw.add_flag(flag, arg.substr(equals + 1));
        } else if (i + 1 < args.size()) {
          raw.add_flag(flag, args[++i]);
        } else {
          throw UsageError(flag + " needs a value");
        }
      } else {
        throw UsageError(unexpected_argument(i, after_value_of));
      }
    }
    parsed.options = build_options(raw, env, no_http, quiet, verbose, no_oom);
  } catch (const UsageError &error) {
    parsed.command = Command::UsageError;
    parsed.error = error.message();
  }
  return parsed;
}

const char *usage_text() {
  return R"(healthprobe - a container health check: HTTP endpoint, Python venv, writable dirs,
worker heartbeats, OOM kills.

usage: healthprobe [check] [OPTIONS]
       healthprobe --help | --version

Runs every enabled check once within one deadline, prints a report, and exits.

  flag                  variable                   default
  --url URL|none        HEALTHPROBE_URL            http://127.0.0.1:$PORT/health (PORT: 8080)
  --timeout DUR         HEALTHPROBE_TIMEOUT        2s (deadline for the whole run)
  --expect-status LIST  HEALTHPROBE_EXPECT_STATUS  200-299 (e.g. 200,204,300-399)
  --header 'N: v'                                  extra request header, repeatable
  --venv PATH|none      HEALTHPROBE_VENV           $VIRTUAL_ENV, else no venv check
  --require N[,N]       HEALTHPROBE_REQUIRE        distributions the venv must hold
  --writable DIR|none   HEALTHPROBE_WRITABLE (:)   /tmp, repeatable
  --min-free SIZE       HEALTHPROBE_MIN_FREE       0 (bytes, KiB, MiB, GiB)
  --no-http                                        skip the HTTP check (= --url none)
  --format text|json    HEALTHPROBE_FORMAT         text
  --log-to PATH|none    HEALTHPROBE_LOG_TO         none (e.g. /proc/1/fd/1: one line per change)
  --log-format FMT      HEALTHPROBE_LOG_FORMAT     text (or json: one object per line)
  --state-dir DIR       HEALTHPROBE_STATE_DIR      /dev/shm, else the first --writable dir
  --heartbeat PATH|none HEALTHPROBE_HEARTBEAT (:)  a file a worker touches each loop, repeatable;
                                                   a glob in its name: one file per process
  --heartbeat-max-age DUR  HEALTHPROBE_HEARTBEAT_MAX_AGE  60s (older is stale)
  --heartbeat-min N     HEALTHPROBE_HEARTBEAT_MIN  1 (fresh files each glob must match)
  --no-oom              HEALTHPROBE_OOM=off        skip the memory cgroup's OOM-kill count
  -q, --quiet                                      print nothing
  -v, --verbose                                    debug log on stderr

DUR: 250ms, 2s, 1m, 1h or bare seconds, at most 1h. A flag beats its variable.

exit codes:
  0   healthy (every check passed or warned)
  1   unhealthy (a check failed, or the deadline passed)
  64  bad usage or configuration (the message names the flag or variable)
)";
}

}  // namespace healthprobe
