#include "healthprobe/http/http_check.h"

#include "healthprobe/http/guarded_client.h"

#include "healthprobe/core/text.h"
#include "healthprobe/parsing/byte_size.h"
#include "healthprobe/parsing/duration.h"
#include "healthprobe/parsing/health_body.h"
#include "healthprobe/reporting/log.h"
#include "healthprobe/version.h"

namespace healthprobe {
namespace {

// See exchange_once: how much longer than the deadline httplib may wait on a read or write.
constexpr std::chrono::milliseconds kStallMargin{1000};
// An exchange that ends without a status line this close to the deadline ran into it (a connect
// timeout set to the time left ends within a few ms of the deadline, not after it).
constexpr std::chrono::milliseconds kDeadlineSlack{20};

// An exchange cut at the deadline whose last bytes arrived this recently was cut while the server
// was still sending, not while it was silent.
constexpr std::chrono::milliseconds kStillSending{250};

// What one connection attempt to one address produced.
struct Exchange {
  httplib::Error error = httplib::Error::Unknown;
  GuardedExchange wire;  // what the server sent, as the guard read it
  std::string body;
  bool body_capped = false;
  bool cut_at_deadline = false;
  bool still_sending = false;  // bytes were arriving when the deadline cut the exchange
  std::chrono::milliseconds latency{0};

