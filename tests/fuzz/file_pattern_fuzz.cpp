// parse_file_pattern and file_name_matches: never throw; an accepted pattern is an absolute path
// whose directory holds no wildcard and whose parts put together give it back; matching agrees
// with itself on a literal name, never lets a wildcard match a hidden name, and takes linear time
// (libFuzzer's -timeout catches an exponential matcher).
// Input: a pattern, NUL, a file name.
#include "fuzz_support.h"
#include "healthprobe/parsing/file_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace healthprobe;
  const auto fields = fuzz::split_fields(fuzz::as_text(data, size));
  const std::string &text = fields[0];
  const std::string name = fields.size() > 1 ? fields[1] : std::string();

  std::string why;
  const auto pattern = parse_file_pattern(text, why);
  if (!pattern) {
    FUZZ_CHECK(!why.empty(), "refusal without a reason");
  } else {
    FUZZ_CHECK(pattern->text == text, "the pattern's text is not what was given");
    FUZZ_CHECK(!pattern->directory.empty() && pattern->directory.front() == '/',
               "directory is not absolute");
    FUZZ_CHECK(!has_wildcard(pattern->directory), "a wildcard in the directory");
    FUZZ_CHECK(!pattern->name.empty() && pattern->name.find('/') == std::string::npos,
               "the name is empty or holds a '/'");
    FUZZ_CHECK((pattern->directory == "/" ? "" : pattern->directory) + "/" + pattern->name == text,
               "directory and name do not make the path");
    FUZZ_CHECK(pattern->is_glob == has_wildcard(pattern->name), "is_glob disagrees");
    FUZZ_CHECK(pattern->directory.find("/../") == std::string::npos &&
                   pattern->directory.find("/./") == std::string::npos,
               "a '.' or '..' component");
  }

  const bool matches = file_name_matches(text, name);
  if (!has_wildcard(text))
    FUZZ_CHECK(matches == (text == name), "a literal pattern disagrees with ==");
  if (!has_wildcard(name) && !name.empty() && name.front() != '.')
    FUZZ_CHECK(file_name_matches(name, name), "a plain name does not match itself");
  if (!name.empty() && name.front() == '.' && !text.empty() && text.front() != '.' &&
      text.rfind("\\.", 0) != 0) {
    FUZZ_CHECK(!matches, "a wildcard matched a hidden name");
  }
  if (text.find_first_not_of('*') == std::string::npos && !text.empty() &&
      (name.empty() || name.front() != '.')) {
    FUZZ_CHECK(matches, "'*' did not match a name");
  }
  return 0;
}
