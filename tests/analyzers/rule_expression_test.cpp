// Rule expressions: units, aggregates with the History Server's quantile rule, conf() typed by
// the settings catalogue, unknowns that keep rules silent, and errors at the right column.

#include <catch2/catch.hpp>
#include <cmath>

#include "analyzers/app_summary.h"
#include "analyzers/rule_expression.h"
#include "analyzers/task_metrics.h"

namespace jobtuner::analyzers {
namespace {

/// A stage of tasks with the given durations, in an app with the given Spark properties.
struct StageFixture {
  AppSummary summary;
  Scope stage;

  StageFixture(const std::vector<int64_t>& durations, std::map<std::string, std::string> conf = {}) {
    summary.app.source = core::AppSource::Spark;
    summary.app.engineVersion = "3.3.0-amzn-0";
    summary.conf = std::move(conf);
    summary.table = std::make_unique<TaskTable>(std::vector<bool>(taskMetrics().size(), true));
    std::vector<uint32_t> rows;
    for (int64_t duration : durations) {
      core::TaskAttempt task;
      task.launchTimeMs = 1000;
      task.finishTimeMs = 1000 + duration;
      task.status = core::TaskStatus::Success;
      task.metrics.hasMetrics = true;
      task.metrics.shuffleRecordsRead = duration;
      rows.push_back(summary.table->add(task));
    }
    stage.where.kind = ScopeKind::kStage;
    stage.fields.assign(scopeFields(ScopeKind::kStage).size(), Value::unknown());
    stage.fields[*findScopeField(ScopeKind::kStage, "name")] = Value::ofString("aggregate");
    stage.fields[*findScopeField(ScopeKind::kStage, "duration_ms")] = Value::ofNumber(90'000);
    stage.tasks = ScopeTasks(summary.table.get(), rows);
  }

  Value eval(const std::string& text, const RuleParams& params = {}) const {
    RuleExpression expression = RuleExpression::compile(text, core::SourceLocation{"rule.yaml", 4, 9}, ScopeKind::kStage, params);
    return expression.evaluate(EvalContext{summary, stage});
  }
  double number(const std::string& text) const { return eval(text).number; }
  bool holds(const std::string& text) const {
    Value value = eval(text);
    REQUIRE(value.kind == ValueKind::kBool);
    return value.boolean;
  }
};

std::string compileError(const std::string& text) {
  try {
    RuleExpression::compile(text, core::SourceLocation{"rule.yaml", 4, 9}, ScopeKind::kStage, {});
  } catch (const core::UserError& error) {
    return error.what();
  }
  return "(compiled)";
}

TEST_CASE("literals with units become the model's units", "[analyzers][expression]") {
  StageFixture fixture({100});
  CHECK(fixture.number("10s") == 10'000);
  CHECK(fixture.number("250ms") == 250);
  CHECK(fixture.number("5min") == 300'000);
  CHECK(fixture.number("2h") == 7'200'000);
  CHECK(fixture.number("256mb") == 256.0 * 1024 * 1024);
  CHECK(fixture.number("1g") == 1024.0 * 1024 * 1024);
  CHECK(fixture.number("1.5GB") == 1.5 * 1024 * 1024 * 1024);
  CHECK(fixture.number("5%") == Approx(0.05));
  CHECK(compileError("5m") == "rule.yaml:4:9: the unit 'm' is ambiguous in '5m'");
  CHECK(compileError("tasks > 3parsecs") == "rule.yaml:4:17: unknown unit 'parsecs'");
}

TEST_CASE("aggregates over the scope's tasks use the History Server's quantile rule", "[analyzers][expression]") {
  StageFixture fixture({10, 20, 30, 40, 1000});
  CHECK(fixture.number("tasks") == 5);
  CHECK(fixture.number("count()") == 5);
  CHECK(fixture.number("sum(duration_ms)") == 1100);
  CHECK(fixture.number("min(duration_ms)") == 10);
  CHECK(fixture.number("max(duration_ms)") == 1000);
  CHECK(fixture.number("avg(duration_ms)") == 220);
  CHECK(fixture.number("p50(duration_ms)") == 30);   // index floor(0.5 * 5) = 2
  CHECK(fixture.number("p(0.99, duration_ms)") == 1000);
  CHECK(fixture.number("p25(duration_ms)") == 20);
  CHECK(fixture.number("max_share(duration_ms)") == Approx(1000.0 / 1100));
  CHECK(fixture.number("stddev(duration_ms)") == Approx(390.1282));
  CHECK(fixture.holds("max(duration_ms) > 3 * p50(duration_ms) and max(duration_ms) >= 1s"));
  CHECK(fixture.holds("duration_ms >= 1.5min"));  // the stage's own field, not the tasks'
  CHECK(fixture.holds("name = 'aggregate' and name in ('scan', 'aggregate') and not (name != 'aggregate')"));
  CHECK(fixture.number("min(max(duration_ms), 1s)") == 1000);
  CHECK(fixture.number("abs(min(duration_ms) - max(duration_ms))") == 990);
}

TEST_CASE("unknown values keep conditions false", "[analyzers][expression]") {
  StageFixture empty({});
  CHECK(std::isnan(empty.number("p50(duration_ms)")));
  CHECK_FALSE(empty.holds("p50(duration_ms) > 0"));
  CHECK_FALSE(empty.holds("p50(duration_ms) <= 0"));
  CHECK(empty.holds("hot_key_share is null"));
  CHECK(std::isnan(empty.number("sum(duration_ms) / tasks")));  // no division by zero
}

TEST_CASE("conf() reads the app's settings typed by the catalogue or the default", "[analyzers][expression]") {
  StageFixture fixture({100}, {{"spark.executor.memory", "4g"}, {"spark.speculation", "true"}, {"spark.custom", "x"}});
  CHECK(fixture.number("conf('spark.executor.memory')") == 4.0 * 1024 * 1024 * 1024);
  CHECK(fixture.holds("conf('spark.executor.memory') > 2gb"));
  CHECK(fixture.holds("conf('spark.speculation')"));
  CHECK(fixture.holds("conf('spark.custom') = 'x'"));
  CHECK(fixture.holds("conf('spark.not.set', 10s) = 10000"));
  CHECK(fixture.holds("conf('spark.not.set') is null"));
  CHECK(fixture.holds("spark_version_at_least('3.2') and not spark_version_at_least('3.4')"));
  CHECK(compileError("conf('spark.executor.memory') > 10s") ==
        "rule.yaml:4:41: cannot combine a size (bytes) with a duration (ms)");
}

TEST_CASE("params are named constants of the rule", "[analyzers][expression]") {
  StageFixture fixture({10, 5000});
  RuleParams params;
  params["min_slowest"] = parseRuleParam("3s", {});
  params["ratio"] = parseRuleParam("5", {});
  CHECK(params["min_slowest"].type == ValueType::number(Unit::kMs));
  CHECK(fixture.eval("max(duration_ms) >= min_slowest and max(duration_ms) >= ratio * p(0, duration_ms)", params).boolean);
  CHECK(parseRuleParam("true", {}).type == ValueType::boolean());
  CHECK(parseRuleParam("text", {}).type == ValueType::string());
}

TEST_CASE("type errors and unknown names point at their column", "[analyzers][expression]") {
  CHECK(compileError("max(duration_ms) > 256mb") == "rule.yaml:4:28: cannot combine a duration (ms) with a size (bytes)");
  CHECK(compileError("tasks and true") == "rule.yaml:4:9: 'and' needs a boolean, found a plain number");
  CHECK(compileError("p50(duration_ms) + name") == "rule.yaml:4:26: '+' needs numbers, found a duration (ms) and a string");
  CHECK(compileError("gc_time_ms > 1s") == "rule.yaml:4:9: 'gc_time_ms' is a task metric, not a field of the stage");
  CHECK(compileError("p(2, duration_ms) > 1s") == "rule.yaml:4:11: the quantile of p(q, metric) is a number from 0 to 1");
  CHECK(compileError("max(duraton_ms) > 1s") == "rule.yaml:4:13: unknown task metric 'duraton_ms' (did you mean 'duration_ms'?)");
  CHECK(compileError("median(duration_ms) > 1s") == "rule.yaml:4:9: unknown function 'median'");
  CHECK(compileError("max(duration_ms) > ") == "rule.yaml:4:28: the expression ends where a value is expected");
}

}  // namespace
}  // namespace jobtuner::analyzers
