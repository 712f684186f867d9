// Feeds arbitrary text to the rule loader as a user's rule file beside the built-in rules (YAML,
// keys, overrides, expressions with units, message templates), then evaluates whatever compiled
// over an app with no tasks, where every aggregate is unknown. Bad files must end in diagnostics,
// never a crash.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/app_summary.h"
#include "analyzers/rule_engine.h"
#include "analyzers/rule_loader.h"

using namespace jobtuner::analyzers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<RuleFileInput> builtin = ruleInputs({});
  std::vector<RuleFileInput> inputs = builtin;
  inputs.push_back(RuleFileInput{"fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size), false});
  RuleSet set = loadRules(inputs);
  for (const RuleDiagnostic& diagnostic : set.diagnostics) (void)diagnostic.render();

  AppSummary summary;
  summary.table = std::make_unique<TaskTable>(metricsUsedBy(set.rules));
  summary.appScope.where.kind = ScopeKind::kApp;
  summary.appScope.fields.assign(scopeFields(ScopeKind::kApp).size(), Value::unknown());
  summary.appScope.tasks = ScopeTasks(summary.table.get(), {});
  Scope stage;
  stage.where.kind = ScopeKind::kStage;
  stage.fields.assign(scopeFields(ScopeKind::kStage).size(), Value::unknown());
  stage.tasks = ScopeTasks(summary.table.get(), {}, &summary.appScope.tasks);
  summary.stages.push_back(std::move(stage));
  (void)evaluateRules(set.rules, summary);
  return 0;
}
