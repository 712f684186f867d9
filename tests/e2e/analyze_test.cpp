// jobtuner analyze, findings, rules and validate (for rule files) through the binary.

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "support/event_log_builder.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using nlohmann::json;

namespace {

constexpr int64_t kStart = 1700000000000;

/// An app with a skewed stage and an executor killed for its memory limit.
std::string troubledLog() {
  std::vector<TaskSpec> tasks = uniformTasks(10, 0, kStart + 1000, 300);
  for (TaskSpec& task : tasks) task.launchTimeMs = kStart + 1000;
  tasks[4].durationMs = 9000;
  tasks[4].runTimeMs = 8990;
  EventLogBuilder builder("app-troubled", "troubled");
  builder.executor("1", "host-1", 4, kStart).executor("2", "host-2", 4, kStart);
  builder.stage(0, 0, "aggregate", tasks);
  builder.removeExecutor("2", kStart + 9000,
                         "Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used.");
  return builder.text();
}

struct Fixture {
  TempDir dir;
  std::string db = (dir / "store.db").string();
  std::string log = (dir / "app-troubled").string();
  Fixture() { writeFile(log, troubledLog()); }
  CommandResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db});
    return runJobtuner(args, dir.path() / "home");
  }
};

}  // namespace

TEST_CASE("analyze ingests a log, prints findings by severity and stores them", "[e2e][analyze]") {
  Fixture fixture;
  CommandResult text = fixture.run({"analyze", fixture.log});
  INFO(text.out << text.err);
  REQUIRE(text.exitCode == 0);
  CHECK_THAT(text.out, Catch::StartsWith("app-troubled \"troubled\": "));
  CHECK_THAT(text.out, Catch::Contains("severity  rule"));
  size_t critical = text.out.find("critical  lost-executor       executor 2");
  size_t moderate = text.out.find("moderate  task-duration-skew  stage 0.0 (aggregate)");
  CHECK(critical != std::string::npos);
  CHECK(moderate != std::string::npos);
  CHECK(critical < moderate);

  CommandResult asJson = fixture.run({"analyze", "app-troubled", "--json"});
  REQUIRE(asJson.exitCode == 0);
  json out = json::parse(asJson.out);
  CHECK(out["app"] == "app-troubled");
  json first = out["findings"][0];
  CHECK(first["rule"] == "lost-executor");
  CHECK(first["severity"] == "critical");
  CHECK(first["scope"] == json{{"kind", "executor"}, {"job_id", nullptr}, {"stage_id", nullptr}, {"stage_attempt", nullptr},
                               {"stage_name", nullptr}, {"executor_id", "2"}});
  CHECK(first["advice"].size() > 0);
  bool skew = false;
  for (const json& finding : out["findings"]) {
    if (finding["rule"] != "task-duration-skew") continue;
    skew = true;
    CHECK(finding["scope"]["stage_id"] == 0);
    CHECK(finding["scope"]["stage_name"] == "aggregate");
    CHECK(finding["evidence"]["max(duration_ms)"] == 9000);
    CHECK(finding["evidence"]["p50(duration_ms)"] == 300);
  }
  CHECK(skew);
}

TEST_CASE("analyze --fail-on exits 1 when a finding reaches the severity", "[e2e][analyze]") {
  Fixture fixture;
  CHECK(fixture.run({"analyze", fixture.log, "--fail-on", "critical"}).exitCode == 1);
  CHECK(fixture.run({"analyze", fixture.log, "--fail-on", "low"}).exitCode == 1);
  EventLogBuilder healthy("app-healthy", "healthy");
  healthy.executor("1", "host-1", 4, kStart).stage(0, 0, "scan", uniformTasks(4, 0, kStart + 1000, 500));
  writeFile(fixture.dir / "healthy", healthy.text());
  CommandResult clean = fixture.run({"analyze", (fixture.dir / "healthy").string(), "--fail-on", "low"});
  INFO(clean.out << clean.err);
  CHECK(clean.exitCode == 0);
  CHECK_THAT(clean.out, Catch::Contains("app-healthy \"healthy\": 0 findings"));
  CommandResult bad = fixture.run({"analyze", fixture.log, "--fail-on", "serious"});
  CHECK(bad.exitCode == 2);
  CHECK_THAT(bad.err, Catch::Contains("--fail-on 'serious' is not a severity"));
  CommandResult unknown = fixture.run({"analyze", "app-nowhere"});
  CHECK(unknown.exitCode == 2);
  CHECK_THAT(unknown.err, Catch::Contains("'app-nowhere' is neither a file nor an app in the store"));
}

