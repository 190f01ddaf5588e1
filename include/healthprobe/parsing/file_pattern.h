#pragma once
// A path whose last component may hold shell wildcards (`/dev/shm/consumer-*.hb`): one file per
// worker process. Wildcards only in the file name keep a match to one directory listing, which
// the check can bound in entries and time; a wildcard directory would mean a walk of unknown size.
#include <optional>
#include <string>
#include <string_view>

namespace healthprobe {

struct FilePattern {
  std::string text;       // as given: the check's key
  std::string directory;  // "/dev/shm" ("/" for a file in the root)
  std::string name;       // "consumer-*.hb": a literal name unless is_glob
  bool is_glob = false;
};

// An absolute path with no "." or ".." component and no empty one ("//"), whose directory holds
// no wildcard and whose name is not empty. why says what is wrong otherwise.
std::optional<FilePattern> parse_file_pattern(std::string_view text, std::string &why);

// Whether name matches pattern, as a shell matches one file name: `*` any run of bytes, `?` one
// byte, `[abc]`, `[a-z]`, `[!abc]` one byte of a set, `\` quotes the next byte. A leading '.' is
// matched only by a leading '.' in the pattern, so hidden files (an atomic writer's temp file)
// never count. Bytes, not characters; time linear in the product of the lengths, never
// exponential. An unclosed '[' matches itself.
bool file_name_matches(std::string_view pattern, std::string_view name);

// Whether the name holds a wildcard the matcher would act on (`*`, `?`, `[`).
bool has_wildcard(std::string_view name);

}  // namespace healthprobe
