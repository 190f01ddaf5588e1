#include "healthprobe/reporting/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <memory>
#include <mutex>

#include "healthprobe/core/bounded_write.h"

namespace healthprobe {
namespace {

size_t g_logged = 0;

// Writes formatted lines to stderr while the byte budget lasts, then one truncation mark.
class CappedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg &message) override {
    spdlog::memory_buf_t line;
    formatter_->format(message, line);
    static constexpr char kMark[] = "healthprobe: debug log truncated\n";
    if (g_logged + line.size() + sizeof(kMark) > kLogLimit) {
      if (!truncated_) write_all(kMark, sizeof(kMark) - 1);
      truncated_ = true;
      return;
    }
    write_all(line.data(), line.size());
  }
  void flush_() override {}

 private:
  // Best effort: a stderr that cannot take the line at once (full, or nobody reading) loses it, and
  // the line still counts against the output budget.
  static void write_all(const char *data, size_t size) {
    write_within(STDERR_FILENO, data, size, std::chrono::steady_clock::now());
    g_logged += size;
  }
  bool truncated_ = false;
};

bool g_debug = false;

}  // namespace

void configure_logging(bool verbose) {
  // Quiet: nothing to set up, log_debug() formats and writes nothing. (spdlog's own default logger
  // stays compiled in: code that calls spdlog directly still finds a logger.)
  g_debug = verbose;
  if (!verbose) return;
  auto logger =
      std::make_shared<spdlog::logger>("healthprobe", std::make_shared<CappedStderrSink>());
  logger->set_pattern("healthprobe: %l: %v");
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(std::move(logger));
}

bool debug_logging() {
  return g_debug;
}

size_t logged_bytes() {
  return g_logged;
}

}  // namespace healthprobe
