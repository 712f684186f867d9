// End to end through the binary: every real Spark event log of the shared corpus ingests, with the
// TaskEnd counts the corpus MANIFEST gives, into a store whose content does not depend on order.

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "collector/store.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
namespace fs = std::filesystem;

namespace {

// path (relative to the corpus, no trailing slash) -> TaskEnd events, from MANIFEST.md's tables.
std::map<std::string, int64_t> manifestTaskEndCounts(const fs::path& corpus) {
  std::map<std::string, int64_t> counts;
  std::istringstream manifest(readFile(corpus / "MANIFEST.md"));
  std::string line;
  // | `spark-events/<path>` | origin | version | size | format | TaskEnd events | ...
  std::regex row(R"(^\| `spark-events/([^`]+)` \|[^|]*\|[^|]*\|[^|]*\|[^|]*\| ([0-9,]+) \|)");
  while (std::getline(manifest, line)) {
    std::smatch match;
    if (!std::regex_search(line, match, row)) continue;
    std::string path = match[1];
    if (!path.empty() && path.back() == '/') path.pop_back();
    std::string number = match[2];
    number.erase(std::remove(number.begin(), number.end(), ','), number.end());
    counts[path] = std::stoll(number);
  }
  return counts;
}

std::string relativeTo(const fs::path& corpus, const std::string& path) {
  return fs::relative(fs::path(path), corpus).string();
}

std::string dumpStore(const fs::path& db) {
  auto store = jobtuner::collector::Store::open(db);
  return store->dumpForComparison();
}

}  // namespace

TEST_CASE("every corpus log ingests with the MANIFEST's TaskEnd count", "[e2e][ingest][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  auto expected = manifestTaskEndCounts(*corpus);
  REQUIRE(expected.size() == 56);

  TempDir home;
  CommandResult result = runJobtuner({"--db", (home / "store.db").string(), "ingest", corpus->string(), "--json"});
  INFO(result.err);
  REQUIRE(result.exitCode == 0);
  auto output = nlohmann::json::parse(result.out);
  std::map<std::string, int64_t> seen;
  for (const auto& log : output["logs"]) {
    seen[relativeTo(*corpus, log["path"])] = log["task_end_events"].get<int64_t>();
  }
  for (const auto& [path, count] : expected) {
    INFO(path);
    REQUIRE(seen.count(path) == 1);
    CHECK(seen[path] == count);
  }
  CHECK(seen.size() == expected.size());
}

TEST_CASE("duplicate, incomplete and multi-attempt copies are flagged", "[e2e][ingest][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  TempDir home;
  std::string db = (home / "store.db").string();
  CommandResult ingest = runJobtuner({"--db", db, "ingest", corpus->string(), "--json"});
  REQUIRE(ingest.exitCode == 0);
  auto logs = nlohmann::json::parse(ingest.out)["logs"];

  std::map<std::string, std::string> copyByPath;
  for (const auto& log : logs) copyByPath[relativeTo(*corpus, log["path"])] = log["copy"];
  // The MANIFEST lists 9 groups of logs sharing an (app id, attempt id) key: 56 logs, 47 keys.
  int kept = 0;
  for (const auto& [path, copy] : copyByPath) kept += copy == "kept";
  CHECK(kept == 47);
  // A complete copy beats an incomplete one, whatever else.
  // (last-attempt-incomplete has a complete attempt 1; previous-attempt-incomplete a complete attempt 2.)
  CHECK(copyByPath["apache-spark/spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_1"] == "kept");
  CHECK(copyByPath["apache-spark/spark-events-broken/previous-attempt-incomplete/application_1656321732247_0006_1"] == "superseded");
  CHECK(copyByPath["apache-spark/spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_2"] == "superseded");
  CHECK(copyByPath["apache-spark/spark-events-broken/previous-attempt-incomplete/application_1656321732247_0006_2"] == "kept");
  CHECK(copyByPath["spark-rapids-tools/spark-events-qualification/truncated_eventlog"] == "superseded");
  CHECK(copyByPath["spark-rapids-tools/spark-events-qualification/dsAndDf_eventlog.zstd"] == "kept");

  CommandResult apps = runJobtuner({"--db", db, "apps", "--json"});
  REQUIRE(apps.exitCode == 0);
  std::map<std::string, std::vector<std::string>> flags;
  for (const auto& app : nlohmann::json::parse(apps.out)) {
    std::string key = app["app_id"].get<std::string>() + "/" + (app["attempt_id"].is_null() ? "" : app["attempt_id"].get<std::string>());
    flags[key] = app["flags"].get<std::vector<std::string>>();
  }
  CHECK(flags.size() == 47);
  auto has = [&](const std::string& key, const std::string& flag) {
    for (const auto& f : flags[key]) {
      if (f.rfind(flag, 0) == 0) return true;
    }
    return false;
  };
  CHECK(has("local-1426533911241/1", "multi-attempt"));
  CHECK(has("local-1426533911241/1", "superseded-copies"));
  CHECK(has("app-20161116163331-0000/", "incomplete") == false);
  // The Databricks q88 log ends without ApplicationEnd.
  CHECK(has("app-20240919162642-0000/", "incomplete"));
}

TEST_CASE("the store's content does not depend on the order of ingestion", "[e2e][ingest][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  // The duplicate groups are where order could matter; include every member of each.
  std::vector<std::string> logs = {
      "apache-spark-historic/local-1422981780767",
      "apache-spark/local-1422981780767",
      "apache-spark-historic/local-1426533911241",
      "apache-spark/local-1426533911241",
      "apache-spark/spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_1",
      "apache-spark/spark-events-broken/previous-attempt-incomplete/application_1656321732247_0006_1",
      "apache-spark/spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_2",
      "apache-spark/spark-events-broken/previous-attempt-incomplete/application_1656321732247_0006_2",
      "spark-rapids-tools/spark-events-profiling/malformed_json_eventlog.zstd",
      "spark-rapids-tools/spark-events-profiling/rp_sql_eventlog.zstd",
      "spark-rapids-tools/spark-events-qualification/dsAndDf_eventlog.zstd",
      "spark-rapids-tools/spark-events-qualification/truncated_eventlog",
      "mcp-apache-spark-history-server/eventlog_v2_spark-110be3a8424d4a2789cb88134418217b",
  };
  TempDir home;
  std::string forward = (home / "forward.db").string();
  std::string backward = (home / "backward.db").string();
  for (size_t i = 0; i < logs.size(); ++i) {
    CHECK(runJobtuner({"--db", forward, "ingest", (*corpus / logs[i]).string()}).exitCode == 0);
    CHECK(runJobtuner({"--db", backward, "ingest", (*corpus / logs[logs.size() - 1 - i]).string()}).exitCode == 0);
  }
  std::string forwardDump = dumpStore(forward);
  CHECK(forwardDump.size() > 1000);
  CHECK(forwardDump == dumpStore(backward));
}
