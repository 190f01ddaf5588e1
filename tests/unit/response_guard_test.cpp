#include <catch2/catch.hpp>

#include "healthprobe/http/response_guard.h"

using healthprobe::ResponseGuard;
using Phase = ResponseGuard::Phase;

namespace {

// Feeds text in pieces of `step` bytes (1 = byte by byte, as a dripping server sends it).
std::string feed(ResponseGuard &guard, const std::string &text, size_t step = 1) {
  std::string out;
  for (size_t at = 0; at < text.size() && guard.phase() != Phase::Failed; at += step) {
    guard.feed(text.data() + at, std::min(step, text.size() - at), out);
  }
  return out;
}

}  // namespace

TEST_CASE("httplib gets a short canonical head, whatever the server's head held", "[guard]") {
  for (size_t step : {size_t{1}, size_t{7}, size_t{4096}}) {
    ResponseGuard guard;
    const auto out = feed(guard,
                          "HTTP/1.1 200 Very Fine Indeed\r\nServer: x\r\nContent-Length: 2\r\n"
                          "X-Other: y\r\n\r\nokEXTRA",
                          step);
    INFO("step " << step);
    CHECK(out == "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok");
    CHECK(guard.status() == 200);
    CHECK(guard.phase() == Phase::Done);
  }
}

TEST_CASE("the head is refused the moment it passes 16 KiB, mid-line", "[guard]") {
  ResponseGuard guard;
  std::string out;
  const std::string start = "HTTP/1.1 200 OK\r\nX: ";
  guard.feed(start.data(), start.size(), out);
  const std::string filler(ResponseGuard::kHeadLimit - start.size(), 'a');
  CHECK(guard.feed(filler.data(), filler.size(), out));  // exactly at the limit: still fine
  CHECK_FALSE(guard.feed("a", 1, out));                  // one byte over, no line end in sight
  CHECK(guard.failure() == "response head over 16 KiB");
  CHECK(out.empty());
}