TEST_CASE("findings queries stored findings across apps by app, severity and time", "[e2e][analyze]") {
  Fixture fixture;
  REQUIRE(fixture.run({"analyze", fixture.log}).exitCode == 0);
  CommandResult all = fixture.run({"findings", "--json"});
  REQUIRE(all.exitCode == 0);
  json findings = json::parse(all.out)["findings"];
  REQUIRE(findings.size() >= 2);
  CHECK(findings[0]["app"] == "app-troubled");
  CHECK(findings[0]["severity"] == "critical");
  json critical = json::parse(fixture.run({"findings", "--severity", "critical", "--json"}).out)["findings"];
  CHECK(critical.size() == 1);
  CHECK(json::parse(fixture.run({"findings", "--app", "app-other", "--json"}).out)["findings"].empty());
  // The app ran in 2023: not within the last day.
  CHECK(json::parse(fixture.run({"findings", "--since", "24h", "--json"}).out)["findings"].empty());
  CommandResult table = fixture.run({"findings"});
  CHECK_THAT(table.out, Catch::Contains("critical  app-troubled  lost-executor"));
  // Analyzing again replaces the app's findings rather than adding to them.
  REQUIRE(fixture.run({"analyze", "app-troubled"}).exitCode == 0);
  CHECK(json::parse(fixture.run({"findings", "--json"}).out)["findings"].size() == findings.size());
}

TEST_CASE("analyze loads user rule directories; a bad file is skipped unless --strict", "[e2e][analyze]") {
  Fixture fixture;
  fs::create_directories(fixture.dir / "rules");
  writeFile(fixture.dir / "rules/a_bad.yaml", "- id: broken\n  title: Broken\n  scope: stage\n  when: max(duraton_ms) > 1s\n  message: x\n");
  writeFile(fixture.dir / "rules/b_good.yaml",
            "- id: two-executors\n  title: Two executors\n  scope: app\n  when: executors = 2\n"
            "  message: \"{app} had {executors} executors\"\n"
            "- override: task-duration-skew\n  enabled: false\n");
  std::string rules = (fixture.dir / "rules").string();
  CommandResult loose = fixture.run({"analyze", fixture.log, "--rules", rules, "--json"});
  INFO(loose.err);
  REQUIRE(loose.exitCode == 0);
  CHECK_THAT(loose.err, Catch::Contains("a_bad.yaml:4:13: error[unknown-name]: unknown task metric 'duraton_ms' (did you mean 'duration_ms'?)"));
  std::set<std::string> rulesFound;
  json looseOut = json::parse(loose.out);
  for (const json& finding : looseOut["findings"]) rulesFound.insert(finding["rule"].get<std::string>());
  CHECK(rulesFound.count("two-executors") == 1);
  CHECK(rulesFound.count("task-duration-skew") == 0);
  CommandResult strict = fixture.run({"analyze", fixture.log, "--rules", rules, "--strict"});
  CHECK(strict.exitCode == 2);
  CHECK_THAT(strict.err, Catch::Contains("1 problem in the rule files (--strict)"));
}

