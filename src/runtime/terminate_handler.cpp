// The static release probe's std::terminate handler: abort, without libstdc++'s verbose handler.
//
// Why: the verbose handler prints "terminate called after throwing an instance of '...'" and for
// that links the whole C++ demangler (a visible share of the static binary, bench/SIZE.md). The
// probe never lets an exception escape (main catches everything and reports "internal error"), so
// the message would never be seen; an abort still ends the run as unhealthy (Docker counts any
// non-zero exit). Linked into the static release only (see CMakeLists.txt).
#include <cstdlib>

// libstdc++ calls exactly this reserved name; defining it replaces the library's version.
// NOLINTBEGIN(bugprone-reserved-identifier)
namespace __gnu_cxx {
void __verbose_terminate_handler() {
  std::abort();
}
}  // namespace __gnu_cxx
// NOLINTEND(bugprone-reserved-identifier)
