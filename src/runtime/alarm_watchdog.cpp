#include "healthprobe/runtime/alarm_watchdog.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <ctime>

namespace healthprobe {
namespace {

// What the handler needs, in fixed storage: it may not allocate or lock.
struct AlarmState {
  timer_t timer{};
  timespec give_up_at{};
  timespec grace{};  // from the interrupt to the give-up
  Interruption *interruption = nullptr;
  const std::function<void()> *give_up = nullptr;
  struct sigaction previous {};
  std::atomic<int> stage{0};  // 0: before the deadline, 1: interrupted, waiting to give up
  std::atomic<bool> disarmed{true};
};
AlarmState g_alarm;

timespec to_timespec(AlarmWatchdog::TimePoint at) {
  // steady_clock is CLOCK_MONOTONIC in libstdc++, the clock the timer runs on.
  const auto since_epoch = at.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  timespec spec{};
  spec.tv_sec = static_cast<time_t>(seconds.count());
  spec.tv_nsec = static_cast<long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count());
  if (spec.tv_sec < 0) spec = timespec{0, 1};  // already due; zero would disarm the timer
  if (spec.tv_sec == 0 && spec.tv_nsec == 0) spec.tv_nsec = 1;
  return spec;
}

bool later(const timespec &a, const timespec &b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

// Now plus the grace: the grace counts from when the interrupt really happened. A process stopped
// across the deadline (docker pause, SIGSTOP) finds both stages due when it runs again, and the
// check must get its moment to see the interrupt and report before anyone gives up on it.
timespec grace_from_now() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  now.tv_sec += g_alarm.grace.tv_sec;
  now.tv_nsec += g_alarm.grace.tv_nsec;
  if (now.tv_nsec >= 1000000000L) {
    now.tv_nsec -= 1000000000L;
    ++now.tv_sec;
  }
  return now;
}

void on_alarm(int /*signal_number*/) {
  const int saved_errno = errno;
  if (!g_alarm.disarmed.load()) {
    if (g_alarm.stage.exchange(1) == 0) {
      g_alarm.interruption->interrupt();
      itimerspec next{};
      const timespec late = grace_from_now();
      next.it_value = later(late, g_alarm.give_up_at) ? late : g_alarm.give_up_at;
      ::timer_settime(g_alarm.timer, TIMER_ABSTIME, &next, nullptr);
    } else {
      (*g_alarm.give_up)();
      ::_exit(1);  // give_up must not return; if it does, the run still ends unhealthy
    }
  }
  errno = saved_errno;
}

}  // namespace

AlarmWatchdog::AlarmWatchdog(TimePoint interrupt_at, Interruption &interruption,
                             TimePoint give_up_at, const std::function<void()> &give_up) {
  if (!g_alarm.disarmed.load()) return;  // one at a time: armed() stays false
  g_alarm.interruption = &interruption;
  g_alarm.give_up = &give_up;
  g_alarm.give_up_at = to_timespec(give_up_at);
  const auto grace =
      std::chrono::duration_cast<std::chrono::nanoseconds>(give_up_at - interrupt_at);
  g_alarm.grace.tv_sec = static_cast<time_t>(grace.count() / 1000000000);
  g_alarm.grace.tv_nsec = static_cast<long>(grace.count() % 1000000000);
  g_alarm.stage.store(0);

  // A signal mask inherited through exec could hold SIGALRM back, and with it the deadline.
  sigset_t alarm_only;
  sigemptyset(&alarm_only);
  sigaddset(&alarm_only, SIGALRM);
  if (::pthread_sigmask(SIG_UNBLOCK, &alarm_only, nullptr) != 0) return;
  struct sigaction action {};
  action.sa_handler = on_alarm;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked wait returns EINTR and re-checks its time
  if (::sigaction(SIGALRM, &action, &g_alarm.previous) != 0) return;
  // Delivered to this thread, the one running the checks, whatever other threads exist.
  sigevent event{};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = SIGALRM;
  event._sigev_un._tid = ::gettid();  // glibc 2.36 names it only so (sigev_notify_thread_id: 2.37)
  if (::timer_create(CLOCK_MONOTONIC, &event, &g_alarm.timer) != 0) {
    ::sigaction(SIGALRM, &g_alarm.previous, nullptr);
    return;
  }
  g_alarm.disarmed.store(false);
  itimerspec first{};
  first.it_value = to_timespec(interrupt_at);
  if (::timer_settime(g_alarm.timer, TIMER_ABSTIME, &first, nullptr) != 0) {
    g_alarm.disarmed.store(true);
    ::timer_delete(g_alarm.timer);
    ::sigaction(SIGALRM, &g_alarm.previous, nullptr);
    return;
  }
  armed_ = true;
}

AlarmWatchdog::~AlarmWatchdog() {
  disarm();
}

void AlarmWatchdog::disarm() {
  if (!armed_) return;
  armed_ = false;
  // The flag first: a signal already on its way finds it set and does nothing.
  g_alarm.disarmed.store(true);
  ::timer_delete(g_alarm.timer);
  ::sigaction(SIGALRM, &g_alarm.previous, nullptr);
}

}  // namespace healthprobe
