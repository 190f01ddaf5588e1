// Environment::from_envp reads an envp array on demand: the same answers a copy would give.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "healthprobe/parsing/environment.h"

using healthprobe::Environment;

TEST_CASE("an envp is read as getenv would: first of a name wins, empty is unset",
          "[environment]") {
  std::string entries[] = {
      "PORT=9000", "NOEQUALS", "PORT=1", "EMPTY=", "A=b=c", "VIRTUAL=x", "VIRTUAL_ENV=/app/.venv",
      "="};
  char *envp[9];
  for (int i = 0; i < 8; ++i) envp[i] = entries[i].data();
  envp[8] = nullptr;
  const Environment env = Environment::from_envp(envp);
  CHECK(env.get("PORT") == "9000");
  CHECK(env.get("A") == "b=c");
  CHECK(env.get("VIRTUAL_ENV") == "/app/.venv");  // not matched by its prefix VIRTUAL
  CHECK(env.get("VIRTUAL") == "x");
  CHECK_FALSE(env.get("EMPTY"));
  CHECK_FALSE(env.get("NOEQUALS"));
  CHECK_FALSE(env.get("POR"));
  CHECK_FALSE(env.get("MISSING"));
}

TEST_CASE("an Environment made from a map answers the same way", "[environment]") {
  const Environment env(std::map<std::string, std::string>{{"PORT", "9000"}, {"EMPTY", ""}});
  CHECK(env.get("PORT") == "9000");
  CHECK_FALSE(env.get("EMPTY"));
  CHECK_FALSE(env.get("MISSING"));
  CHECK_FALSE(Environment::from_envp(nullptr).get("PORT"));
}
