// jobtuner api against the Spark History Server's own answers: every expectation file the corpus
// MANIFEST lists is asked of `jobtuner api` and compared as JSON values. The ones that cannot
// match yet are listed below with the reason, and the list is kept honest both ways.

#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/event_log_builder.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using nlohmann::json;

namespace {

// Expectations that must match (the endpoints the issue names), by path below expectations/.
const std::set<std::string> kRequired = {
    "apache-spark/executor_list_json_expectation.json",
    "apache-spark/job_list_json_expectation.json",
    "apache-spark/one_job_json_expectation.json",
    "apache-spark/one_app_json_expectation.json",
    "apache-spark/succeeded_failed_job_list_json_expectation.json",
    "apache-spark/stage_task_summary_w__custom_quantiles_expectation.json",
    "apache-spark/stage_task_summary_w_shuffle_read_expectation.json",
    "apache-spark/stage_task_summary_w_shuffle_write_expectation.json",
    "apache-spark/stage_with_summaries_expectation.json",
    "apache-spark/stage_list_json_expectation.json",
    "apache-spark/complete_stage_list_json_expectation.json",
    "apache-spark/failed_stage_list_json_expectation.json",
    "apache-spark/one_stage_json_expectation.json",
    "apache-spark/one_stage_attempt_json_expectation.json",
    "apache-spark/stage_task_list_expectation.json",
};

struct KnownMismatch {
  const char* file;
  const char* reason;
};

// Expectations known not to match, each with why. A file listed here that starts to match fails
// the test, so the list only ever shrinks.
// App lists: the test also checks that leaving out the apps missing from the corpus is the only
// difference.
constexpr const char* kMissingApps = "lists apps whose logs Spark's folder had and the corpus lacks";
const KnownMismatch kKnownMismatches[] = {
    {"apache-spark/application_list_json_expectation.json", kMissingApps},
    {"apache-spark/completed_app_list_json_expectation.json", kMissingApps},
    {"apache-spark/limit_app_list_json_expectation.json", kMissingApps},
    {"apache-spark/minDate_app_list_json_expectation.json", kMissingApps},
    {"apache-spark/minEndDate_app_list_json_expectation.json", kMissingApps},
    {"apache-spark-historic/executor_list_with_executor_metrics_json_expectation.json",
     "made by a 2019 Spark 3.0 snapshot: no isExcluded, resources or GC-time fields, driver not given the app's run time"},
};

// Logs an app's other attempts live in: the MANIFEST names one log per expectation, and Spark's
// folder held the second attempt of local-1426533911241 in a file of another name.
const std::map<std::string, std::vector<std::string>> kCompanionLogs = {
    {"apache-spark/local-1426533911241", {"apache-spark/local-1426633911242"}},
};

constexpr const char* kWholeFolder = "all apps in the folder";

struct Expectation {
  std::string file;        // expectations/<folder>/<name>.json
  std::string restPath;
  std::string sourceLog;   // relative to the corpus; empty for the whole folder
  std::string folder;      // the corpus folder the expectation was made from
  // "apache-spark/one_app_json_expectation.json": two folders hold files of the same name.
  std::string name() const { return folder + "/" + std::filesystem::path(file).filename().string(); }
};

std::string trimmed(const std::string& text) {
  size_t first = text.find_first_not_of(" \t");
  size_t last = text.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::string firstBackticked(const std::string& cell) {
  size_t open = cell.find('`');
  size_t close = open == std::string::npos ? std::string::npos : cell.find('`', open + 1);
  return close == std::string::npos ? std::string() : cell.substr(open + 1, close - open - 1);
}

// The MANIFEST's table rows: | `expectations/...json` | `REST path` | `source log` or "all apps ..." |
std::vector<Expectation> readManifest(const fs::path& corpus) {
  std::vector<Expectation> expectations;
  std::set<std::string> seen;
  std::istringstream lines(readFile(corpus / "MANIFEST.md"));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("| `expectations/")) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) cells.push_back(trimmed(cell));
    if (cells.size() < 3) continue;
    Expectation expectation;
    expectation.file = firstBackticked(cells[0]);
    expectation.restPath = firstBackticked(cells[1]);
    expectation.folder = fs::path(expectation.file).parent_path().filename().string();
    if (cells[2].find(kWholeFolder) == std::string::npos) expectation.sourceLog = firstBackticked(cells[2]);
    if (expectation.file.empty() || expectation.restPath.empty() || !seen.insert(expectation.file).second) continue;
    expectations.push_back(expectation);
  }
  return expectations;
}

