// Loading rule files: every problem reported Falco-style with its exact text, one bad file not
// stopping the others, overrides of built-in rules by id.

#include <catch2/catch.hpp>

#include "analyzers/rule_loader.h"

namespace jobtuner::analyzers {
namespace {

RuleSet loadWithBuiltins(const std::string& name, const std::string& text) {
  std::vector<RuleFileInput> inputs = ruleInputs({});
  inputs.push_back(RuleFileInput{name, text, false});
  return loadRules(inputs);
}

std::string onlyDiagnostic(const RuleSet& set) {
  REQUIRE(set.diagnostics.size() == 1);
  return set.diagnostics.front().render();
}

const Rule* findRule(const RuleSet& set, const std::string& id) {
  for (const Rule& rule : set.rules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

const char* const kGood = R"(- id: many-tasks
  title: Many tasks
  scope: stage
  when: tasks > 1000
  message: "Stage {stage} ran {tasks} tasks"
)";

TEST_CASE("the built-in rules load without a problem", "[analyzers][loader]") {
  RuleSet set = loadRules(ruleInputs({}));
  for (const RuleDiagnostic& diagnostic : set.diagnostics) FAIL(diagnostic.render());
  CHECK(set.rules.size() >= 20);
  for (const Rule& rule : set.rules) {
    CHECK(rule.builtin);
    CHECK_FALSE(rule.title.empty());
  }
}

TEST_CASE("a YAML syntax error names the place", "[analyzers][loader]") {
  RuleSet set = loadWithBuiltins("user/broken.yaml", "- id: broken\n  title: [unclosed\n");
  CHECK(onlyDiagnostic(set) ==
        "user/broken.yaml:3:1: error[yaml-syntax]: YAML syntax error: end of sequence flow not found\n"
        "  check the indentation and quoting near this place");
}

TEST_CASE("an unknown key names the nearest valid key", "[analyzers][loader]") {
  RuleSet set = loadWithBuiltins("user/key.yaml", "- id: my-rule\n  title: A rule\n  scope: stage\n  whn: tasks > 4\n  message: x\n");
  CHECK(onlyDiagnostic(set) ==
        "user/key.yaml:4:3: error[unknown-key]: unknown key 'whn' (did you mean 'when'?)\n"
        "    whn: tasks > 4\n"
        "    ^\n"
        "  a rule has the keys: id, title, description, scope, params, when, severity, evidence, message, advice, enabled");
}

TEST_CASE("an unknown metric or function gets a suggestion at its column", "[analyzers][loader]") {
  RuleSet metric = loadWithBuiltins("user/metric.yaml", "- id: r\n  title: T\n  scope: stage\n  when: max(duraton_ms) > 10s\n  message: x\n");
  CHECK(onlyDiagnostic(metric) ==
        "user/metric.yaml:4:13: error[unknown-name]: unknown task metric 'duraton_ms' (did you mean 'duration_ms'?)\n"
        "    when: max(duraton_ms) > 10s\n"
        "              ^\n"
        "  the task metrics are listed by: jobtuner rules list --markdown");
  RuleSet function = loadWithBuiltins("user/function.yaml", "- id: r\n  title: T\n  scope: stage\n  when: \"maxx(duration_ms) > 10s\"\n  message: x\n");
  CHECK(onlyDiagnostic(function) ==
        "user/function.yaml:4:10: error[unknown-function]: unknown function 'maxx' (did you mean 'max'?)\n"
        "    when: \"maxx(duration_ms) > 10s\"\n"
        "           ^\n"
        "  the functions are: count, sum, min, max, avg, stddev, p, p25, p50, p75, p90, p95, p99, max_share, share, "
        "conf, abs, spark_version_at_least");
  RuleSet field = loadWithBuiltins("user/field.yaml", "- id: r\n  title: T\n  scope: executor\n  when: dration_ms > 1s\n  message: x\n");
  CHECK(field.diagnostics.size() == 1);
  CHECK(field.diagnostics.front().message.starts_with("unknown name 'dration_ms' in a executor rule (did you mean"));
}

TEST_CASE("a type error names both types", "[analyzers][loader]") {
  RuleSet units = loadWithBuiltins("user/type.yaml", "- id: r\n  title: T\n  scope: stage\n  when: max(duration_ms) > 256mb\n  message: x\n");
  CHECK(onlyDiagnostic(units) ==
        "user/type.yaml:4:28: error[type-error]: cannot combine a duration (ms) with a size (bytes)\n"
        "    when: max(duration_ms) > 256mb\n"
        "                             ^\n"
        "  compare durations with durations (10s) and sizes with sizes (256mb)");
  RuleSet logic = loadWithBuiltins("user/logic.yaml", "- id: r\n  title: T\n  scope: stage\n  when: tasks and failed\n  message: x\n");
  CHECK(logic.diagnostics.size() == 1);
  CHECK(logic.diagnostics.front().render().starts_with("user/logic.yaml:4:9: error[type-error]: 'and' needs a boolean, found a plain number"));
  RuleSet notCondition = loadWithBuiltins("user/cond.yaml", "- id: r\n  title: T\n  scope: stage\n  when: max(duration_ms)\n  message: x\n");
  CHECK(notCondition.diagnostics.front().message == "when must be a condition (a boolean), but this is a duration (ms)");
}

TEST_CASE("a severity level without a condition is an error", "[analyzers][loader]") {
  RuleSet set = loadWithBuiltins("user/level.yaml",
                                 "- id: r\n  title: T\n  scope: stage\n  when: tasks > 4\n  severity:\n    severe:\n    low: true\n  message: x\n");
  CHECK(onlyDiagnostic(set) ==
        "user/level.yaml:6:5: error[empty-level]: the severity level 'severe' has no condition\n"
        "      severe:\n"
        "      ^\n"
        "  write severe: CONDITION, or severe: true for the level that applies otherwise");
}

TEST_CASE("a duplicate rule id points at the first definition", "[analyzers][loader]") {
  RuleSet set = loadWithBuiltins("user/dup.yaml", std::string(kGood) + kGood);
  CHECK(onlyDiagnostic(set) ==
        "user/dup.yaml:6:7: error[duplicate-id]: duplicate rule id 'many-tasks' (first defined at user/dup.yaml:1:7)\n"
        "  - id: many-tasks\n"
        "        ^\n"
        "  give this rule another id, or write 'override: many-tasks' to change the existing one");
  CHECK(findRule(set, "many-tasks") == nullptr);  // the file with the problem loads nothing
}

TEST_CASE("one bad file does not stop the other files", "[analyzers][loader]") {
  std::vector<RuleFileInput> inputs = ruleInputs({});
  size_t builtin = loadRules(inputs).rules.size();
  inputs.push_back(RuleFileInput{"user/a.yaml", "- id: broken\n  title: [\n", false});
  inputs.push_back(RuleFileInput{"user/b.yaml", kGood, false});
  RuleSet set = loadRules(inputs);
  CHECK(set.diagnostics.size() == 1);
  CHECK(set.rules.size() == builtin + 1);
  CHECK(findRule(set, "many-tasks") != nullptr);
}

TEST_CASE("overrides change a built-in rule's params, levels or state by id", "[analyzers][loader]") {
  RuleSet set = loadWithBuiltins("user/tuning.yaml",
                                 "- override: task-duration-skew\n  params: {min_slowest: 10min}\n"
                                 "- override: stragglers\n  enabled: false\n");
  REQUIRE(set.diagnostics.empty());
  const Rule* skew = findRule(set, "task-duration-skew");
  REQUIRE(skew != nullptr);
  CHECK(skew->params.at("min_slowest").value.number == 600'000);
  CHECK(skew->params.at("ratio").value.number == 5);  // untouched params keep their defaults
  CHECK(skew->overriddenAt.size() == 1);
  CHECK_FALSE(findRule(set, "stragglers")->enabled);

  RuleSet badParam = loadWithBuiltins("user/bad.yaml", "- override: task-duration-skew\n  params: {min_slowst: 10s}\n");
  CHECK(badParam.diagnostics.size() == 1);
  CHECK(badParam.diagnostics.front().message ==
        "the rule 'task-duration-skew' has no param 'min_slowst' (did you mean 'min_slowest'?)");
  CHECK(findRule(badParam, "task-duration-skew")->params.at("min_slowest").value.number == 3000);  // the override is dropped

  RuleSet badType = loadWithBuiltins("user/type.yaml", "- override: task-duration-skew\n  params: {min_slowest: 10}\n");
  CHECK(badType.diagnostics.front().message == "the param 'min_slowest' is a duration (ms) in the rule, but '10' is a plain number");

  RuleSet unknown = loadWithBuiltins("user/unknown.yaml", "- override: task-duration-skw\n  enabled: false\n");
  CHECK(unknown.diagnostics.front().message == "no rule 'task-duration-skw' to override (did you mean 'task-duration-skew'?)");
}

}  // namespace
}  // namespace jobtuner::analyzers
