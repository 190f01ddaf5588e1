#pragma once
// Python distribution names, compared the way pip and uv compare them (PEP 503).
#include <optional>
#include <string>
#include <string_view>

namespace healthprobe {

// Lower-case, with each run of '-', '_' and '.' collapsed to one '-': "Foo.Bar__baz" ->
// "foo-bar-baz".
std::string normalize_dist_name(std::string_view name);

// The normalized name of an installed distribution's metadata directory
// ("Flask_Cors-4.0.1.dist-info" -> "flask-cors"); nullopt for anything else.
std::optional<std::string> dist_name_of_metadata_dir(std::string_view entry);

}  // namespace healthprobe
