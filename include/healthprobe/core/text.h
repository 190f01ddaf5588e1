#pragma once
// Small string helpers shared by the parsers.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthprobe {

std::string_view trim(std::string_view text);
// Splits on sep; an empty text gives no items, empty items in between are kept.
std::vector<std::string_view> split(std::string_view text, char sep);
std::string to_lower(std::string_view text);
// The items with separator between them ("a, b").
std::string join(const std::vector<std::string> &items, const char *separator);

// An RFC 9110 token (section 5.6.2), what a header field name is: one or more letters, digits or
// !#$%&'*+-.^_`|~.
bool is_http_token(std::string_view text);

// "1 check", "2 checks": a count with its noun in the right number.
std::string counted(size_t count, std::string_view one, std::string_view many);

// A decimal number made of digits only (no sign, no spaces) within [min, max]; nullopt otherwise.
std::optional<int> parse_int_in_range(std::string_view text, int min, int max);

// Makes outside text (server, file names, environment) safe for a terminal and one line. What a
// terminal would act on is shown escaped: C0 controls and DEL as \x1b, bytes that are not UTF-8
// as \xff, C1 controls (U+0080-U+009F) and bidi controls (U+061C, U+200E/F, U+202A-E,
// U+2066-9) as \u009b. Backslash itself is kept, so printable(printable(t)) == printable(t).
// Anything past max_bytes is cut between characters or escapes and marked with "...".
std::string printable(std::string_view text, size_t max_bytes);

}  // namespace healthprobe
