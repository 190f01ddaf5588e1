#include "healthprobe/core/text.h"

#include <algorithm>
#include <cctype>

namespace healthprobe {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> items;
  if (text.empty()) return items;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    items.push_back(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return items;
}

std::string join(const std::vector<std::string> &items, const char *separator) {
  std::string out;
  for (const auto &item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_http_token(std::string_view text) {
  static constexpr std::string_view kPunctuation = "!#$%&'*+-.^_`|~";
  if (text.empty()) return false;
  for (const char c : text) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && kPunctuation.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string counted(size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

std::optional<int> parse_int_in_range(std::string_view text, int min, int max) {
  if (text.empty() || text.size() > 9) return std::nullopt;  // 9 digits cannot overflow an int
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

namespace {

// Unicode's Bidi_Control characters: marks, embeddings, overrides and isolates. They reorder what
// a terminal shows ("Trojan Source"), so a report never passes them through.
bool is_bidi_control(char32_t code_point) {
  return code_point == 0x061C || code_point == 0x200E || code_point == 0x200F ||
         (code_point >= 0x202A && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence at the front of text (RFC 3629: no overlong forms,
// no surrogates, nothing past U+10FFFF), with its code point; 0 when it is not one.
size_t utf8_sequence(std::string_view text, char32_t &code_point) {
  const auto byte = [&text](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  size_t length = 0;
  unsigned char low = 0x80;  // the range the second byte must fall in
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0Fu;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07u;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 1; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3Fu);
  }
  return length;
}

std::string hex_escape(const char *prefix, unsigned value, int digits) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out(prefix);
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out.push_back(kHex[(value >> shift) & 0xFu]);
  return out;
}

}  // namespace

std::string printable(std::string_view text, size_t max_bytes) {
  const size_t budget = max_bytes >= 3 ? max_bytes - 3 : 0;  // room left for "..." after a cut
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  size_t cut = std::string::npos;  // where "..." goes if the text turns out too long
  std::string piece;
  while (!text.empty()) {
    // A run of plain printable ASCII (almost every byte of a report) goes in at once, exactly as
    // its bytes one at a time would: the same cut, and no more than one byte past max_bytes.
    size_t run = 0;
    while (run < text.size() && text[run] >= 0x20 && text[run] < 0x7f) ++run;
    if (run > 0) {
      const size_t left = max_bytes - out.size();  // out.size() <= max_bytes at the loop's top
      if (run > left) run = left + 1;
      if (cut == std::string::npos && out.size() + run > budget) cut = std::max(out.size(), budget);
      out.append(text.data(), run);
      text.remove_prefix(run);
      if (out.size() > max_bytes) break;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text.front());
    size_t used = 1;
    if (byte < 0x20 || byte == 0x7f) {
      piece = hex_escape("\\x", byte, 2);
    } else if (byte < 0x80) {
      piece.assign(1, text.front());
    } else {
      char32_t code_point = 0;
      used = utf8_sequence(text, code_point);
      if (used == 0) {
        used = 1;
        piece = hex_escape("\\x", byte, 2);  // not UTF-8: the raw byte, shown as a byte
      } else if (code_point <= 0x9F || is_bidi_control(code_point)) {
        piece = hex_escape("\\u", code_point, 4);  // a C1 control or a bidi control
      } else {
        piece.assign(text.substr(0, used));
      }
    }
    text.remove_prefix(used);
    // Escapes and UTF-8 sequences are never split: the cut falls between pieces.
    if (cut == std::string::npos && out.size() + piece.size() > budget) cut = out.size();
    out += piece;
    if (out.size() > max_bytes) break;
  }
  if (out.size() <= max_bytes) return out;
  out.resize(cut);
  out += "...";
  return out;
}

}  // namespace healthprobe