// The suite blanks the log files' modification times on both sides.
void blankLastUpdated(json& value) {
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      if (key == "lastUpdated") {
        item = "";
      } else if (key == "lastUpdatedEpoch") {
        item = 0;
      } else {
        blankLastUpdated(item);
      }
    }
  } else if (value.is_array()) {
    for (json& item : value) blankLastUpdated(item);
  }
}

// For an app list made over Spark's whole folder: true when the expected list, without the apps
// the store lacks, is what we answered (its first entries, when a limit cut Spark's list).
bool differsOnlyByMissingApps(const json& expected, const json& actual, const std::set<std::string>& storedApps,
                              bool limited) {
  if (!expected.is_array() || !actual.is_array()) return false;
  json present = json::array();
  for (const json& app : expected) {
    if (storedApps.count(app.value("id", "")) > 0) present.push_back(app);
  }
  if (!limited) return present == actual;
  return present.size() <= actual.size() && std::equal(present.begin(), present.end(), actual.begin());
}

// The first few differences, as JSON-patch paths, to say where an answer went wrong.
std::string describeDifference(const json& expected, const json& actual) {
  json patch = json::diff(expected, actual);
  std::string text;
  for (size_t i = 0; i < patch.size() && i < 6; ++i) {
    text += "\n    " + patch[i].value("op", "") + " " + patch[i].value("path", "");
    if (patch[i].contains("value")) text += " -> " + patch[i]["value"].dump().substr(0, 160);
  }
  if (patch.size() > 6) text += "\n    ... " + std::to_string(patch.size() - 6) + " more";
  return text;
}

class Stores {
 public:
  explicit Stores(fs::path corpus) : corpus_(std::move(corpus)) {}

  // A store holding only `sourceLog` (and the other attempts of its app).
  std::string forLog(const std::string& sourceLog) {
    auto found = stores_.find(sourceLog);
    if (found != stores_.end()) return found->second;
    std::vector<std::string> logs{sourceLog};
    if (auto companions = kCompanionLogs.find(sourceLog); companions != kCompanionLogs.end()) {
      logs.insert(logs.end(), companions->second.begin(), companions->second.end());
    }
    return stores_[sourceLog] = ingest("log-" + std::to_string(stores_.size()), logs);
  }

  // A store holding every log of the folder the History Server read (its files, not its
  // sub-folders, which Spark's suite kept elsewhere).
  std::string forFolder(const std::string& folder) {
    std::string key = "folder:" + folder;
    auto found = stores_.find(key);
    if (found != stores_.end()) return found->second;
    std::vector<std::string> logs;
    for (const auto& entry : fs::directory_iterator(corpus_ / folder)) {
      if (entry.is_regular_file()) logs.push_back(folder + "/" + entry.path().filename().string());
    }
    std::sort(logs.begin(), logs.end());
    return stores_[key] = ingest("folder-" + folder, logs);
  }

 private:
  std::string ingest(const std::string& name, const std::vector<std::string>& logs) {
    std::string db = (dir_ / (name + ".db")).string();
    std::vector<std::string> args{"--db", db, "ingest"};
    for (const std::string& log : logs) args.push_back((corpus_ / log).string());
    CommandResult result = runJobtuner(args);
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    return db;
  }

  fs::path corpus_;
  TempDir dir_;
  std::map<std::string, std::string> stores_;
};

}  // namespace

TEST_CASE("jobtuner api answers as the Spark History Server does for the corpus expectations",
          "[e2e][api][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  std::vector<Expectation> expectations = readManifest(*corpus);
  REQUIRE(expectations.size() >= 50);

  std::map<std::string, std::string> known;
  for (const KnownMismatch& mismatch : kKnownMismatches) known[mismatch.file] = mismatch.reason;

  Stores stores(*corpus);
  int matching = 0;
  std::vector<std::string> report;
  for (const Expectation& expectation : expectations) {
    std::string db = expectation.sourceLog.empty() ? stores.forFolder(expectation.folder)
                                                   : stores.forLog(expectation.sourceLog);
    CommandResult result = runJobtuner({"--db", db, "api", expectation.restPath});
    json expected = json::parse(readFile(*corpus / expectation.file));
    json actual = result.exitCode == 0 ? json::parse(result.out, nullptr, false) : json("exit code " + std::to_string(result.exitCode) + ": " + result.err);
    blankLastUpdated(expected);
    blankLastUpdated(actual);
    bool matches = actual == expected;
    if (matches) ++matching;
    std::string name = expectation.name();
    bool isKnown = known.count(name) > 0;
    report.push_back(std::string(matches ? "match    " : isKnown ? "known    " : "MISMATCH ") + name + "  (" +
                     expectation.restPath + ")" + (matches ? "" : describeDifference(expected, actual)));

    INFO(expectation.file << " <- jobtuner api " << expectation.restPath << "\n" << report.back());
    if (kRequired.count(name) > 0) CHECK(matches);
    if (isKnown) {
      CHECK_FALSE(matches);  // it matches now: remove it from kKnownMismatches
      if (known[name] == std::string(kMissingApps)) {
        std::set<std::string> storedApps;
        CommandResult all = runJobtuner({"--db", db, "api", "/applications"});
        for (const json& app : json::parse(all.out)) storedApps.insert(app.value("id", ""));
        bool limited = expectation.restPath.find("limit=") != std::string::npos;
        CHECK(differsOnlyByMissingApps(expected, actual, storedApps, limited));
      }
    } else {
      CHECK(matches);        // a new mismatch: fix it, or list it with its reason
    }
  }
  // Every file the two lists name is one the MANIFEST lists (a typo would silently excuse nothing).
  std::set<std::string> listed;
  for (const Expectation& expectation : expectations) listed.insert(expectation.name());
  for (const std::string& name : kRequired) CHECK(listed.count(name) == 1);
  for (const auto& [name, reason] : known) CHECK(listed.count(name) == 1);

  std::string summary = std::to_string(matching) + " of " + std::to_string(expectations.size()) +
                        " History Server expectations match";
  std::cout << "api conformance: " << summary << "\n";
  for (const std::string& line : report) {
    if (!line.starts_with("match")) std::cout << "  " << line << "\n";
  }
  WARN(summary);
}

