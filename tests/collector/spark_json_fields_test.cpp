#include "collector/spark_json_fields.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace jobtuner::collector;

TEST_CASE("parseInteger accepts integers, decimals and exponents", "[collector][json]") {
  CHECK(parseInteger("42") == 42);
  CHECK(parseInteger(" -7 ") == -7);
  CHECK(parseInteger("1.9") == 1);
  CHECK(parseInteger("2.5e3") == 2500);
  CHECK(parseInteger("1e30") == std::numeric_limits<int64_t>::max());
  CHECK_FALSE(parseInteger("").has_value());
  CHECK_FALSE(parseInteger("12abc").has_value());
  CHECK_FALSE(parseInteger("nan").has_value());
}

TEST_CASE("nestsDeeperThan counts brackets outside strings only", "[collector][json]") {
  CHECK_FALSE(nestsDeeperThan(R"({"a":[[1]]})", 3));
  CHECK(nestsDeeperThan(R"({"a":[[[1]]]})", 3));
  CHECK_FALSE(nestsDeeperThan(R"({"a":"[[[[[[[[[["})", 3));
  CHECK_FALSE(nestsDeeperThan(R"({"a":"\"[[[[[[[[[["})", 3));
  // Siblings do not add up.
  CHECK_FALSE(nestsDeeperThan(R"([[1],[2],[3],[4],[5]])", 2));
}

TEST_CASE("firstLine keeps the first line within a byte budget", "[collector][json]") {
  CHECK(firstLine("  boom\n\tat x  ") == "boom");
  CHECK(firstLine("abcdef", 3) == "abc...");
  // Never splits a UTF-8 character: "é" is two bytes.
  CHECK(firstLine("aé", 2) == "a...");
  CHECK(firstLine("") == "");
}

TEST_CASE("nestsDeeperThan is exact on long lines", "[collector][json]") {
  // 5000 openers span several blocks of the vectorized count and one partial tail.
  std::string nested = std::string(5000, '[') + std::string(5000, ']');
  CHECK_FALSE(nestsDeeperThan(nested, 5000));
  CHECK(nestsDeeperThan(nested, 4999));
  std::string quoted = "[\"" + std::string(5000, '{') + "\"]";
  CHECK_FALSE(nestsDeeperThan(quoted, 10));
}
