#include <catch2/catch.hpp>

#include "healthprobe/parsing/dist_name.h"

using healthprobe::dist_name_of_metadata_dir;
using healthprobe::normalize_dist_name;

TEST_CASE("distribution names normalize as PEP 503 says", "[dist]") {
  CHECK(normalize_dist_name("Flask") == "flask");
  CHECK(normalize_dist_name("flask_cors") == "flask-cors");
  CHECK(normalize_dist_name("Foo.Bar__baz") == "foo-bar-baz");
  CHECK(normalize_dist_name("a-_.b") == "a-b");
}

TEST_CASE("metadata dirs give their distribution's name", "[dist]") {
  CHECK(dist_name_of_metadata_dir("Flask_Cors-4.0.1.dist-info") == std::string("flask-cors"));
  CHECK(dist_name_of_metadata_dir("pip-23.0.1.dist-info") == std::string("pip"));
  CHECK(dist_name_of_metadata_dir("uvicorn-0.30.0.dist-info") == std::string("uvicorn"));
  CHECK_FALSE(dist_name_of_metadata_dir("flask").has_value());
  CHECK_FALSE(dist_name_of_metadata_dir("flask-2.0.egg-info").has_value());
  CHECK_FALSE(dist_name_of_metadata_dir(".dist-info").has_value());
  CHECK_FALSE(dist_name_of_metadata_dir("-1.0.dist-info").has_value());
}
