#include <catch2/catch.hpp>

#include "core/units.h"

using namespace jobtuner::core;

TEST_CASE("sizes print in powers of 1024 with one decimal", "[core][units]") {
  CHECK(formatBytes(0) == "0 B");
  CHECK(formatBytes(1023) == "1023 B");
  CHECK(formatBytes(1536) == "1.5 KB");
  CHECK(formatBytes(int64_t{1288490189}) == "1.2 GB");
  CHECK(formatBytes(-2048) == "-2.0 KB");
}

TEST_CASE("durations pick the unit a person reads best", "[core][units]") {
  CHECK(formatDurationMs(850) == "850 ms");
  CHECK(formatDurationMs(1200) == "1.2 s");
  CHECK(formatDurationMs(204000) == "3.4 min");
  CHECK(formatDurationMs(5400000) == "1.5 h");
}

TEST_CASE("instants print as ISO 8601 UTC with milliseconds", "[core][units]") {
  CHECK(formatTimestampMs(1422981779720) == "2015-02-03T16:42:59.720Z");
  CHECK(formatTimestampMs(0) == "-");
}
