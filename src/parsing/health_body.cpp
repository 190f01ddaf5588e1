#include "healthprobe/parsing/health_body.h"

#include <array>
#include <bitset>

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

// Nesting the reader follows exactly. A container deeper than this is skipped as one opaque value,
// its brackets counted but not matched: the reader's state stays fixed however deep a body nests,
// and a "status" after such a value is still found.
constexpr size_t kMaxDepth = 64;
// Of each field kept, the first this many bytes: far more than any report shows.
constexpr size_t kKeptBytes = 1024;
// Of a status that is not a string, the first this many bytes are rendered for its message.
constexpr size_t kRenderedBytes = 64;
// A member name longer than this is none of the fields read.
constexpr size_t kLongestName = 16;

enum class Field { None, Status, Version, Mode, Warning };

Field field_named(std::string_view name) {
  if (name == "status") return Field::Status;
  if (name == "version") return Field::Version;
  if (name == "mode") return Field::Mode;
  if (name == "warning") return Field::Warning;
  return Field::None;
}

// The words peers use (the IETF draft's pass/fail/warn, Spring's UP/DOWN, the webhook's own
// healthy/ready/alive), compared case-insensitively.
Status status_from_word(const std::string &word) {
  static constexpr std::array<std::string_view, 6> kPass = {"healthy", "ok",    "pass",
                                                            "up",      "alive", "ready"};
  static constexpr std::array<std::string_view, 4> kFail = {"fail", "unhealthy", "down", "error"};
  const std::string lowered = to_lower(trim(word));
  for (auto candidate : kPass) {
    if (lowered == candidate) return Status::Pass;
  }
  for (auto candidate : kFail) {
    if (lowered == candidate) return Status::Fail;
  }
  return Status::Warn;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string &out, char32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// A JSON value's source text without the whitespace between tokens, cut at limit bytes:
// `{"ok" : 1}` is shown as {"ok":1}. One pass, no parsing beyond where strings begin and end.
std::string compact(std::string_view source, size_t limit) {
  std::string out;
  bool in_string = false;
  bool escaped = false;
  for (const char c : source) {
    if (out.size() >= limit) break;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (is_space(c)) {
      continue;
    }
    out += c;
  }
  return out;
}

// "status is a number (42), not a word like healthy or fail": its JSON type, and its text.
std::string not_a_word(std::string_view source) {
  const char first = source.empty() ? ' ' : source.front();
  const char *type = "a number";
  if (first == '{') type = "an object";
  if (first == '[') type = "an array";
  if (first == 't' || first == 'f') type = "a boolean";
  if (first == 'n') type = "a null";
  const std::string shown = compact(source, kRenderedBytes);
  return std::string("status is ") + type + " (" + printable(shown, 40) +
         "), not a word like healthy or fail";
}

// One pass over the body, as a state machine with an explicit stack: no recursion.
class BodyReader {
 public:
  explicit BodyReader(std::string_view text) : text_(text) {}

  HealthBody read() {
    constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";  // Python's json.loads skips it
    if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) pos_ = kByteOrderMark.size();
    skip_space();
    if (pos_ == text_.size()) return stop("is empty");
    if (text_[pos_] != '{') {
      if (text_[pos_] == '[') return stop("is a JSON array, not an object");
      if (text_[pos_] == '"') return stop("is a JSON string, not an object");
      return stop("is not JSON");
    }
    return read_object();
  }

 private:
  enum class Expect { NameOrEnd, Name, Colon, ValueOrEnd, Value, CommaOrEnd };

  HealthBody read_object() {
    ++pos_;
    push(true);
    Expect expect = Expect::NameOrEnd;
    while (true) {
      skip_space();
      if (pos_ == text_.size()) return stop("ends early");
      const char c = text_[pos_];
      switch (expect) {
        case Expect::NameOrEnd:
        case Expect::Name:
          if (c == '}' && expect == Expect::NameOrEnd) {
            if (!close()) return finish();
            expect = Expect::CommaOrEnd;
            break;
          }
          if (c != '"') return stop("has no member name where one belongs");
          name_.clear();
          if (!read_string(depth_ == 1 ? &name_ : nullptr, kLongestName + 1))
            return stop("has a broken string");
          if (depth_ == 1) field_ = field_named(name_);
          expect = Expect::Colon;
          break;
        case Expect::Colon:
          if (c != ':') return stop("has no ':' after a member name");
          ++pos_;
          expect = Expect::Value;
          break;
        case Expect::ValueOrEnd:
        case Expect::Value:
          if (c == ']' && expect == Expect::ValueOrEnd) {
            if (!close()) return finish();
            expect = Expect::CommaOrEnd;
            break;
          }
          if (!start_value(c)) return stop("has a broken value");
          expect =
              opened_ ? (c == '{' ? Expect::NameOrEnd : Expect::ValueOrEnd) : Expect::CommaOrEnd;
          break;
        case Expect::CommaOrEnd:
          if (c == ',') {
            ++pos_;
            expect = in_object() ? Expect::Name : Expect::Value;
          } else if (c == (in_object() ? '}' : ']')) {
            if (!close()) return finish();
          } else {
            return stop(in_object() ? "has no ',' or '}' after a member"
                                    : "has no ',' or ']' after an element");
          }
          break;
      }
    }
  }

  // Reads a value starting with c, or opens it when it is a container the reader follows
  // (opened_ is then set). False when it is not a value.
  bool start_value(char c) {
    opened_ = false;
    if (depth_ == 1) member_start_ = pos_;
    if (c == '{' || c == '[') {
      if (depth_ == kMaxDepth) {
        if (!skip_container()) return false;
        value_done();
        return true;
      }
      ++pos_;
      push(c == '{');
      opened_ = true;
      return true;
    }
    if (c == '"') {
      const bool kept = depth_ == 1 && field_ != Field::None;
      std::string value;
      if (!read_string(kept ? &value : nullptr, kKeptBytes)) return false;
      if (kept) keep(std::move(value));
      value_done();
      return true;
    }
    if (!read_scalar()) return false;
    value_done();
    return true;
  }

  // A value just ended; at depth 1 that is a member's value, which may be a status that is not a
  // string (strings were kept as they were read).
  void value_done() {
    if (depth_ != 1 || field_ != Field::Status || text_[member_start_] == '"') return;
    body_.status.reset();
    body_.status_problem = not_a_word(text_.substr(member_start_, pos_ - member_start_));
  }

  void keep(std::string value) {
    switch (field_) {
      case Field::Status:
        body_.status = std::move(value);
        body_.status_problem.reset();
        break;
      case Field::Version:
        body_.version = std::move(value);
        break;
      case Field::Mode:
        body_.mode = std::move(value);
        break;
      case Field::Warning:
        body_.warning = std::move(value);
        break;
      case Field::None:
        break;
    }
  }

  void push(bool object) {
    is_object_[depth_] = object;
    ++depth_;
  }

  // Past a closing bracket. False when that closed the body's object: the reader is done.
  bool close() {
    ++pos_;
    --depth_;
    if (depth_ == 0) return false;
    value_done();
    return true;
  }

  bool in_object() const { return is_object_[depth_ - 1]; }

  // The object closed: only whitespace may follow.
  HealthBody finish() {
    skip_space();
    if (pos_ != text_.size()) return stop("has more after the JSON object");
    body_.is_json_object = true;
    return decide();
  }

  HealthBody stop(const char *why) {
    body_.unreadable = std::string(why) + " at byte " + std::to_string(pos_ + 1);
    return decide();
  }

  HealthBody decide() {
    if (body_.status) {
      body_.verdict = status_from_word(*body_.status);
    } else if (body_.status_problem) {
      body_.verdict = Status::Warn;  // the service said something unexpected
    }
    if (body_.mode && to_lower(*body_.mode) == "degraded" && body_.verdict != Status::Fail)
      body_.verdict = Status::Warn;
    return std::move(body_);
  }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  // A container too deep to follow, as one value: strings read (a bracket in one is text), every
  // other bracket counted until the one that closes it.
  bool skip_container() {
    size_t open = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        if (!read_string(nullptr, 0)) return false;
        continue;
      }
      ++pos_;
      if (c == '{' || c == '[') ++open;
      if ((c == '}' || c == ']') && --open == 0) return true;
    }
    return false;
  }

  // A string at pos_ (its opening quote), decoded into out (if given) up to keep bytes. Lenient
  // where Python is, and beyond: raw control characters and bytes that are not UTF-8 are kept as
  // they are (the report escapes them), and a lone surrogate escape becomes U+FFFD.
  bool read_string(std::string *out, size_t keep) {
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        if (out != nullptr && out->size() < keep) *out += c;
        continue;
      }
      if (pos_ == text_.size()) return false;
      const char escape = text_[pos_++];
      char32_t decoded = 0;
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          decoded = static_cast<unsigned char>(escape);
          break;
        case 'b':
          decoded = '\b';
          break;
        case 'f':
          decoded = '\f';
          break;
        case 'n':
          decoded = '\n';
          break;
        case 'r':
          decoded = '\r';
          break;
        case 't':
          decoded = '\t';
          break;
        case 'u':
          if (!read_code_point(decoded)) return false;
          break;
        default:
          return false;
      }
      if (out != nullptr && out->size() < keep) append_utf8(*out, decoded);
    }
    return false;
  }

  // The 4 hex digits after "\u" (and a second escape, if this one opens a surrogate pair).
  bool read_code_point(char32_t &code_point) {
    const auto unit = [this](char32_t &value) {
      if (text_.size() - pos_ < 4) return false;
      value = 0;
      for (size_t i = 0; i < 4; ++i) {
        const int digit = hex_digit(text_[pos_ + i]);
        if (digit < 0) return false;
        value = value * 16 + static_cast<char32_t>(digit);
      }
      pos_ += 4;
      return true;
    };
    if (!unit(code_point)) return false;
    constexpr char32_t kReplacement = 0xFFFD;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) code_point = kReplacement;  // a lone low half
    if (code_point < 0xD800 || code_point > 0xDBFF) return true;
    char32_t low = 0;
    const size_t high_end = pos_;
    if (text_.substr(pos_, 2) == "\\u") {
      pos_ += 2;
      if (unit(low) && low >= 0xDC00 && low <= 0xDFFF) {
        code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        return true;
      }
    }
    pos_ = high_end;  // a lone high half: what follows is read on its own
    code_point = kReplacement;
    return true;
  }

  // A number (JSON's grammar, as Python's json reads it), true, false, null, or Python's NaN,
  // Infinity and -Infinity.
  bool read_scalar() {
    for (const std::string_view word : {"true", "false", "null", "NaN", "Infinity", "-Infinity"}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return true;
      }
    }
    const auto digits = [this] {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - start;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return false;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return false;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return false;
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  HealthBody body_;
  std::bitset<kMaxDepth> is_object_;
  size_t depth_ = 0;
  std::string name_;
  Field field_ = Field::None;  // the top-level member whose value is being read
  size_t member_start_ = 0;    // where that value began
  bool opened_ = false;        // start_value opened a container
};

}  // namespace

HealthBody read_health_body(std::string_view body) {
  return BodyReader(body).read();
}

}  // namespace healthprobe