  int status() const { return wire.guard.status(); }
};

std::string address_for_message(const std::string &address, int port) {
  return bracketed(address) + ":" + std::to_string(port);
}

void exchange_once(const std::string &address, const Url &url, const httplib::Headers &headers,
                   const Deadline &deadline, Interruption &interruption, Exchange &exchange) {
  GuardedClient client(address, url.port, exchange.wire, interruption);
  // The connect timeout is the time left. Reads and writes get more than that, so that the run's
  // deadline (which shuts the socket down), not httplib's own read timeout firing a moment
  // earlier, ends a stalled exchange and the report can say why.
  const auto left = deadline.remaining();
  client.set_connection_timeout(left);
  client.set_read_timeout(left + kStallMargin);
  client.set_write_timeout(left + kStallMargin);
  client.set_keep_alive(false);
  client.set_follow_location(false);  // a redirect is an answer to report, not to chase
  client.set_decompress(false);       // an encoded body is judged on its status code instead

  const auto started = Deadline::Clock::now();
  // At the deadline the run shuts the socket down (GuardedClient hands it over): a connect in
  // progress fails and a blocked read returns at once. The scope ends after httplib has closed
  // the socket; nothing opens a descriptor in between.
  const auto scope = interruption.scope();
  if (interruption.interrupted()) {
    exchange.cut_at_deadline = true;  // the deadline passed before the request could start
    return;
  }
  auto result = client.Get(url.target, headers,
                           httplib::ContentReceiver([&exchange](const char *data, size_t length) {
                             // One byte past the limit, not the limit itself, shows the body is
                             // longer than it.
                             const size_t room = HttpCheck::kBodyLimit - exchange.body.size();
                             exchange.body.append(data, length < room ? length : room);
                             if (length <= room) return true;
                             exchange.body_capped = true;
                             return false;  // stop reading: decide on what was read
                           }));
  const auto ended = Deadline::Clock::now();
  // Interrupted and unfinished: an exchange that completed (or hit the body cap) a moment before
  // the watchdog fired is reported as the answer it was.
  exchange.cut_at_deadline = interruption.interrupted() &&
                             result.error() != httplib::Error::Success && !exchange.body_capped;
  exchange.still_sending =
      exchange.wire.bytes_received > 0 && ended - exchange.wire.last_byte_at < kStillSending;
  exchange.latency = std::chrono::duration_cast<std::chrono::milliseconds>(ended - started);
  exchange.error = result.error();
  log_debug("GET {} via {}: {} (status {}, {} bytes received, {} body bytes, {} ms)",
            url.redacted(), address_for_message(address, url.port),
            httplib::to_string(exchange.error), exchange.status(), exchange.wire.bytes_received,
            exchange.body.size(), exchange.latency.count());
}

std::string describe_body(const HealthBody &body) {
  std::string out;
  if (body.status) out += "; status \"" + printable(*body.status, 40) + "\"";
  if (body.status_problem) out += "; " + *body.status_problem;
  if (body.version) out += ", version " + printable(*body.version, 40);
  if (body.mode) out += ", mode " + printable(*body.mode, 40);
  if (body.warning) out += ", warning: " + printable(*body.warning, 160);
  return out;
}

Observation judge(const Exchange &exchange, const StatusRanges &expect) {
  Observation observation{"webhook", "http"};
  observation.observed_value = static_cast<double>(exchange.latency.count());
  observation.observed_unit = "ms";
  const std::string &coding = exchange.wire.guard.coding();
  // A body cut at the read limit is read as far as it goes: a "status" before the cut still counts.
  const HealthBody body = coding.empty() ? read_health_body(exchange.body) : HealthBody{};
  std::string detail = describe_body(body);
  if (!coding.empty()) {
    detail += "; body is " + printable(coding, 40) +
              "-encoded, which the probe does not decode, judged on the status code";
  } else if (exchange.body_capped) {
    detail += "; body longer than " + format_byte_size(HttpCheck::kBodyLimit) +
              (body.verdict ? ", read that far" : ", judged on the status code");
  } else if (!body.is_json_object && !exchange.body.empty()) {
    detail += body.verdict ? "; the rest of the body is not JSON (it " + body.unreadable + ")"
                           : "; body is not a JSON object (it " + body.unreadable +
                                 "), judged on the status code";
  }
  const std::string code = "HTTP " + std::to_string(exchange.status());
  const std::string timing = " in " + std::to_string(exchange.latency.count()) + " ms";

  if (!expect.contains(exchange.status())) {
    observation.status = Status::Fail;
    const bool redirect = exchange.status() >= 300 && exchange.status() < 400;
    observation.output = code + timing + (redirect ? ", a redirect (not followed)" : "") +
                         ", expected " + expect.text() + detail;
    return observation;
  }
  observation.status = body.verdict.value_or(Status::Pass);
  observation.output = code + timing + detail;
  if (observation.status == Status::Fail)
    observation.output += " (the service reports itself failing)";
  return observation;
}

// How far an exchange the deadline cut had got.
std::string progress_at_deadline(const Exchange &exchange) {
  std::string progress;
  switch (exchange.wire.guard.phase()) {
    case ResponseGuard::Phase::StatusLine:
      progress = "connected, but no status line";
      break;
    case ResponseGuard::Phase::Headers:
      progress = "status line received, headers incomplete";
      break;
    default:
      progress = "HTTP " + std::to_string(exchange.status()) + " but the body was still arriving";
      break;
  }
  if (exchange.still_sending) progress += "; the server kept sending past the deadline";
  return progress;
}

Observation failed(std::string output) {
  Observation observation{"webhook", "http"};
  observation.status = Status::Fail;
  observation.output = std::move(output);
  return observation;
}

}  // namespace

std::vector<Observation> HttpCheck::run(const Deadline &deadline, Interruption &interruption) {
  httplib::Headers headers = {
      {"Host", url_.authority()},
      {"User-Agent", std::string("healthprobe/") + kVersion},
      {"Accept", "application/health+json, application/json;q=0.9, */*;q=0.1"},
      {"Accept-Encoding", "identity"},  // the probe decodes no content coding
  };
  // A header the user sets replaces the default of that name (httplib::Headers compares names
  // case-insensitively); repeated user headers are all sent.
  for (const auto &header : headers_) headers.erase(header.first);
  for (const auto &[name, value] : headers_) headers.emplace(name, value);

  std::vector<std::string> unreachable;
  for (const auto &address : url_.connect_addresses()) {
    if (deadline.expired()) break;
    Exchange exchange;
    exchange_once(address, url_, headers, deadline, interruption, exchange);
    const std::string where = address_for_message(address, url_.port);
    const ResponseGuard &guard = exchange.wire.guard;
    if (guard.phase() == ResponseGuard::Phase::Failed) {
      return {failed(guard.failure() + " from " + where)};
    }
    const bool finished = exchange.error == httplib::Error::Success || exchange.body_capped;
    const bool at_deadline =
        exchange.cut_at_deadline || (!finished && deadline.remaining() <= kDeadlineSlack);
    if (!at_deadline && !guard.truncation().empty()) {
      return {failed(guard.truncation() + " from " + where)};
    }
    if (at_deadline) {
      const std::string budget = format_duration(deadline.budget());
      if (!exchange.wire.connected) {
        return {failed("could not connect to " + where + " within the " + budget + " deadline (" +
                       url_.redacted() + ")")};
      }
      return {failed("no complete answer from " + where + " within the " + budget + " deadline (" +
                     progress_at_deadline(exchange) + "; " + url_.redacted() + ")")};
    }
    if (exchange.status() != 0 && !finished) {
      // Cut off in a way the guard did not see (an httplib error): never judged as if complete.
      return {failed("the body from " + where + " was cut off (" +
                     httplib::to_string(exchange.error) + ")")};
    }
    if (exchange.status() != 0) return {judge(exchange, expect_)};
    if (!exchange.wire.connected) {
      unreachable.push_back(where);  // try the next address family, if any
      continue;
    }
    if (exchange.error == httplib::Error::Write) {
      return {failed("could not send the request to " + where + " (connection reset)")};
    }
    const bool status_line = guard.phase() == ResponseGuard::Phase::Headers;
    return {failed("the connection to " + where + " closed " +
                   (status_line ? "after the status line, before the headers ended"
                                : "before a status line arrived"))};
  }
  if (unreachable.empty()) {
    return {failed("could not connect within the " + format_duration(deadline.budget()) +
                   " deadline: it passed before the HTTP check could start")};
  }
  return {failed("nothing accepts connections on " + join(unreachable, " or ") +
                 " (is the server up and listening there?)")};
}

}  // namespace healthprobe
