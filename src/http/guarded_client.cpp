#include "healthprobe/http/guarded_client.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace healthprobe {
namespace {

// A blocking send or recv on the socket, retried when a signal interrupts it, as httplib retries.
// No select() first, unlike httplib's SocketStream: httplib gave the socket SO_RCVTIMEO and
// SO_SNDTIMEO with the same timeouts, and the deadline shuts the socket down (interruption.h), so a
// wait before each call bounds nothing more and costs one or two system calls per step.
template <typename Call>
ssize_t retrying(Call call) {
  ssize_t result = 0;
  do {
    result = call();
  } while (result < 0 && errno == EINTR);
  return result;
}

// A Stream that reads the socket through the guard and hands httplib only what the guard passed.
class GuardedStream : public httplib::Stream {
 public:
  GuardedStream(httplib::Stream &socket, GuardedExchange &exchange,
                const Interruption &interruption)
      : socket_(socket), exchange_(exchange), interruption_(interruption) {}

  bool is_readable() const override { return pending() > 0 || socket_.is_readable(); }
  bool is_writable() const override { return socket_.is_writable(); }
  ssize_t write(const char *ptr, size_t size) override {
    return retrying([&] { return ::send(socket_.socket(), ptr, size, MSG_NOSIGNAL); });
  }
  void get_remote_ip_and_port(std::string &ip, int &port) const override {
    socket_.get_remote_ip_and_port(ip, port);
  }
  void get_local_ip_and_port(std::string &ip, int &port) const override {
    socket_.get_local_ip_and_port(ip, port);
  }
  socket_t socket() const override { return socket_.socket(); }

  ssize_t read(char *ptr, size_t size) override {
    // Reads until the guard has something to hand over: a head is held back until complete.
    while (pending() == 0) {
      passed_.clear();
      offset_ = 0;
      if (exchange_.guard.phase() == ResponseGuard::Phase::Done) return 0;
      if (exchange_.guard.phase() == ResponseGuard::Phase::Failed) return -1;
      const ssize_t got =
          retrying([&] { return ::recv(socket_.socket(), buffer_.data(), buffer_.size(), 0); });
      if (got < 0) {
        exchange_.guard.connection_lost();
        return got;
      }
      // The probe's own shutdown at the deadline reads as a close too, but it ends no body: a body
      // delimited by the close is complete only when the server closed.
      if (got == 0) return !interruption_.interrupted() && exchange_.guard.end_of_stream() ? 0 : -1;
      exchange_.last_byte_at = std::chrono::steady_clock::now();
      exchange_.bytes_received += static_cast<size_t>(got);
      // Whatever the guard passed before it failed is withheld too: the response is refused.
      if (!exchange_.guard.feed(buffer_.data(), static_cast<size_t>(got), passed_)) {
        passed_.clear();
        return -1;
      }
    }
    const size_t n = std::min(size, pending());
    std::memcpy(ptr, passed_.data() + offset_, n);
    offset_ += n;
    return static_cast<ssize_t>(n);
  }

 private:
  size_t pending() const { return passed_.size() - offset_; }

  httplib::Stream &socket_;
  GuardedExchange &exchange_;
  const Interruption &interruption_;
  std::array<char, 4096> buffer_{};
  std::string passed_;  // what the guard passed from the last read: at most a head or a buffer
  size_t offset_ = 0;
};

}  // namespace

bool GuardedClient::process_socket(const GuardedClient::Socket &socket,
                                   std::function<bool(httplib::Stream &strm)> callback) {
  exchange_.connected = true;  // httplib calls this only once the connection is up
  return httplib::detail::process_client_socket(
      socket.sock, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_, write_timeout_usec_,
      [&](httplib::Stream &strm) {
        GuardedStream guarded(strm, exchange_, interruption_);
        return callback(guarded);
      });
}

}  // namespace healthprobe
