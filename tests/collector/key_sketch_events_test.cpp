// org.jobtuner.KeySketch events: read into the app's shuffle keys, heaviest first; bounded and
// deduplicated, because a log is untrusted whoever claims to have written it.

#include <catch2/catch.hpp>
#include <string>

#include "collector/event_log_parser.h"
#include "collector/event_log_parser_fixture.h"

namespace jobtuner::collector {
namespace {

using jobtuner::testing::CollectingSink;
using jobtuner::testing::feedAll;

std::string sketch(int shuffle, int stage, const std::string& keys) {
  return "{\"Event\":\"org.jobtuner.KeySketch\",\"Stage ID\":" + std::to_string(stage) + ",\"Shuffle ID\":" +
         std::to_string(shuffle) + ",\"Keys\":[" + keys + "]}";
}

std::string key(const std::string& name, int64_t records, int64_t bytes = 10) {
  return "{\"Key\":\"" + name + "\",\"Records\":" + std::to_string(records) + ",\"Bytes\":" + std::to_string(bytes) + "}";
}

}  // namespace

TEST_CASE("key sketches become the app's shuffle keys, heaviest first", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {sketch(0, 1, key("a", 5) + "," + key("b", 90, 900) + "," + key("a", 7)),
                   sketch(1, 2, key("x", 3)),
                   // A retried map stage writes shuffle 1 again: its latest sketch describes it.
                   sketch(1, 2, key("y", 4)),
                   "{\"Event\":\"org.jobtuner.KeySketch\",\"Keys\":[]}"});
  core::AppAttempt app = parser.finish(false);
  REQUIRE(app.shuffleKeys.size() == 3);
  CHECK(app.shuffleKeys[0].key == "b");
  CHECK(app.shuffleKeys[0].records == 90);
  CHECK(app.shuffleKeys[0].bytes == 900);
  CHECK(app.shuffleKeys[0].stageId == 1);
  CHECK(app.shuffleKeys[1].key == "a");  // listed twice: the first counts
  CHECK(app.shuffleKeys[1].records == 5);
  CHECK(app.shuffleKeys[2].key == "y");
  CHECK(app.shuffleKeys[2].shuffleId == 1);
  REQUIRE(parser.warnings().size() == 1);
  CHECK(parser.warnings()[0].line == 4);
  CHECK(parser.warnings()[0].message.find("without \"Shuffle ID\"") != std::string::npos);
  CHECK(parser.stats().unknownEvents == 0);
}

TEST_CASE("a key sketch keeps at most 1000 keys of at most 1 KB each", "[collector][parser][limits]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  std::string keys = key(std::string(5000, 'k'), 1);
  for (int i = 0; i < 1500; ++i) keys += "," + key("key" + std::to_string(i), 2);
  feedAll(parser, {sketch(0, 0, keys)});
  core::AppAttempt app = parser.finish(false);
  REQUIRE(app.shuffleKeys.size() == 1000);
  for (const auto& shuffleKey : app.shuffleKeys) CHECK(shuffleKey.key.size() <= 1024);
  REQUIRE(parser.warnings().size() == 1);
  CHECK(parser.warnings()[0].message.find("more than 1000 keys") != std::string::npos);
}

}  // namespace jobtuner::collector
