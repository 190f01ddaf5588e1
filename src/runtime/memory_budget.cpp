#include "healthprobe/runtime/memory_budget.h"

#include <sys/resource.h>

namespace healthprobe {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

}  // namespace

bool cap_memory() {
  if (kSanitized) return false;
  const rlim_t budget = static_cast<rlim_t>(kMemoryBudgetMiB) * 1024 * 1024;
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_AS, &limit) != 0) return false;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur <= budget) return true;
  limit.rlim_cur = budget;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < budget) limit.rlim_cur = limit.rlim_max;
  return ::setrlimit(RLIMIT_AS, &limit) == 0;
}

const char *out_of_memory_message() {
  static_assert(kMemoryBudgetMiB == 128, "say the new budget in the message below");
  return "probe ran out of its 128 MiB memory budget (a bug: please report it)";
}

}  // namespace healthprobe