TEST_CASE("analyze --suppressions silences known findings until they expire", "[e2e][analyze]") {
  Fixture fixture;
  writeFile(fixture.dir / "suppressions.yaml",
            "- rule: lost-executor\n  executor: \"2\"\n  expires: 2999-12-31\n  reason: the node is being replaced\n"
            "- rule: task-duration-skew\n  expires: 2020-01-31\n  reason: long gone\n");
  CommandResult result = fixture.run({"analyze", fixture.log, "--suppressions", (fixture.dir / "suppressions.yaml").string(), "--json"});
  INFO(result.err);
  REQUIRE(result.exitCode == 0);
  json out = json::parse(result.out);
  CHECK(out["suppressed"] == 1);
  for (const json& finding : out["findings"]) CHECK(finding["rule"] != "lost-executor");
  CHECK_THAT(result.err, Catch::Contains("suppressions.yaml:5:3: the suppression of task-duration-skew expired on 2020-01-31"));
  writeFile(fixture.dir / "bad.yaml", "- rule: lost-executor\n  expire: 2999-12-31\n  reason: x\n");
  CommandResult bad = fixture.run({"analyze", fixture.log, "--suppressions", (fixture.dir / "bad.yaml").string()});
  CHECK(bad.exitCode == 2);
  CHECK_THAT(bad.err, Catch::Contains("bad.yaml:2:3: unknown key 'expire' (did you mean 'expires'?)"));
}

TEST_CASE("rules list, rules show and the generated reference", "[e2e][analyze]") {
  CommandResult list = runJobtuner({"rules", "list"});
  REQUIRE(list.exitCode == 0);
  CHECK_THAT(list.out, Catch::Contains("task-duration-skew"));
  CommandResult show = runJobtuner({"rules", "show", "lost-executor"});
  REQUIRE(show.exitCode == 0);
  CHECK_THAT(show.out, Catch::Contains("critical: removal_class = 'memory_limit'"));
  CommandResult unknown = runJobtuner({"rules", "show", "lost-executors"});
  CHECK(unknown.exitCode == 2);
  CHECK_THAT(unknown.err, Catch::Contains("no rule 'lost-executors' (did you mean 'lost-executor'?)"));
  CommandResult markdown = runJobtuner({"rules", "list", "--markdown"});
  REQUIRE(markdown.exitCode == 0);
  INFO("docs/rules.md is generated: jobtuner rules list --markdown > docs/rules.md");
  CHECK(markdown.out == readFile(fs::path(JOBTUNER_SOURCE_DIR) / "docs/rules.md"));
}

TEST_CASE("validate checks rule files against the built-in rules", "[e2e][analyze][validate]") {
  TempDir dir;
  writeFile(dir / "good.yaml", "- override: stragglers\n  params: {min_slowest: 2min}\n"
                               "- id: many-stages\n  title: Many stages\n  scope: app\n  when: stages > 100\n  message: x\n");
  CommandResult good = runJobtuner({"validate", (dir / "good.yaml").string()});
  INFO(good.out << good.err);
  CHECK(good.exitCode == 0);
  CHECK_THAT(good.out, Catch::Contains("good.yaml: ok (rule file, 1 rule)"));
  writeFile(dir / "bad.yaml", "- override: straglers\n  enabled: false\n");
  CommandResult bad = runJobtuner({"validate", (dir / "bad.yaml").string()});
  CHECK(bad.exitCode == 2);
  CHECK_THAT(bad.out, Catch::Contains("bad.yaml:1:13: error[unknown-rule]: no rule 'straglers' to override (did you mean 'stragglers'?)"));
  CHECK_THAT(bad.out, Catch::Contains("bad.yaml: invalid (rule file, 1 problem)"));
}


