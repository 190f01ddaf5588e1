#include "healthprobe/http/response_guard.h"

#include <algorithm>

#include "healthprobe/core/text.h"

namespace healthprobe {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A Content-Length value: digits only, or a list of identical ones ("5, 5", RFC 9110 §8.6).
std::optional<uint64_t> parse_content_length(std::string_view value) {
  std::optional<uint64_t> length;
  for (auto item : split(value, ',')) {
    item = trim(item);
    if (item.empty()) return std::nullopt;
    // Leading zeros are digits too (RFC 9110: 1*DIGIT); only the ones after them can overflow,
    // and 18 of those stay below 2^63 (no body that long is ever read anyway).
    while (item.size() > 1 && item.front() == '0') item.remove_prefix(1);
    if (item.size() > 18) return std::nullopt;
    uint64_t parsed = 0;
    for (char c : item) {
      if (c < '0' || c > '9') return std::nullopt;
      parsed = parsed * 10 + static_cast<uint64_t>(c - '0');
    }
    if (length && *length != parsed) return std::nullopt;
    length = parsed;
  }
  return length;
}

void append_list(std::string &list, std::string_view value) {
  if (!list.empty()) list += ", ";
  list += to_lower(trim(value));
}

// The codings of a list, without "identity" (which means none) and empty items.
std::vector<std::string> codings_of(const std::string &list) {
  std::vector<std::string> codings;
  for (auto item : split(list, ',')) {
    item = trim(item);
    if (!item.empty() && item != "identity") codings.emplace_back(item);
  }
  return codings;
}

}  // namespace

bool ResponseGuard::fail(std::string why) {
  phase_ = Phase::Failed;
  failure_ = std::move(why);
  return false;
}

void ResponseGuard::reset_head() {
  line_.clear();
  head_status_ = 0;
  version_.clear();
  content_length_.reset();
  transfer_codings_.clear();
  content_codings_.clear();
  phase_ = Phase::StatusLine;
}

bool ResponseGuard::feed(const char *data, size_t size, std::string &out) {
  size_t used = 0;
  while (used < size) {
    switch (phase_) {
      case Phase::StatusLine:
      case Phase::Headers:
        if (!feed_head(data[used++], out)) return false;
        break;
      case Phase::Body:
        if (framing_ == Framing::Chunked) {
          const size_t taken = feed_chunked(data + used, size - used, out);
          if (phase_ == Phase::Failed) return false;
          used += taken;
        } else if (framing_ == Framing::Length) {
          const size_t take = static_cast<size_t>(
              std::min<uint64_t>(remaining_, static_cast<uint64_t>(size - used)));
          out.append(data + used, take);
          used += take;
          remaining_ -= take;
          if (remaining_ == 0) phase_ = Phase::Done;
        } else {
          out.append(data + used, size - used);
          used = size;
        }
        break;
      case Phase::Done:
        return true;  // bytes past the end of the response are not read
      case Phase::Failed:
        return false;
    }
  }
  return phase_ != Phase::Failed;
}

bool ResponseGuard::end_of_stream() {
  if (phase_ == Phase::Body && framing_ == Framing::UntilClose) phase_ = Phase::Done;
  if (phase_ == Phase::Done) return true;
  closed_early_ = true;  // the phase tells how far the response got
  return false;
}

std::string ResponseGuard::truncation() const {
  if (phase_ != Phase::Body) return "";
  // A reset ends any body early, one delimited by the close included: only a FIN is a close.
  if (lost_) return "body cut off (the connection was reset before the body ended)";
  if (!closed_early_) return "";
  return framing_ == Framing::Chunked
             ? "malformed response (the chunked body ended early)"
             : "malformed response (the body is shorter than its Content-Length)";
}

// One byte of a head: counted before it is kept, so no line ever grows past the limit.
bool ResponseGuard::feed_head(char byte, std::string &out) {
  if (++head_bytes_ > kHeadLimit) {
    return fail("response head over " + std::to_string(kHeadLimit / 1024) + " KiB");
  }
  if (byte != '\n') {
    line_ += byte;
    return true;
  }
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  const std::string line = std::move(line_);
  line_.clear();
  if (phase_ == Phase::Headers && line.empty()) return head_complete(out);
  return head_line(line);
}

bool ResponseGuard::head_line(std::string_view line) {
  if (phase_ == Phase::StatusLine) {
    // "HTTP/1.x NNN" then a space and a reason phrase (which the probe never reads) or nothing.
    const bool shaped = line.size() >= 12 && line.substr(0, 7) == "HTTP/1." &&
                        (line[7] == '0' || line[7] == '1') && line[8] == ' ' &&
                        (line.size() == 12 || line[12] == ' ');
    const auto code = shaped ? parse_int_in_range(line.substr(9, 3), 100, 599) : std::nullopt;
    if (!code) return fail("malformed response (no HTTP/1.x status line)");
    version_ = std::string(line.substr(0, 8));
    head_status_ = *code;
    phase_ = Phase::Headers;
    return true;
  }
  if (line.front() == ' ' || line.front() == '\t') {
    return fail("malformed response (a folded header line)");
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail("malformed response (a header line without a name)");
  }
  const auto name = line.substr(0, colon);
  if (!is_http_token(name)) {
    return fail("malformed response (an invalid header name)");
  }
  return header_field(name, trim(line.substr(colon + 1)));
}

