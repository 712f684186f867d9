// Resident memory of ingest: bounded whatever the size of the log or of one line. These tests are
// named "rss: ..." so scripts/test runs them on the build without sanitizers, whose shadow memory
// would swamp the figures.

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/event_log_builder.h"
#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

long ingestPeakRssKb(const TempDir& home, const std::string& log, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--db", (home / (fs::path(log).filename().string() + ".db")).string(), "ingest", log};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult result = runJobtuner(args);
  INFO(result.err);
  REQUIRE(result.exitCode == 0);
  return result.peakRssKb;
}

void generate(const fs::path& path, int sizeMb) {
  CommandResult result = runProgram(JOBTUNER_GENERATOR_BINARY,
                                    {"--output", path.string(), "--size-mb", std::to_string(sizeMb), "--seed", "3"});
  INFO(result.err);
  REQUIRE(result.exitCode == 0);
}

}  // namespace

TEST_CASE("rss: ingest memory does not grow with the size of the log", "[e2e][ingest][rss]") {
  TempDir home;
  generate(home / "small.log", 100);
  generate(home / "large.log", 300);
  long small = ingestPeakRssKb(home, (home / "small.log").string());
  long large = ingestPeakRssKb(home, (home / "large.log").string());
  INFO("peak RSS: 100 MB log " << small / 1024 << " MB, 300 MB log " << large / 1024 << " MB");
  // Three times the log, the same memory but for the store's page cache, which fills up to its
  // 32 MB as the store grows (the 300 MB log's store is about 25 MB): task rows go to the store as
  // they are read. Holding the 300 MB log's ~100,000 tasks would take well over 100 MB more.
  constexpr long kPageCacheKb = 32 * 1024;
  CHECK(large <= small * 11 / 10 + kPageCacheKb);
  CHECK(large < 100 * 1024);
}

TEST_CASE("rss: a line over the limit is skipped in bounded memory", "[e2e][ingest][rss]") {
  TempDir home;
  std::string text = EventLogBuilder("app-longline-0001", "long line").stage(0, 0, "s", uniformTasks(4, 0, 1700000001000, 50)).text();
  // Written in pieces: the child's peak RSS counts the parent's memory it was spawned from.
  {
    std::ofstream out(home / "long.log", std::ios::binary);
    size_t firstLineEnd = text.find('\n') + 1;
    out << text.substr(0, firstLineEnd) << "{\"Event\":\"SparkListenerLogStart\",\"pad\":\"";
    std::string chunk(1 << 20, 'z');
    for (int i = 0; i < 200; ++i) out << chunk;
    out << "\"}\n" << text.substr(firstLineEnd);
  }
  long peak = ingestPeakRssKb(home, (home / "long.log").string(), {"--max-line-mb", "16", "--json"});
  INFO("peak RSS " << peak / 1024 << " MB for a 200 MB line under a 16 MB limit");
  CHECK(peak < 100 * 1024);
}
