#include "reports/content_security_policy.h"

#include <catch2/catch.hpp>

using jobtuner::reports::contentSecurityPolicy;
using jobtuner::reports::cspHash;

TEST_CASE("cspHash is the base64 SHA-256 that browsers compare", "[reports]") {
  // SHA-256 of the empty string, base64: a known value.
  CHECK(cspHash("") == "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK(cspHash("a") != cspHash("b"));
}

TEST_CASE("the policy allows only the page's own script and style", "[reports]") {
  std::string policy = contentSecurityPolicy("let x = 1;", "body{}");
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("script-src '" + cspHash("let x = 1;") + "'") != std::string::npos);
  CHECK(policy.find("style-src '" + cspHash("body{}") + "'") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
}