bool ResponseGuard::header_field(std::string_view name, std::string_view value) {
  const std::string lower = to_lower(name);
  if (lower == "content-length") {
    const auto length = parse_content_length(value);
    if (!length) return fail("malformed response (an invalid Content-Length)");
    if (content_length_ && *content_length_ != *length) {
      return fail("malformed response (conflicting Content-Length values)");
    }
    content_length_ = length;
  } else if (lower == "transfer-encoding") {
    append_list(transfer_codings_, value);
  } else if (lower == "content-encoding") {
    append_list(content_codings_, value);
  }
  return true;  // every other header is of no use to the probe and is not passed on
}

bool ResponseGuard::head_complete(std::string &out) {
  if (head_status_ < 200) {  // RFC 9110 §15.2: a client skips every interim response
    reset_head();
    return true;
  }
  status_ = head_status_;
  std::string framing_header;
  const auto transfer = codings_of(transfer_codings_);
  const auto content = codings_of(content_codings_);
  if (status_ == 204 || status_ == 304) {
    framing_ = Framing::None;  // never a body, whatever the framing headers say
    framing_header = "Content-Length: 0\r\n";
  } else if (!transfer.empty()) {
    // RFC 9112 §6.3: both is a sign of request smuggling or response splitting.
    if (content_length_) {
      return fail("malformed response (both Transfer-Encoding and Content-Length)");
    }
    const auto chunked = std::find(transfer.begin(), transfer.end(), "chunked");
    if (chunked != transfer.end() && chunked + 1 != transfer.end()) {
      return fail("malformed response (chunked is not the last transfer coding)");
    }
    framing_ = chunked != transfer.end() ? Framing::Chunked : Framing::UntilClose;
    if (framing_ == Framing::Chunked) framing_header = "Transfer-Encoding: chunked\r\n";
    for (const auto &coding : transfer) {
      if (coding != "chunked") coding_ = coding;
    }
  } else if (content_length_) {
    framing_ = *content_length_ == 0 ? Framing::None : Framing::Length;
    remaining_ = *content_length_;
    framing_header = "Content-Length: " + std::to_string(*content_length_) + "\r\n";
  } else {
    framing_ = Framing::UntilClose;
  }
  if (coding_.empty() && !content.empty()) coding_ = content.front();
  out += version_ + " " + std::to_string(status_) + "\r\n" + framing_header + "\r\n";
  phase_ = framing_ == Framing::None ? Phase::Done : Phase::Body;
  return true;
}

// Passes chunk data through and rewrites each chunk-size line as bare hex; trailers are dropped
// (the probe needs none, and httplib 0.11.4 cannot read them). Returns the bytes consumed.
size_t ResponseGuard::feed_chunked(const char *data, size_t size, std::string &out) {
  size_t used = 0;
  while (used < size && phase_ == Phase::Body) {
    if (chunk_ == ChunkState::Data) {
      const size_t take =
          static_cast<size_t>(std::min<uint64_t>(remaining_, static_cast<uint64_t>(size - used)));
      out.append(data + used, take);
      used += take;
      remaining_ -= take;
      if (remaining_ == 0) chunk_ = ChunkState::DataEnd;
      continue;
    }
    const char byte = data[used++];
    if (chunk_ == ChunkState::DataEnd) {
      if (byte == '\r' && line_.empty()) {
        line_ = "\r";
      } else if (byte == '\n') {
        line_.clear();
        out += "\r\n";
        chunk_ = ChunkState::SizeLine;
      } else {
        fail("malformed response (chunk data not followed by CRLF)");
      }
      continue;
    }
    const bool trailers = chunk_ == ChunkState::Trailers;
    if (trailers && ++trailer_bytes_ > kHeadLimit) {
      fail("malformed response (trailer section over " + std::to_string(kHeadLimit / 1024) +
           " KiB)");
      continue;
    }
    if (byte != '\n') {
      if (!trailers && line_.size() >= kChunkLineLimit) {
        fail("malformed response (chunk-size line over " + std::to_string(kChunkLineLimit / 1024) +
             " KiB)");
      } else {
        line_ += byte;
      }
      continue;
    }
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    const std::string line = std::move(line_);
    line_.clear();
    if (!trailers) {
      chunk_size_line(line, out);
    } else if (line.empty()) {
      out += "\r\n";  // the end of the chunked body
      phase_ = Phase::Done;
    }
  }
  return used;
}

bool ResponseGuard::chunk_size_line(std::string_view line, std::string &out) {
  // chunk-size [; extensions]: hex digits, then nothing or an extension the probe ignores.
  size_t digits = 0;
  uint64_t size = 0;
  while (digits < line.size() && hex_value(line[digits]) >= 0) {
    if (size >> 56 != 0) return fail("malformed response (a chunk size too large)");
    size = size * 16 + static_cast<uint64_t>(hex_value(line[digits]));
    ++digits;
  }
  const auto rest = trim(line.substr(digits));
  if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
    return fail("malformed response (an invalid chunk size)");
  }
  std::string hex;
  for (uint64_t n = size; hex.empty() || n != 0; n >>= 4)
    hex.insert(hex.begin(), "0123456789abcdef"[n & 15]);
  out += hex + "\r\n";
  remaining_ = size;
  chunk_ = size == 0 ? ChunkState::Trailers : ChunkState::Data;
  return true;
}

}  // namespace healthprobe
