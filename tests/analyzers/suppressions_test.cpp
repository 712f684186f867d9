// Suppressions: which findings an entry silences, until when, and the errors of a bad file.

#include <catch2/catch.hpp>

#include "analyzers/suppressions.h"

namespace jobtuner::analyzers {
namespace {

constexpr int64_t kJan2027 = 1798761600000;  // 2027-01-01T00:00:00Z

Finding stageFinding(const std::string& rule, const std::string& stageName) {
  Finding finding;
  finding.ruleId = rule;
  finding.scope.kind = ScopeKind::kStage;
  finding.scope.stageId = 3;
  finding.scope.stageName = stageName;
  return finding;
}

std::string parseError(const std::string& text) {
  try {
    Suppressions::parse(text, "s.yaml");
  } catch (const core::UserError& error) {
    return error.render();
  }
  return "(parsed)";
}

TEST_CASE("a suppression matches its rule, its globs and its dates", "[analyzers][suppressions]") {
  Suppressions suppressions = Suppressions::parse(
      "- rule: task-duration-skew\n  job: nightly-*\n  stage: \"aggregate*\"\n  expires: 2027-01-31\n  reason: known hot key\n",
      "s.yaml");
  Finding skew = stageFinding("task-duration-skew", "aggregate-by-customer");
  CHECK(suppressions.match(skew, "app-1", "nightly-sales", kJan2027) != nullptr);
  CHECK(suppressions.match(skew, "app-1", "hourly-sales", kJan2027) == nullptr);
  CHECK(suppressions.match(stageFinding("task-duration-skew", "scan"), "app-1", "nightly-sales", kJan2027) == nullptr);
  CHECK(suppressions.match(stageFinding("stage-spill", "aggregate"), "app-1", "nightly-sales", kJan2027) == nullptr);
  int64_t lastMoment = kJan2027 + 31LL * 86'400'000 - 1;  // the end of 2027-01-31 still counts
  CHECK(suppressions.match(skew, "app-1", "nightly-sales", lastMoment) != nullptr);
  CHECK(suppressions.match(skew, "app-1", "nightly-sales", lastMoment + 1) == nullptr);
  CHECK(suppressions.expired(lastMoment + 1).size() == 1);
  Finding executor;
  executor.ruleId = "task-duration-skew";
  executor.scope.kind = ScopeKind::kExecutor;
  CHECK(suppressions.match(executor, "app-1", "nightly-sales", kJan2027) == nullptr);  // a stage glob needs a stage
}

TEST_CASE("a bad suppressions file is an error at its place", "[analyzers][suppressions]") {
  CHECK(parseError("- rule: x\n  expires: 2027-02-30\n  reason: r\n") ==
        "s.yaml:2:12: '2027-02-30' is not a date\n  write the last day it applies as YYYY-MM-DD");
  CHECK(parseError("- rule: x\n  expires: 2027-01-01\n") ==
        "s.yaml:1:3: the suppression has no reason\n"
        "  every suppression names its rule, the day it expires (expires: 2027-01-31) and the reason");
  CHECK(parseError("- rule: x\n  stag: a\n  expires: 2027-01-01\n  reason: r\n").starts_with(
      "s.yaml:2:3: unknown key 'stag' (did you mean 'stage'?)"));
  CHECK(parseError("rule: x\n").starts_with("s.yaml:1:1: a suppressions file is a YAML list"));
  CHECK(Suppressions::parse("", "s.yaml").entries.empty());
}

}  // namespace
}  // namespace jobtuner::analyzers
