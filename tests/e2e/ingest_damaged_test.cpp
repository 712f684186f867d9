// Damaged event logs through the binary: what precedes the damage is kept, the damage is a
// warning with its line number, and the exit code stays 0.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/event_log_builder.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using nlohmann::json;

namespace {

std::string healthyLog() {
  return EventLogBuilder("app-damaged-0001", "damaged")
      .executor("1", "host-1", 2, 1700000000100)
      .stage(0, 0, "first", uniformTasks(4, 0, 1700000001000, 100))
      .stage(1, 1, "second", uniformTasks(4, 4, 1700000002000, 100))
      .text();
}

json ingestOne(const TempDir& home, const std::string& path, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--db", (home / "store.db").string(), "ingest", path, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult result = runJobtuner(args);
  INFO(result.err);
  REQUIRE(result.exitCode == 0);
  auto logs = json::parse(result.out)["logs"];
  REQUIRE(logs.size() == 1);
  return logs[0];
}

bool hasWarning(const json& log, int64_t line, const std::string& fragment) {
  for (const auto& warning : log["warnings"]) {
    if ((line == 0 || warning["line"] == line) && warning["message"].get<std::string>().find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a log cut mid-line keeps what precedes the cut and is marked incomplete", "[e2e][ingest][damaged]") {
  TempDir home;
  std::string text = healthyLog();
  // Cut inside the TaskEnd of the 7th task: the first six TaskEnds survive.
  size_t cut = 0;
  for (int i = 0; i < 7; ++i) cut = text.find("SparkListenerTaskEnd", cut + 1);
  text.resize(cut + 40);
  writeFile(home / "cut.log", text);
  json log = ingestOne(home, (home / "cut.log").string());
  CHECK(log["task_end_events"] == 6);
  CHECK(log["status"] == "incomplete");
  int64_t lines = std::count(text.begin(), text.end(), '\n') + 1;
  CHECK(hasWarning(log, lines, "cut mid-line"));
}

TEST_CASE("a corrupt line in the middle is skipped with its line number", "[e2e][ingest][damaged]") {
  TempDir home;
  std::string text = healthyLog();
  size_t thirdLineEnd = 0;
  for (int i = 0; i < 3; ++i) thirdLineEnd = text.find('\n', thirdLineEnd + 1);
  text.insert(thirdLineEnd + 1, "{\"Event\":\"SparkListenerTaskEnd\", this is not json\n");
  writeFile(home / "corrupt.log", text);
  json log = ingestOne(home, (home / "corrupt.log").string());
  CHECK(log["task_end_events"] == 8);
  CHECK(log["status"] == "completed");
  CHECK(hasWarning(log, 4, ""));
}

TEST_CASE("a 50 MB line is parsed", "[e2e][ingest][damaged]") {
  TempDir home;
  std::string text = healthyLog();
  // Real SQL-plan lines reach tens of MB: an unknown event carrying a 50 MB string.
  std::string big = "{\"Event\":\"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart\",\"executionId\":0,"
                    "\"description\":\"big\",\"physicalPlanDescription\":\"" + std::string(50 << 20, 'x') + "\"}\n";
  text.insert(text.find('\n') + 1, big);
  writeFile(home / "big.log", text);
  json log = ingestOne(home, (home / "big.log").string());
  CHECK(log["task_end_events"] == 8);
  CHECK(log["warnings"].empty());
}

TEST_CASE("a line over the configured limit is skipped with a warning", "[e2e][ingest][damaged]") {
  TempDir home;
  std::string text = healthyLog();
  std::string big = "{\"Event\":\"SparkListenerLogStart\",\"pad\":\"" + std::string(3 << 20, 'y') + "\"}\n";
  text.insert(text.find('\n') + 1, big);
  writeFile(home / "long.log", text);
  json log = ingestOne(home, (home / "long.log").string(), {"--max-line-mb", "2"});
  CHECK(log["task_end_events"] == 8);
  CHECK(hasWarning(log, 2, "longer than the limit"));
}

TEST_CASE("JSON nested deeper than the limit is skipped with a warning", "[e2e][ingest][damaged]") {
  TempDir home;
  std::string text = healthyLog();
  std::string deep = "{\"Event\":\"SparkListenerLogStart\",\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}\n";
  text.insert(text.find('\n') + 1, deep);
  writeFile(home / "deep.log", text);
  json log = ingestOne(home, (home / "deep.log").string());
  CHECK(log["task_end_events"] == 8);
  CHECK(hasWarning(log, 2, ""));
}

TEST_CASE("an in-progress log is ingested as incomplete", "[e2e][ingest][damaged]") {
  TempDir home;
  std::string text = EventLogBuilder("app-running-0001", "running")
                         .stage(0, 0, "only", uniformTasks(3, 0, 1700000001000, 100))
                         .withoutEnd()
                         .text();
  writeFile(home / "app-running-0001.inprogress", text);
  json log = ingestOne(home, (home / "app-running-0001.inprogress").string());
  CHECK(log["status"] == "incomplete");
  CHECK(log["task_end_events"] == 3);
}
