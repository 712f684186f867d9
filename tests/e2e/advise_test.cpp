// `jobtuner advise` on the real Spark corpus (golden files of the spark-conf advice, and the
// acceptance's checks on every change), its bad inputs, and `jobtuner tune` on two scenarios.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/settings_catalog.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path sparkEvents() {
  if (const char* dir = std::getenv("JOBTUNER_SPARK_EVENTS"); dir && *dir) return dir;
  return fs::path(JOBTUNER_SOURCE_DIR) / "../shared/spark-events";
}

/// The corpus logs the analyzers' expectations list (tests/analyzers/corpus_expectations.yaml).
std::vector<std::string> corpusLogs() {
  std::vector<std::string> logs;
  std::ifstream in(fs::path(JOBTUNER_SOURCE_DIR) / "tests/analyzers/corpus_expectations.yaml");
  std::regex entry(R"(^  - path: (\S+))");
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_search(line, match, entry)) logs.push_back(match[1]);
  }
  return logs;
}

std::string goldenName(std::string path) {
  for (char& c : path) {
    if (c == '/') c = '_';
  }
  return path + ".conf";
}

bool isCatalogueKey(const std::string& key) {
  return jobtuner::core::findProfileSettingBySparkKey(key) || jobtuner::core::findSparkSetting(key);
}

int64_t bytesOf(const std::string& text) {
  static const std::regex size(R"(^(\d+)([kmgt]?)b?$)", std::regex::icase);
  std::smatch match;
  REQUIRE(std::regex_match(text, match, size));
  int64_t value = std::stoll(match[1]);
  switch (std::tolower(static_cast<unsigned char>(std::string(match[2]).empty() ? ' ' : std::string(match[2])[0]))) {
    case 'k': return value << 10;
    case 'm': return value << 20;
    case 'g': return value << 30;
    case 't': return value << 40;
    default: return value;
  }
}

}  // namespace

TEST_CASE("advise on the Spark corpus: concrete values with reasons, catalogue keys, golden files", "[e2e][advise][corpus]") {
  fs::path events = sparkEvents();
  if (!fs::exists(events)) {
    WARN("skipped: " << events << " is absent (set JOBTUNER_SPARK_EVENTS)");
    return;
  }
  const bool update = std::getenv("JOBTUNER_UPDATE_GOLDEN") != nullptr;
  fs::path goldens = fs::path(JOBTUNER_SOURCE_DIR) / "tests/e2e/advice";
  for (const std::string& log : corpusLogs()) {
    INFO(log);
    TempDir dir;
    std::string db = (dir / "store.db").string();
    CommandResult conf = runJobtuner({"--db", db, "advise", (events / log).string(), "--format", "spark-conf"}, dir / "home");
    INFO(conf.err);
    REQUIRE(conf.exitCode == 0);
    if (update) {
      writeFile(goldens / goldenName(log), conf.out);
    } else {
      CHECK(conf.out == readFile(goldens / goldenName(log)));
    }

    // The log is stored now: the app id names it without reading the log again.
    std::string app = conf.out.substr(std::string("# jobtuner advise for ").size());
    app = app.substr(0, app.find(' '));
    CommandResult advised = runJobtuner({"--db", db, "advise", app, "--json"}, dir / "home");
    REQUIRE(advised.exitCode == 0);
    json advice = json::parse(advised.out);
    CommandResult analyzed = runJobtuner({"--db", db, "analyze", advice["app"].get<std::string>(), "--json"}, dir / "home");
    json findings = json::parse(analyzed.out)["findings"];
    bool moderate = false;
    for (const json& finding : findings) moderate = moderate || finding["severity"] != "low";
    if (!moderate) CHECK(advice["changes"].empty());  // healthy apps get nothing
    for (const json& change : advice["changes"]) {
      INFO(change.dump());
      std::string key = change["setting"];
      CHECK(isCatalogueKey(key));
      CHECK_FALSE(change["reason"].get<std::string>().empty());
      CHECK_FALSE(change["expected_effect"].get<std::string>().empty());
      if (key == "spark.sql.shuffle.partitions" && change["evidence"].contains("shuffle_read_bytes")) {
        double bytes = change["evidence"]["shuffle_read_bytes"];
        double partitions = std::stod(change["to"].get<std::string>());
        double perPartition = bytes / partitions;
        bool floored = partitions <= change["evidence"]["slots"].get<double>();
        CHECK((floored || (perPartition >= 64.0 * (1 << 20) && perPartition <= 512.0 * (1 << 20))));
      }
      if (key == "spark.executor.memory" && change["evidence"].contains("peak_executor_memory_bytes")) {
        double peak = change["evidence"]["peak_executor_memory_bytes"];
        CHECK(static_cast<double>(bytesOf(change["to"])) >= peak * 1.25);
      }
    }
    std::istringstream lines(conf.out);
    for (std::string text; std::getline(lines, text);) {
      if (text.rfind("--conf ", 0) != 0) continue;
      CHECK(isCatalogueKey(text.substr(7, text.find('=') - 7)));
    }
  }
}

