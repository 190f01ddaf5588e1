// parse_command_line with fuzzed arguments and environment: never throws; it
// returns help, version, a usage error naming the problem in one short printable line, or
// options that are all within their documented ranges.
// Input: NUL-separated fields; a field starting with \x01 is an environment entry NAME=VALUE,
// every other field is an argument.
#include <exception>
#include <map>

#include "fuzz_support.h"
#include "healthprobe/parsing/options.h"

namespace {

// A header value may be a secret (Authorization): no usage error may carry one, wherever the
// argument ended up (a forgotten --header makes the token a stray argument). Differential, so text
// the message holds anyway (its own words, another setting's echoed value) is not mistaken for an
// echo: an error that contains a value must lose it when only that argument is blanked out.
bool echoes_a_header_value(const std::vector<std::string> &args,
                           const healthprobe::Environment &env, const std::string &error) {
  for (size_t i = 1; i < args.size(); ++i) {
    const bool header_value = args[i - 1] == "--header";
    // `--header 'X: 1' 'Auth: …'`; an option there is a word the user typed as one, which an
    // error may name when it is made of lower-case letters, digits and dashes only.
    const bool after_one = i >= 2 && args[i - 2] == "--header" && args[i].rfind('-', 0) != 0;
    if (!header_value && !after_one) continue;
    const auto colon = args[i].find(':');
    const size_t start = colon == std::string::npos ? 0 : colon + 1;
    const std::string value = args[i].substr(start);
    if (value.size() < 12 || error.find(value) == std::string::npos) continue;
    auto blanked = args;
    blanked[i].replace(start, std::string::npos, value.size(), 'Z');
    const auto again = healthprobe::parse_command_line(blanked, env);
    if (again.error.find(value) == std::string::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  std::vector<std::string> args;
  std::map<std::string, std::string> variables;
  for (auto &field : fuzz::split_fields(fuzz::as_text(data, size))) {
    if (!field.empty() && field.front() == '\x01') {
      const auto equals = field.find('=');
      if (equals == std::string::npos) continue;
      variables[field.substr(1, equals - 1)] = field.substr(equals + 1);
    } else {
      args.push_back(std::move(field));
    }
  }
  const Environment env(variables);
  ParsedCommand parsed;
  try {
    parsed = parse_command_line(args, env);
  } catch (const std::exception &error) {
    std::fprintf(stderr, "parse_command_line threw: %s\n", error.what());
    FUZZ_CHECK(false, "parse_command_line threw");
  }
  switch (parsed.command) {
    case Command::Help:
    case Command::Version:
      return 0;
    case Command::UsageError:
      FUZZ_CHECK(!parsed.error.empty(), "usage error without a message");
      FUZZ_CHECK(parsed.error.size() <= 512, "usage error longer than 512 bytes");
      FUZZ_CHECK(!echoes_a_header_value(args, env, parsed.error),
                 "usage error echoes a header value");
      FUZZ_CHECK(!fuzz::has_raw_control_bytes(parsed.error) &&
                     parsed.error.find('\n') == std::string::npos,
                 "usage error is not one printable line");
      return 0;
    case Command::Check:
      break;
  }
  const Options &options = parsed.options;
  FUZZ_CHECK(options.timeout.count() >= 1 && options.timeout.count() <= 3600 * 1000,
             "timeout outside (0, 1h]");
  if (options.url) {
    FUZZ_CHECK(options.url->port >= 1 && options.url->port <= 65535, "port outside 1-65535");
    FUZZ_CHECK(!options.url->host.empty(), "URL without a host");
  }
  for (const auto &dir : options.writable) {
    FUZZ_CHECK(!dir.empty() && dir.front() == '/', "writable dir is not absolute");
  }
  for (const auto &name : options.require) FUZZ_CHECK(!name.empty(), "empty required name");
  for (const auto &[name, value] : options.headers) {
    FUZZ_CHECK(value.find('\n') == std::string::npos && value.find('\r') == std::string::npos,
               "header value with a line break");
    FUZZ_CHECK(name.find_first_of(":\r\n") == std::string::npos, "header name with : or CR/LF");
  }
  FUZZ_CHECK(!(options.quiet && options.verbose), "quiet and verbose together");
  FUZZ_CHECK(options.require.empty() || options.venv.has_value(), "--require without a venv");
  FUZZ_CHECK(!options.venv || (!options.venv->empty() && options.venv->front() == '/'),
             "venv is not absolute");
  return 0;
}
