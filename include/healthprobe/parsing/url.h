#pragma once
// The probe's target: a plain-HTTP URL, parsed once and validated before any check runs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthprobe {

struct Url {
  std::string host;  // as written, without brackets ("localhost", "127.0.0.1", "::1")
  int port = 80;
  std::string target;  // path and query sent in the request line, "/" at least

  // Addresses to connect to, in order. "localhost" is 127.0.0.1 then ::1 without asking NSS
  // (a static glibc cannot load NSS modules, and servers listen on either family).
  std::vector<std::string> connect_addresses() const;
  // "host:port" for the Host header (brackets around IPv6 literals).
  std::string authority() const;
  // For reports: the query string is replaced by "?..." since it may carry tokens.
  std::string redacted() const;
};

// A host as a URL or a message writes it: an IPv6 literal in brackets ("[::1]"), any other as is.
std::string bracketed(const std::string &host);

struct UrlError {
  std::string message;  // never contains the URL's userinfo
};

// A TCP port, 1-65535, digits only.
std::optional<int> parse_port(std::string_view text);

// Accepts http://host[:port][/path][?query]; rejects other schemes and credentials in the URL.
std::optional<Url> parse_url(std::string_view text, UrlError &error);

}  // namespace healthprobe