TEST_CASE("advise: an unknown target, a bad configuration and limits that allow nothing exit 2 and write nothing", "[e2e][advise]") {
  TempDir dir;
  std::string db = (dir / "store.db").string();
  CommandResult unknown = runJobtuner({"--db", db, "advise", "no-such-app"}, dir / "home");
  CHECK(unknown.exitCode == 2);
  CHECK(unknown.err.find("'no-such-app' is neither a file nor an app or job key") != std::string::npos);

  writeFile(dir / "bad.yaml", "advisor:\n  limits:\n    max_partiton: 4\n");
  CommandResult badConfig = runJobtuner({"--db", db, "--config", (dir / "bad.yaml").string(), "advise", "no-such-app"}, dir / "home");
  CHECK(badConfig.exitCode == 2);
  CHECK(badConfig.err.find("bad.yaml:3:5") != std::string::npos);
  CHECK(badConfig.err.find("did you mean 'max_partitions'") != std::string::npos);

  fs::path events = sparkEvents();
  fs::path log = events / "spark-rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd";
  if (!fs::exists(log)) {
    WARN("skipped the limits case: " << log << " is absent");
    return;
  }
  // This app's replay runs clearly faster on twice its 2 executors: a limit of 2 allows nothing.
  writeFile(dir / "tight.yaml", "advisor:\n  limits: {max_executors: 2}\n");
  fs::path written = dir / "advice.conf";
  CommandResult blocked = runJobtuner({"--db", db, "--config", (dir / "tight.yaml").string(), "advise", log.string(), "--format",
                                       "spark-conf", "--write", written.string()},
                                      dir / "home");
  INFO(blocked.out << blocked.err);
  CHECK(blocked.exitCode == 2);
  CHECK(blocked.err.find("the advisor's limits allow no change") != std::string::npos);
  CHECK(blocked.err.find("tight.yaml") != std::string::npos);
  CHECK_FALSE(fs::exists(written));

  CommandResult loose = runJobtuner({"--db", db, "advise", log.string(), "--format", "spark-conf", "--write", written.string()}, dir / "home");
  CHECK(loose.exitCode == 0);
  CHECK(readFile(written).find("--conf spark.executor.instances=4") != std::string::npos);
}

TEST_CASE("validate checks the advisor section of jobtuner's configuration", "[e2e][advise]") {
  TempDir dir;
  writeFile(dir / "jobtuner.yaml", "advisor:\n  prices: {core_hour: 0.1}\n");
  CommandResult good = runJobtuner({"validate", (dir / "jobtuner.yaml").string()}, dir / "home");
  CHECK(good.exitCode == 0);
  CHECK(good.out.find("ok (jobtuner configuration") != std::string::npos);
  writeFile(dir / "bad.yaml", "advisor:\n  prices: {core_hour: free}\n");
  CommandResult bad = runJobtuner({"validate", (dir / "bad.yaml").string()}, dir / "home");
  CHECK(bad.exitCode == 2);
  CHECK((bad.out + bad.err).find("bad.yaml:2:23") != std::string::npos);
}

TEST_CASE("tune: a profile that does not parse stops before anything runs", "[e2e][tune]") {
  TempDir dir;
  writeFile(dir / "bad.yaml", "executor_memory: lots\n");
  CommandResult result = runJobtuner({"--db", (dir / "store.db").string(), "tune", (fs::path(JOBTUNER_SOURCE_DIR) / "jobs/tiny-partitions/job.yaml").string(),
                                      "--profile", (dir / "bad.yaml").string()},
                                     dir / "home");
  CHECK(result.exitCode == 2);
  CHECK(result.err.find("bad.yaml:1:18") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "home" / "tune"));
}

namespace {

json tune(const TempDir& dir, const std::string& scenario, const std::string& rows, int iterations) {
  fs::path data = dir / "data";
  CommandResult generated = runProgram(JOBTUNER_DATAGEN_BINARY, {scenario, "--out", data.string(), "--rows", rows});
  REQUIRE(generated.exitCode == 0);
  fs::path jobs = fs::path(JOBTUNER_SOURCE_DIR) / "jobs" / scenario;
  CommandResult result = runProgram(JOBTUNER_BINARY,
                                    {"--db", (dir / "store.db").string(), "tune", (jobs / "job.yaml").string(), "--profile",
                                     (jobs / "profile.yaml").string(), "--iterations", std::to_string(iterations), "--json",
                                     "--write", (dir / "tuned.yaml").string()},
                                    {"DATA_DIR=" + data.string(), "OUTPUT_DIR=" + (dir / "out").string(),
                                     "JOBTUNER_HOME=" + (dir / "home").string()});
  INFO(result.out.substr(0, 4000) << result.err);
  REQUIRE(result.exitCode == 0);
  return json::parse(result.out);
}


}  // namespace

TEST_CASE("tune: thousands of tiny partitions shrink to a few, findings gone, outputs equal", "[e2e][tune]") {
  TempDir dir;
  json tuned = tune(dir, "tiny-partitions", "100000", 3);
  const json& runs = tuned["iterations"];
  REQUIRE(runs.size() >= 2);
  CHECK(tuned["outputs_equal"] == true);
  CHECK(runs[0]["findings"]["moderate"].get<int>() >= 1);
  const json& last = runs.back();
  CHECK(last["succeeded"] == true);
  CHECK(last["findings"]["moderate"] == 0);
  CHECK(last["findings"]["severe"] == 0);
  CHECK(last["output"] == "equal");
  bool shrank = false;
  for (const json& change : runs[1]["changes_made"]) shrank = shrank || change.get<std::string>().find("partitions 1000 (shuffle_partitions) -> 2") != std::string::npos;
  CHECK(shrank);
  CHECK(readFile(dir / "tuned.yaml").find("partitions: 2") != std::string::npos);
}

TEST_CASE("rss: tune: an executor killed for its memory limit fails the first run; the tuned run succeeds", "[e2e][tune][rss]") {
  TempDir dir;
  json tuned = tune(dir, "memory-killed", "2500000", 2);
  const json& runs = tuned["iterations"];
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["succeeded"] == false);
  CHECK(runs[0]["executors_lost"].get<int>() >= 1);
  CHECK(runs[1]["succeeded"] == true);
  CHECK(runs[1]["executors_lost"] == 0);
  CHECK(runs[1]["findings"]["critical"] == 0);
  CHECK(runs[1]["findings"]["severe"] == 0);
  CHECK(tuned["best_iteration"] == 2);
}