TEST_CASE("analyze names the hot key behind a skewed stage of a runtime run", "[e2e][analyze][run]") {
  TempDir dir;
  fs::path data = dir / "shop";
  REQUIRE(runProgram(JOBTUNER_DATAGEN_BINARY, {"shop", "--out", data.string(), "--rows", "20000"}).exitCode == 0);
  fs::path home = dir / "home";
  std::string db = (dir / "store.db").string();
  fs::path job = fs::path(JOBTUNER_SOURCE_DIR) / "jobs/order-enrichment/job.yaml";
  // A shuffled join without salting: the orders of product 7 all go to one reduce task.
  writeFile(dir / "profile.yaml", "executors: 2\nshuffle_partitions: 32\nsteps:\n  enrich-with-products: {broadcast: false}\n");
  fs::path runDir = runOnRuntime(dir, db, job, dir / "profile.yaml", data);
  // The test data is small: a rule directory lowers the size thresholds, as a user would.
  fs::create_directories(dir / "rules");
  writeFile(dir / "rules/small.yaml", "- override: shuffle-read-skew\n  params: {min_bytes: 1kb, min_records: 100}\n");
  CommandResult analyzed = runJobtuner({"--db", db, "analyze", runDir.string(), "--rules", (dir / "rules").string(), "--json"}, home);
  INFO(analyzed.out << analyzed.err);
  REQUIRE(analyzed.exitCode == 0);
  bool named = false;
  json analyzedOut = json::parse(analyzed.out);
  for (const json& finding : analyzedOut["findings"]) {
    if (finding["rule"] != "shuffle-read-skew" || finding["scope"]["stage_name"] != "enrich-with-products") continue;
    CHECK_THAT(finding["message"].get<std::string>(), Catch::Contains("Its heaviest key, '7', holds"));
    named = true;
  }
  CHECK(named);
}

TEST_CASE("a count_distinct's hot key is found by its bytes, and advise salts it", "[e2e][analyze][advise][run]") {
  // The map side writes one row per key and map task, so key 7 has 8 shuffle rows of hundreds
  // of thousands: by rows it is invisible, by bytes it holds most of the shuffle.
  TempDir dir;
  fs::path data = dir / "data";
  REQUIRE(runProgram(JOBTUNER_DATAGEN_BINARY, {"skewed-aggregation", "--out", data.string(), "--rows", "200000"}).exitCode == 0);
  fs::path home = dir / "home";
  std::string db = (dir / "store.db").string();
  fs::path scenario = fs::path(JOBTUNER_SOURCE_DIR) / "jobs/skewed-aggregation";
  fs::path runDir = runOnRuntime(dir, db, scenario / "job.yaml", scenario / "profile.yaml", data);
  // Small data runs fast: a rule directory lowers the rule's time threshold, as a user would.
  fs::create_directories(dir / "rules");
  writeFile(dir / "rules/small.yaml", "- override: hot-key\n  params: {min_slowest: 0s}\n");
  CommandResult analyzed = runJobtuner({"--db", db, "analyze", runDir.string(), "--rules", (dir / "rules").string(), "--json"}, home);
  INFO(analyzed.out << analyzed.err);
  REQUIRE(analyzed.exitCode == 0);
  bool found = false;
  const json findings = json::parse(analyzed.out)["findings"];
  for (const json& finding : findings) {
    if (finding["rule"] != "hot-key" || finding["scope"]["stage_name"] != "viewers-per-video") continue;
    CHECK_THAT(finding["message"].get<std::string>(), Catch::Contains("Its heaviest key, '7', holds"));
    found = true;
  }
  CHECK(found);
  // At this size salting gains less than the 5% a change must: the test takes any gain.
  writeFile(dir / "jobtuner.yaml", "advisor:\n  minimum_gain: 0\n");
  CommandResult advised = runJobtuner({"--db", db, "--config", (dir / "jobtuner.yaml").string(), "advise", runDir.string(), "--rules",
                                       (dir / "rules").string(), "--json"},
                                      home);
  INFO(advised.out << advised.err);
  REQUIRE(advised.exitCode == 0);
  bool salted = false;
  const json changes = json::parse(advised.out)["changes"];
  for (const json& change : changes) {
    if (change["setting"] != "steps.viewers-per-video.salting") continue;
    CHECK(change["evidence"]["hot_keys"][0]["key"] == "7");
    salted = true;
  }
  CHECK(salted);
}
