#include "healthprobe/parsing/url.h"

#include <arpa/inet.h>

#include <array>

#include "healthprobe/core/text.h"

namespace healthprobe {

std::optional<int> parse_port(std::string_view text) {
  return parse_int_in_range(text, 1, 65535);
}

std::optional<Url> parse_url(std::string_view text, UrlError &error) {
  constexpr std::string_view kScheme = "http://";
  if (to_lower(text.substr(0, kScheme.size())) != kScheme) {
    error.message =
        to_lower(text.substr(0, 8)) == "https://"
            ? "https is not supported: the probe talks plain HTTP to a server in its own "
              "container (use http://)"
            : "must start with http://";
    return std::nullopt;
  }
  text.remove_prefix(kScheme.size());
  const auto fragment = text.find('#');
  text = text.substr(0, fragment);
  const auto path_start = text.find_first_of("/?");
  std::string_view authority = text.substr(0, path_start);
  Url url;
  url.target = path_start == std::string_view::npos ? "/" : std::string(text.substr(path_start));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    error.message =
        "credentials in the URL are not supported (they would show in process lists); "
        "use --header 'Authorization: ...'";
    return std::nullopt;
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error.message = "IPv6 address is missing its closing ']'";
      return std::nullopt;
    }
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error.message = "unexpected text after the IPv6 address";
        return std::nullopt;
      }
      port_text = rest.substr(1);
      if (port_text.empty()) port_text = "x";  // "[::1]:" is a typo, not port 80
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) port_text = "x";
    }
  }
  if (url.host.empty()) {
    error.message = "has no host";
    return std::nullopt;
  }
  // Only addresses: a static glibc resolves names by loading the container's NSS modules, which
  // may belong to another glibc. "localhost" is the one name, mapped without NSS.
  std::array<unsigned char, 16> address{};
  if (to_lower(url.host) != "localhost" &&
      inet_pton(AF_INET, url.host.c_str(), address.data()) != 1 &&
      inet_pton(AF_INET6, url.host.c_str(), address.data()) != 1) {
    error.message = "host must be an IP address or localhost (the static probe resolves no names)";
    return std::nullopt;
  }
  if (!port_text.empty()) {
    const auto port = parse_port(port_text);
    if (!port) {
      error.message = "port must be a number from 1 to 65535";
      return std::nullopt;
    }
    url.port = *port;
  }
  // A URL is ASCII (RFC 3986): anything else is percent-encoded. That also keeps the target,
  // printed in reports and the -v log, free of C1 controls and bytes that are not UTF-8.
  for (char c : url.target) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      error.message =
          "path contains spaces, control characters or non-ASCII bytes (percent-encode them)";
      return std::nullopt;
    }
  }
  return url;
}

std::vector<std::string> Url::connect_addresses() const {
  if (to_lower(host) == "localhost") return {"127.0.0.1", "::1"};
  return {host};
}

std::string bracketed(const std::string &host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string Url::authority() const {
  std::string out = bracketed(host);
  if (port != 80) out += ":" + std::to_string(port);
  return out;
}

std::string Url::redacted() const {
  const auto query = target.find('?');
  const std::string path = query == std::string::npos ? target : target.substr(0, query) + "?...";
  return "http://" + bracketed(host) + ":" + std::to_string(port) + path;
}

}  // namespace healthprobe
