#include "reports/run_comparison.h"

#include <catch2/catch.hpp>

using jobtuner::reports::ComparedRun;
using jobtuner::reports::comparisonContext;
using jobtuner::reports::comparisonJson;
using jobtuner::reports::comparisonText;

namespace {

ComparedRun run(const std::string& appId, int64_t wallMs, int64_t aggregateMs, const std::string& partitions) {
  ComparedRun result;
  result.measured.app.appId = appId;
  result.measured.app.name = "sales";
  result.measured.succeeded = true;
  result.measured.wallMs = wallMs;
  result.measured.cost = wallMs / 1000.0;
  jobtuner::advisor::StageMeasurement aggregate;
  aggregate.stageId = 1;
  aggregate.name = "aggregate-by-user";
  aggregate.step = "aggregate-by-user";
  aggregate.submissionMs = 1000;
  aggregate.completionMs = 1000 + aggregateMs;
  aggregate.diskSpilledBytes = 1 << 20;
  result.measured.stages.push_back(aggregate);
  result.measured.conf = {{"spark.sql.shuffle.partitions", partitions}, {"spark.app.id", appId}};
  return result;
}

jobtuner::analyzers::Finding finding(const std::string& rule, jobtuner::analyzers::Severity severity) {
  jobtuner::analyzers::Finding result;
  result.ruleId = rule;
  result.severity = severity;
  result.scope.kind = jobtuner::analyzers::ScopeKind::kStage;
  result.scope.stageId = 1;
  result.scope.stageAttempt = 0;
  result.scope.stageName = "aggregate-by-user";
  return result;
}

}  // namespace

TEST_CASE("a comparison lines up stages by name, lists changed settings and what happened to each finding", "[reports]") {
  ComparedRun before = run("app-1", 10'000, 8'000, "4");
  before.findings = {finding("stage-spill", jobtuner::analyzers::Severity::kSevere),
                     finding("hot-key", jobtuner::analyzers::Severity::kModerate)};
  ComparedRun after = run("app-2", 5'000, 3'000, "64");
  after.findings = {finding("hot-key", jobtuner::analyzers::Severity::kLow)};
  jobtuner::advisor::StageMeasurement salted;
  salted.stageId = 2;
  salted.name = "aggregate-by-user-salted";
  salted.step = "aggregate-by-user";
  after.measured.stages.push_back(salted);

  auto comparison = comparisonJson(before, after);
  CHECK(comparison["speedup"].get<double>() == Approx(2.0));
  REQUIRE(comparison["stages"].size() == 2);
  CHECK(comparison["stages"][0]["name"] == "aggregate-by-user");
  CHECK(comparison["stages"][0]["before_ms"] == 8000);
  CHECK(comparison["stages"][0]["after_ms"] == 3000);
  CHECK(comparison["stages"][1]["before_ms"].is_null());  // only the later run salted
  // spark.app.id names the run: not a setting that changed.
  REQUIRE(comparison["settings"].size() == 1);
  CHECK(comparison["settings"][0]["key"] == "spark.sql.shuffle.partitions");
  CHECK(comparison["settings"][0]["before"] == "4");
  CHECK(comparison["settings"][0]["after"] == "64");
  REQUIRE(comparison["findings"].size() == 2);
  CHECK(comparison["findings"][0]["rule"] == "stage-spill");
  CHECK(comparison["findings"][0]["change"] == "gone");
  CHECK(comparison["findings"][1]["change"] == "still");
  CHECK(comparison["before"]["findings"]["severe"] == 1);
  CHECK(comparison["after"]["findings"]["low"] == 1);

  std::string text = comparisonText(comparison);
  CHECK(text.find("-50%") != std::string::npos);
  CHECK(text.find("spark.sql.shuffle.partitions: 4 -> 64") != std::string::npos);
  auto context = comparisonContext(comparison);
  CHECK(context["rows"][0]["changeClass"] == "better");
  CHECK(context["stages"][1]["before"] == "-");
}
