// jobtuner show through the binary: stage quantiles equal the Spark History Server's own answers.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/event_log_builder.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using nlohmann::json;

namespace {

json showStage(const std::string& db, const std::string& app, int stage, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"--db", db, "show", app, "--stage", std::to_string(stage), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult result = runJobtuner(args);
  INFO(result.err);
  REQUIRE(result.exitCode == 0);
  auto stages = json::parse(result.out)["stages"];
  REQUIRE(stages.size() == 1);
  return stages[0]["task_summary"];
}

}  // namespace

TEST_CASE("show --quantiles matches the History Server's taskSummary expectations", "[e2e][show][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  TempDir home;
  std::string db = (home / "store.db").string();
  REQUIRE(runJobtuner({"--db", db, "ingest", (*corpus / "apache-spark/local-1430917381534").string()}).exitCode == 0);
  fs::path expectations = *corpus / "expectations/apache-spark";

  SECTION("custom quantiles") {
    json expected = json::parse(readFile(expectations / "stage_task_summary_w__custom_quantiles_expectation.json"));
    CHECK(showStage(db, "local-1430917381534", 0, {"--quantiles", "0.01,0.5,0.99"}) == expected);
  }
  SECTION("shuffle read") {
    json expected = json::parse(readFile(expectations / "stage_task_summary_w_shuffle_read_expectation.json"));
    CHECK(showStage(db, "local-1430917381534", 1, {}) == expected);
  }
  SECTION("shuffle write") {
    json expected = json::parse(readFile(expectations / "stage_task_summary_w_shuffle_write_expectation.json"));
    CHECK(showStage(db, "local-1430917381534", 0, {"--quantiles", "0.05,0.25,0.5,0.75,0.95"}) == expected);
  }
}

TEST_CASE("show prints stages, quantiles and executors with removal reasons", "[e2e][show]") {
  TempDir home;
  std::string db = (home / "store.db").string();
  writeFile(home / "app.log", EventLogBuilder("app-show-0001", "nightly report")
                                  .executor("1", "host-1", 4, 1700000000100)
                                  .executor("2", "host-2", 4, 1700000000100)
                                  .stage(0, 0, "aggregate at report.py:12", uniformTasks(8, 0, 1700000001000, 120))
                                  .removeExecutor("2", 1700000009000, "Container killed by YARN for exceeding memory limits.")
                                  .text());
  REQUIRE(runJobtuner({"--db", db, "ingest", (home / "app.log").string()}).exitCode == 0);
  CommandResult text = runJobtuner({"--db", db, "show", "app-show-0001"});
  INFO(text.err);
  REQUIRE(text.exitCode == 0);
  CHECK(text.out.find("aggregate at report.py:12") != std::string::npos);
  CHECK(text.out.find("Executor run time") != std::string::npos);
  CHECK(text.out.find("exceeding memory limits") != std::string::npos);

  CommandResult missing = runJobtuner({"--db", db, "show", "app-nope"});
  CHECK(missing.exitCode == 2);
  CHECK(missing.err.find("app-nope") != std::string::npos);

  CommandResult badQuantiles = runJobtuner({"--db", db, "show", "app-show-0001", "--quantiles", "0.5,1.5"});
  CHECK(badQuantiles.exitCode == 2);
  CHECK(badQuantiles.err.find("1.5") != std::string::npos);
}

TEST_CASE("jobtuner --help lists the subcommands and each has its own help", "[e2e][cli]") {
  CommandResult help = runJobtuner({"--help"});
  CHECK(help.exitCode == 0);
  for (const char* command : {"ingest", "apps", "show"}) {
    INFO(command);
    CHECK(help.out.find(command) != std::string::npos);
    CommandResult sub = runJobtuner({command, "--help"});
    CHECK(sub.exitCode == 0);
    CHECK(sub.out.find("--json") != std::string::npos);
  }
  CommandResult unknown = runJobtuner({"frobnicate"});
  CHECK(unknown.exitCode == 2);
}

TEST_CASE("the store defaults to $JOBTUNER_HOME/jobtuner.db", "[e2e][cli]") {
  TempDir home;
  writeFile(home / "app.log", EventLogBuilder("app-home-0001", "home").stage(0, 0, "s", uniformTasks(2, 0, 1700000001000, 50)).text());
  REQUIRE(runJobtuner({"ingest", (home / "app.log").string()}, home.path()).exitCode == 0);
  CHECK(fs::exists(home / "jobtuner.db"));
  CommandResult apps = runJobtuner({"apps"}, home.path());
  CHECK(apps.out.find("app-home-0001") != std::string::npos);
}
