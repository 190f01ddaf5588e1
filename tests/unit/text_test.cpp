#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "healthprobe/core/text.h"

using healthprobe::printable;
using healthprobe::split;

TEST_CASE("printable escapes C0 controls and DEL as bytes, and cuts at a UTF-8 boundary",
          "[text]") {
  CHECK(printable("a\nb\x1b[31m\t\x7f", 100) == "a\\x0ab\\x1b[31m\\x09\\x7f");
  CHECK(printable("abcdefghij", 6) == "abc...");
  // "é" is two bytes: a cut inside it backs up to before it.
  const std::string cut = printable("abcdé-rest-of-it", 8);
  CHECK(cut == "abcd...");
  CHECK(printable("ok: é, ü, 日本, 😀", 100) == "ok: é, ü, 日本, 😀");  // text stays text
}

TEST_CASE("printable escapes C1 and bidi controls as code points", "[text]") {
  // U+009B is CSI: "\u009b31m" would turn a terminal red like ESC [ does.
  CHECK(printable("\xc2\x9b"
                  "31m \xc2\x80 \xc2\x9f \xc2\xa0",
                  100) == "\\u009b31m \\u0080 \\u009f \xc2\xa0");
  // Overrides, embeddings, isolates and marks: the "Trojan Source" set (Bidi_Control).
  CHECK(printable("a\u202eb\u202ac\u2066d\u2069e\u200ef\u200fg\u061ch", 200) ==
        "a\\u202eb\\u202ac\\u2066d\\u2069e\\u200ef\\u200fg\\u061ch");
  CHECK(printable("\u2065\u202f", 100) == "\u2065\u202f");  // neighbours are not controls
}

TEST_CASE("printable shows every byte that is not UTF-8 as \\xHH", "[text]") {
  CHECK(printable("a\xff\xfe", 100) == "a\\xff\\xfe");
  CHECK(printable("\x9b"
                  "31m",
                  100) == "\\x9b31m");                         // a lone C1 byte (8-bit CSI)
  CHECK(printable("\xc0\xaf", 100) == "\\xc0\\xaf");           // overlong '/'
  CHECK(printable("\xe0\x80\xaf", 100) == "\\xe0\\x80\\xaf");  // overlong, three bytes
  CHECK(printable("\xed\xa0\x80", 100) == "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  CHECK(printable("\xf4\x90\x80\x80", 100) == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  CHECK(printable("\xe2\x80", 100) == "\\xe2\\x80");                    // cut short
  CHECK(printable("\xe2\x80x", 100) == "\\xe2\\x80x");
}

TEST_CASE("printable never splits an escape, and is idempotent", "[text]") {
  // "ab" + "\x1b" is 6 bytes; with max 8 the budget before "..." is 5: the escape goes whole.
  CHECK(printable("ab\x1b\x1b\x1b", 8) == "ab...");
  CHECK(printable("ab\x1b", 6) == "ab\\x1b");  // fits exactly: no cut
  const std::string hostile = "x\xc2\x9b\xff\u202e\x1b]0;title\x07 \\x41 end";
  const std::string once = printable(hostile, 1000);
  CHECK(printable(once, 1000) == once);
  for (size_t limit = 0; limit < 40; ++limit) {
    const std::string cut = printable(hostile, limit);
    INFO(limit << ": " << cut);
    CHECK(cut.size() <= std::max<size_t>(limit, 3));
    CHECK(printable(cut, 1000) == cut);  // only whole escapes survive a cut
  }
}

TEST_CASE("integers in a range: digits only, bounds inclusive, no overflow", "[text]") {
  CHECK(healthprobe::parse_int_in_range("8080", 1, 65535) == 8080);
  CHECK(healthprobe::parse_int_in_range("1", 1, 65535) == 1);
  CHECK(healthprobe::parse_int_in_range("65535", 1, 65535) == 65535);
  for (const char *bad :
       {"", "0", "65536", "-1", "+1", " 1", "1 ", "1e3", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(healthprobe::parse_int_in_range(bad, 1, 65535).has_value());
  }
}

TEST_CASE("split keeps empty items between separators", "[text]") {
  CHECK(split("", ':').empty());
  CHECK(split("a::b", ':') == std::vector<std::string_view>{"a", "", "b"});
  CHECK(split("/tmp", ':') == std::vector<std::string_view>{"/tmp"});
}

TEST_CASE("an HTTP token: letters, digits and RFC 9110's punctuation, at least one", "[text]") {
  CHECK(healthprobe::is_http_token("X-Request-Id"));
  CHECK(healthprobe::is_http_token("!#$%&'*+-.^_`|~09azAZ"));
  for (const char *bad : {"", "Bad Name", "a:b", "a\tb", "caf\xc3\xa9", "(x)", "a/b"}) {
    INFO(bad);
    CHECK_FALSE(healthprobe::is_http_token(bad));
  }
}

TEST_CASE("printable cuts where a byte-by-byte rendering would, plain ASCII runs and all",
          "[text]") {
  // The definition: the rendering of the whole text if it fits in max_bytes; else its longest
  // prefix that ends between two pieces (the rendering of some prefix of the input) and fits in
  // max_bytes - 3, then "...". Checked over texts mixing plain runs, controls, UTF-8, bidi controls
  // and stray bytes, against every max_bytes up to past the whole rendering.
  const std::vector<std::string> parts{
      "a",        "bc",           "hello world ",     "\n",           "\x1b",     "\x7f",
      "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\xe2\x80\xae", "\xc2\x9b", "\xff",
      "\xe6"};
  std::uint32_t seed = 12345;
  const auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
  };
  constexpr size_t kHuge = size_t{1} << 20;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int count = static_cast<int>(next() % 12);
    for (int i = 0; i < count; ++i) text += parts[next() % parts.size()];
    const std::string whole = printable(text, kHuge);
    std::vector<size_t> boundaries;
    for (size_t i = 0; i <= text.size(); ++i) {
      const std::string head = printable(std::string_view(text).substr(0, i), kHuge);
      if (whole.compare(0, head.size(), head) == 0) boundaries.push_back(head.size());
    }
    for (size_t max_bytes = 0; max_bytes <= whole.size() + 2; ++max_bytes) {
      std::string expected = whole;
      if (whole.size() > max_bytes) {
        const size_t budget = max_bytes >= 3 ? max_bytes - 3 : 0;
        size_t cut = 0;
        for (const size_t boundary : boundaries)
          if (boundary <= budget) cut = std::max(cut, boundary);
        expected = whole.substr(0, cut) + "...";
      }
      INFO("text of " << text.size() << " bytes, max_bytes " << max_bytes);
      REQUIRE(printable(text, max_bytes) == expected);
    }
  }
}