TEST_CASE("interim responses are dropped, and count against the head limit", "[guard]") {
  ResponseGuard guard;
  const auto out = feed(guard,
                        "HTTP/1.1 100 Continue\r\nA: b\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                        "Link: </x>\r\n\r\nHTTP/1.0 204 No Content\r\n\r\n");
  CHECK(out == "HTTP/1.0 204\r\nContent-Length: 0\r\n\r\n");
  CHECK(guard.status() == 204);

  ResponseGuard flooded;
  std::string interim;
  while (interim.size() <= ResponseGuard::kHeadLimit) interim += "HTTP/1.1 100 Continue\r\n\r\n";
  feed(flooded, interim, 512);
  CHECK(flooded.failure() == "response head over 16 KiB");
}

TEST_CASE("status lines are checked without a regex", "[guard]") {
  for (const char *line : {"HTTX/1.1 200 OK", "HTTP/2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000",
                           "HTTP/1.1 099 Low", "HTTP/1.1 600 High", "HTTP/1.1 200OK", ""}) {
    ResponseGuard guard;
    feed(guard, std::string(line) + "\r\n\r\n");
    INFO(line);
    CHECK(guard.failure() == "malformed response (no HTTP/1.x status line)");
  }
  ResponseGuard bare;
  CHECK(feed(bare, "HTTP/1.1 503\n\n") == "HTTP/1.1 503\r\n\r\n");  // no reason, bare LF
  CHECK(bare.status() == 503);
}

TEST_CASE("Content-Length must be a number, one number", "[guard]") {
  const std::pair<const char *, const char *> cases[] = {
      {"Content-Length: abc", "malformed response (an invalid Content-Length)"},
      {"Content-Length: -1", "malformed response (an invalid Content-Length)"},
      {"Content-Length: ", "malformed response (an invalid Content-Length)"},
      {"Content-Length: 1234567890123456789", "malformed response (an invalid Content-Length)"},
      {"Content-Length: 5, 6", "malformed response (an invalid Content-Length)"},
      {"Content-Length: 5\r\nContent-Length: 6",
       "malformed response (conflicting Content-Length values)"},
      {"Content-Length: 5\r\nTransfer-Encoding: chunked",
       "malformed response (both Transfer-Encoding and Content-Length)"},
      {"Transfer-Encoding: chunked, gzip",
       "malformed response (chunked is not the last transfer coding)"},
      {"Bad Name: x", "malformed response (an invalid header name)"},
      {": x", "malformed response (a header line without a name)"},
      {"X: a\r\n folded", "malformed response (a folded header line)"},
  };
  for (const auto &[headers, failure] : cases) {
    ResponseGuard guard;
    feed(guard, std::string("HTTP/1.1 200 OK\r\n") + headers + "\r\n\r\nhello");
    INFO(headers);
    CHECK(guard.failure() == failure);
  }
  ResponseGuard same;
  CHECK(feed(same, "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\ncontent-length: 5\r\n\r\nhello") ==
        "HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello");
  // RFC 9110 allows leading zeros (1*DIGIT): only the digits after them can overflow.
  ResponseGuard zeros;
  CHECK(feed(zeros, "HTTP/1.1 200 OK\r\nContent-Length: " + std::string(40, '0') +
                        "5, 05\r\n\r\nhello") == "HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello");
  ResponseGuard empty_body;
  CHECK(feed(empty_body, "HTTP/1.1 200 OK\r\nContent-Length: 0000\r\n\r\n") ==
        "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
  ResponseGuard too_long;
  feed(too_long, "HTTP/1.1 200 OK\r\nContent-Length: 000" + std::string(19, '9') + "\r\n\r\n");
  CHECK(too_long.failure() == "malformed response (an invalid Content-Length)");
}

TEST_CASE("chunked bodies reach httplib with canonical size lines and no trailers", "[guard]") {
  ResponseGuard guard;
  const auto out = feed(guard,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
                        "005;ext=\"v\"\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n");
  CHECK(out ==
        "HTTP/1.1 200\r\nTransfer-Encoding: "
        "chunked\r\n\r\n5\r\nhello\r\na\r\n0123456789\r\n0\r\n\r\n");
  CHECK(guard.phase() == Phase::Done);
}

TEST_CASE("broken chunk framing is malformed", "[guard]") {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::pair<std::string, const char *> cases[] = {
      {"zz\r\n", "malformed response (an invalid chunk size)"},
      {"\r\n", "malformed response (an invalid chunk size)"},
      {"5 x\r\n", "malformed response (an invalid chunk size)"},
      {"5\r\nhelloXX", "malformed response (chunk data not followed by CRLF)"},
      {"fffffffffffffffff\r\n", "malformed response (a chunk size too large)"},
      {std::string(ResponseGuard::kChunkLineLimit + 1, '1'),
       "malformed response (chunk-size line over 4 KiB)"},
  };
  for (const auto &[body, failure] : cases) {
    ResponseGuard guard;
    feed(guard, head + body, 3);
    INFO(body.substr(0, 20));
    CHECK(guard.failure() == failure);
  }
}

TEST_CASE("a close ends a body only when the close is its framing", "[guard]") {
  ResponseGuard until_close;
  feed(until_close, "HTTP/1.1 200 OK\r\n\r\nsome");
  CHECK(until_close.end_of_stream());
  CHECK(until_close.truncation().empty());

  ResponseGuard short_body;
  feed(short_body, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nsome");
  CHECK_FALSE(short_body.end_of_stream());
  CHECK(short_body.truncation() ==
        "malformed response (the body is shorter than its Content-Length)");

  ResponseGuard short_chunks;
  feed(short_chunks, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nsome\r\n");
  CHECK_FALSE(short_chunks.end_of_stream());
  CHECK(short_chunks.truncation() == "malformed response (the chunked body ended early)");

  ResponseGuard in_headers;
  feed(in_headers, "HTTP/1.1 200 OK\r\nX: y");
  CHECK_FALSE(in_headers.end_of_stream());
  CHECK(in_headers.phase() == Phase::Headers);
  CHECK(in_headers.truncation().empty());
}

TEST_CASE("204 and 304 never have a body, whatever their headers say", "[guard]") {
  ResponseGuard guard;
  CHECK(feed(guard, "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n") ==
        "HTTP/1.1 304\r\nContent-Length: 0\r\n\r\n");
  CHECK(guard.phase() == Phase::Done);
}

TEST_CASE("codings the probe cannot decode are named", "[guard]") {
  ResponseGuard content;
  feed(content,
       "HTTP/1.1 200 OK\r\nContent-Encoding: identity, GZIP\r\nContent-Length: 1\r\n\r\nx");
  CHECK(content.coding() == "gzip");
  ResponseGuard transfer;
  feed(transfer, "HTTP/1.1 200 OK\r\nTransfer-Encoding: br, chunked\r\n\r\n");
  CHECK(transfer.coding() == "br");
  ResponseGuard none;
  feed(none, "HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Length: 1\r\n\r\nx");
  CHECK(none.coding().empty());
}