TEST_CASE("jobtuner api prints the answer, and exits 2 naming unknown paths and missing apps", "[e2e][api]") {
  TempDir home;
  std::string db = (home / "store.db").string();
  std::vector<TaskSpec> tasks = uniformTasks(3, 0, 1700000001000, 100);
  tasks[1].executorId = "2";
  tasks[2].executorId = "2";
  tasks[2].reason = "ExecutorLostFailure";
  writeFile(home / "app.log", EventLogBuilder("app-api-0001", "api test")
                                  .executor("1", "host-1", 4, 1700000000100)
                                  .executor("2", "host-2", 4, 1700000000100)
                                  .stage(0, 0, "count at api.py:1", tasks)
                                  .removeExecutor("2", 1700000001250, "Container lost")
                                  .text());
  REQUIRE(runJobtuner({"--db", db, "ingest", (home / "app.log").string()}).exitCode == 0);

  CommandResult all = runJobtuner({"--db", db, "api", "/api/v1/applications/app-api-0001/allexecutors"});
  INFO(all.err);
  REQUIRE(all.exitCode == 0);
  CHECK(all.out.find("\n  {\n    \"id\"") != std::string::npos);  // two-space indentation
  json executors = json::parse(all.out);
  REQUIRE(executors.size() == 2);
  const json& lost = executors[1];
  CHECK(lost["id"] == "2");
  CHECK(lost["isActive"] == false);
  CHECK(lost["removeReason"] == "Container lost");
  // The task lost with the executor ended after its removal: Spark leaves it active there.
  CHECK(lost["completedTasks"] == 1);
  CHECK(lost["activeTasks"] == 1);
  CHECK(lost["totalTasks"] == 2);
  CHECK(json::parse(runJobtuner({"--db", db, "api", "applications/app-api-0001/executors"}).out).size() == 1);

  CommandResult unknown = runJobtuner({"--db", db, "api", "/applications/app-api-0001/jobs/0/nothing"});
  CHECK(unknown.exitCode == 2);
  CHECK_THAT(unknown.err, Catch::Contains("no History Server endpoint answers /applications/app-api-0001/jobs/0/nothing"));
  CHECK(runJobtuner({"--db", db, "api", "/version"}).exitCode == 2);
  CHECK_THAT(unknown.err, Catch::Contains("/applications/{app-id}[/{attempt-id}]/jobs"));

  CommandResult missingApp = runJobtuner({"--db", db, "api", "/applications/app-none/jobs"});
  CHECK(missingApp.exitCode == 2);
  CHECK_THAT(missingApp.err, Catch::Contains("no such app: app-none"));
  CommandResult missingJob = runJobtuner({"--db", db, "api", "/applications/app-api-0001/jobs/7"});
  CHECK(missingJob.exitCode == 2);
  CHECK_THAT(missingJob.err, Catch::Contains("unknown job: 7"));
  CommandResult badValue = runJobtuner({"--db", db, "api", "/applications?limit=x"});
  CHECK(badValue.exitCode == 2);
  CHECK_THAT(badValue.err, Catch::Contains("Bad value for parameter \"limit\""));
  CommandResult badPath = runJobtuner({"--db", db, "api", "/applications/%zz"});
  CHECK(badPath.exitCode == 2);
  CHECK_THAT(badPath.err, Catch::Contains("%zz"));
  CHECK(badPath.out.empty());
}
