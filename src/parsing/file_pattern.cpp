#include "healthprobe/parsing/file_pattern.h"

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

constexpr size_t kMaxNameBytes = 255;   // NAME_MAX: no file name is longer
constexpr size_t kMaxPathBytes = 4095;  // PATH_MAX less its NUL

bool is_syntax(char c) {
  return c == '*' || c == '?' || c == '[' || c == '\\';
}

// The end of the bracket expression opening at pattern[open] ('['), or npos when it is unclosed.
size_t bracket_end(std::string_view pattern, size_t open) {
  size_t i = open + 1;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) ++i;
  if (i < pattern.size() && pattern[i] == ']') ++i;  // a leading ']' is a member
  while (i < pattern.size() && pattern[i] != ']') {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    ++i;
  }
  return i < pattern.size() ? i : std::string_view::npos;
}

// One member of a bracket expression at pattern[i], '\\' quoting; i moves past it.
unsigned char bracket_member(std::string_view pattern, size_t close, size_t &i) {
  if (pattern[i] == '\\' && i + 1 < close) ++i;
  return static_cast<unsigned char>(pattern[i++]);
}

bool in_bracket(std::string_view pattern, size_t open, size_t close, unsigned char c) {
  size_t i = open + 1;
  const bool negated = pattern[i] == '!' || pattern[i] == '^';
  if (negated) ++i;
  bool found = false;
  while (i < close) {
    const unsigned char low = bracket_member(pattern, close, i);
    unsigned char high = low;
    // "a-z"; a '-' last is a member of its own.
    if (i + 1 < close && pattern[i] == '-') {
      ++i;
      high = bracket_member(pattern, close, i);
    }
    if (c >= low && c <= high) found = true;
  }
  return found != negated;
}

// Whether the pattern's token at p matches byte c; next is set to the token's end.
bool token_matches(std::string_view pattern, size_t p, char c, size_t &next) {
  const char token = pattern[p];
  if (token == '?') {
    next = p + 1;
    return true;
  }
  if (token == '\\' && p + 1 < pattern.size()) {
    next = p + 2;
    return pattern[p + 1] == c;
  }
  if (token == '[') {
    const size_t close = bracket_end(pattern, p);
    if (close != std::string_view::npos) {
      next = close + 1;
      return in_bracket(pattern, p, close, static_cast<unsigned char>(c));
    }
  }
  next = p + 1;
  return token == c;
}

}  // namespace

bool has_wildcard(std::string_view name) {
  for (const char c : name)
    if (is_syntax(c)) return true;
  return false;
}

bool file_name_matches(std::string_view pattern, std::string_view name) {
  if (!name.empty() && name.front() == '.') {
    const bool leading_dot = (!pattern.empty() && pattern.front() == '.') ||
                             (pattern.size() > 1 && pattern[0] == '\\' && pattern[1] == '.');
    if (!leading_dot) return false;
  }
  // Greedy with one backtrack point, the last '*': each star only ever moves forward, so the work
  // is bounded by pattern length times name length.
  size_t p = 0;
  size_t n = 0;
  size_t star_p = std::string_view::npos;
  size_t star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_n = n;
      continue;
    }
    size_t next = 0;
    if (p < pattern.size() && token_matches(pattern, p, name[n], next)) {
      p = next;
      ++n;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<FilePattern> parse_file_pattern(std::string_view text, std::string &why) {
  if (text.empty()) {
    why = "is empty";
    return std::nullopt;
  }
  if (text.front() != '/') {
    why = "must be an absolute path";
    return std::nullopt;
  }
  if (text.size() > kMaxPathBytes) {
    why = "is longer than a path can be";
    return std::nullopt;
  }
  if (text.find('\0') != std::string_view::npos) {
    why = "holds a NUL byte";
    return std::nullopt;
  }
  if (text.back() == '/') {
    why = "ends in '/': it must name a file";
    return std::nullopt;
  }
  const auto components = split(text.substr(1), '/');
  for (size_t i = 0; i < components.size(); ++i) {
    const auto component = components[i];
    if (component.empty()) {
      why = "has an empty component ('//')";
      return std::nullopt;
    }
    if (component == "." || component == "..") {
      why = "has a '.' or '..' component: give the plain path";
      return std::nullopt;
    }
    if (i + 1 < components.size() && has_wildcard(component)) {
      why = "has a wildcard in a directory: only the file name may hold one";
      return std::nullopt;
    }
  }
  const auto name = components.back();
  if (name.size() > kMaxNameBytes) {
    why = "has a file name over 255 bytes";
    return std::nullopt;
  }
  FilePattern pattern;
  pattern.text = std::string(text);
  const size_t slash = text.rfind('/');
  pattern.directory = slash == 0 ? "/" : std::string(text.substr(0, slash));
  pattern.name = std::string(name);
  pattern.is_glob = has_wildcard(name);
  return pattern;
}

}  // namespace healthprobe
