#include "analyzers/rule_engine.h"

#include <algorithm>

#include "analyzers/task_metrics.h"

namespace jobtuner::analyzers {

std::vector<bool> metricsUsedBy(const std::vector<Rule>& rules) {
  std::vector<bool> used(taskMetrics().size(), false);
  for (const Rule& rule : rules) {
    if (!rule.enabled) continue;
    rule.when.collectMetrics(used);
    for (const auto& [severity, condition] : rule.levels) condition.collectMetrics(used);
    for (const RuleExpression& evidence : rule.evidence) evidence.collectMetrics(used);
    rule.message.collectMetrics(used);
  }
  return used;
}

std::vector<Finding> evaluateRules(const std::vector<Rule>& rules, const AppSummary& summary) {
  struct Ranked {
    Finding finding;
    size_t ruleOrder;
    size_t scopeOrder;
  };
  std::vector<Ranked> ranked;
  for (size_t r = 0; r < rules.size(); ++r) {
    const Rule& rule = rules[r];
    if (!rule.enabled) continue;
    std::vector<const Scope*> scopes = summary.scopesOf(rule.scope);
    for (size_t s = 0; s < scopes.size(); ++s) {
      EvalContext context{summary, *scopes[s]};
      if (!rule.when.holds(context)) continue;
      Finding finding;
      finding.ruleId = rule.id;
      finding.title = rule.title;
      finding.severity = Severity::kLow;
      for (const auto& [severity, condition] : rule.levels) {
        if (condition.holds(context)) {
          finding.severity = severity;
          break;
        }
      }
      finding.scope = scopes[s]->where;
      finding.message = rule.message.render(context);
      for (const RuleExpression& evidence : rule.evidence) {
        Value value = evidence.evaluate(context);
        double number = value.kind == ValueKind::kBool ? (value.boolean ? 1.0 : 0.0) : value.number;
        finding.evidence.push_back(Evidence{evidence.text(), number, evidence.type().unit});
      }
      finding.advice = rule.advice;
      ranked.push_back(Ranked{std::move(finding), r, s});
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.finding.severity != b.finding.severity) return a.finding.severity > b.finding.severity;
    if (a.finding.ruleId != b.finding.ruleId) return a.finding.ruleId < b.finding.ruleId;
    return a.scopeOrder < b.scopeOrder;
  });
  std::vector<Finding> findings;
  findings.reserve(ranked.size());
  for (Ranked& entry : ranked) findings.push_back(std::move(entry.finding));
  return findings;
}

}  // namespace jobtuner::analyzers
