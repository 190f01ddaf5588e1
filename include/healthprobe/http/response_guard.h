#pragma once
// Reads an HTTP/1.x response byte by byte as it arrives from the server, with hard limits, and
// hands cpp-httplib a canonical copy of it to parse.
//
// Why: httplib 0.11.4 buffers a status line, header line or chunk-size line of any length before
// checking it, matched the status line with a std::regex that recurses once per byte (a long
// reason phrase overflowed the stack; our patch in scripts/patches/ now parses it by hand),
// skips only a bare "100 Continue", reads "Content-Length: abc" as 0 and accepts broken chunk
// framing. The guard sees every byte first, so none of that is reachable: a head is counted as
// it arrives and refused past kHeadLimit, every interim 1xx response is dropped, and httplib gets
// a short status line, only the framing header it needs (Content-Length or Transfer-Encoding:
// chunked) and canonical chunk-size lines. No I/O here.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace healthprobe {

class ResponseGuard {
 public:
  // Status lines plus headers of every response in the exchange (interim 1xx included).
  static constexpr size_t kHeadLimit = size_t{16} * 1024;
  // One chunk-size line, extensions included.
  static constexpr size_t kChunkLineLimit = size_t{4} * 1024;

  enum class Phase {
    StatusLine,  // waiting for (the rest of) a status line
    Headers,     // a status line arrived, its header section has not ended
    Body,        // the final response's head is complete, its body is arriving
    Done,        // the response is complete
    Failed,      // malformed or over a limit: failure() says how
  };

  // Bytes from the server: appends what httplib should read to out. False once Failed.
  bool feed(const char *data, size_t size, std::string &out);
  // The connection closed: true when that ends the response (a body delimited by the close).
  // Otherwise the response stays in its phase: a close by the server there is a truncation, a
  // close by the probe at the deadline is not (the caller knows which).
  bool end_of_stream();
  // The connection failed (a reset): whatever phase the response was in, it ends there.
  void connection_lost() { lost_ = true; }
  // What a close or a reset in the middle of a body means, "" if the body was not cut short.
  std::string truncation() const;

  Phase phase() const { return phase_; }
  // The final status code, 0 until the final response's head is complete.
  int status() const { return status_; }
  // Why the response was refused, "" unless Failed.
  const std::string &failure() const { return failure_; }
  // A content or transfer coding the probe cannot decode ("gzip"), "" for none: the body is
  // then passed through undecoded and only the status code counts.
  const std::string &coding() const { return coding_; }

 private:
  enum class Framing { None, Length, Chunked, UntilClose };
  enum class ChunkState { SizeLine, Data, DataEnd, Trailers };

  bool fail(std::string why);
  bool feed_head(char byte, std::string &out);
  bool head_line(std::string_view line);
  bool header_field(std::string_view name, std::string_view value);
  bool head_complete(std::string &out);
  size_t feed_chunked(const char *data, size_t size, std::string &out);
  bool chunk_size_line(std::string_view line, std::string &out);
  void reset_head();

  Phase phase_ = Phase::StatusLine;
  std::string failure_;
  std::string coding_;
  int status_ = 0;

  // The head being read.
  size_t head_bytes_ = 0;  // all heads of the exchange so far, counted against kHeadLimit
  std::string line_;
  int head_status_ = 0;
  std::string version_;
  std::optional<uint64_t> content_length_;
  std::string transfer_codings_;  // lowercased, comma-joined as received
  std::string content_codings_;

  // The final response's body.
  Framing framing_ = Framing::None;
  uint64_t remaining_ = 0;  // of the body (Length) or of the current chunk (Chunked)
  ChunkState chunk_ = ChunkState::SizeLine;
  size_t trailer_bytes_ = 0;
  bool closed_early_ = false;
  bool lost_ = false;
};

}  // namespace healthprobe
