#pragma once

// Rule expressions: the expression language of src/core (parsed in its rule dialect, where
// numbers may carry units) compiled against a scope kind into a typed tree that evaluates over
// an app's summaries. What a rule can write:
//   - aggregates over the scope's tasks: count(), count(m) (tasks with m > 0), sum, min, max,
//     avg, stddev, p(q, m), p25 p50 p75 p90 p95 p99, max_share(m) (the biggest task's share of
//     the scope's total), share(m) (the scope's share of the app's total); `tasks` is count();
//   - the scope's fields (scope_fields.h) and the rule's params;
//   - conf("spark.key"[, default]): the app's setting, typed by the settings catalogue (sizes in
//     bytes, durations in ms) or by the default;
//   - literals with units converted to the unit they meet: 10s, 250ms, 5min, 2h, 256MB, 1g, 5%;
//   - + - * / and comparisons between numbers of one unit, and/or/not, in (...), is [not] null,
//     abs(x), min(a, b), max(a, b), spark_version_at_least('3.2').
// Type errors (a size against a duration, `and` on a number) are compile errors at the column.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/rule_value.h"
#include "analyzers/scope_fields.h"
#include "core/errors.h"

namespace jobtuner::analyzers {

struct AppSummary;
struct Scope;

/// A rule parameter: a named constant the rule's expressions use and users may override.
struct RuleParam {
  Value value;
  ValueType type;
  std::string text;  // as written: "3s"
};
using RuleParams = std::map<std::string, RuleParam>;

/// Reads a param's value as written in a rule file ("3s", "5", "256MB", "true", "text").
RuleParam parseRuleParam(std::string_view text, const core::SourceLocation& location);

/// Where an expression is evaluated.
struct EvalContext {
  const AppSummary& summary;
  const Scope& scope;
};

class RuleExpression {
 public:
  /// Parses and compiles `text` for scope `scope`. `start` is where the text begins in its file.
  /// Throws core::UserError at the offending column.
  static RuleExpression compile(std::string_view text, const core::SourceLocation& start, ScopeKind scope,
                                const RuleParams& params);

  RuleExpression();
  ~RuleExpression();
  RuleExpression(RuleExpression&&) noexcept;
  RuleExpression& operator=(RuleExpression&&) noexcept;
  RuleExpression(const RuleExpression&);
  RuleExpression& operator=(const RuleExpression&);

  ValueType type() const;
  const std::string& text() const { return text_; }
  Value evaluate(const EvalContext& context) const;
  /// True when it evaluates to true (false for non-booleans and unknowns).
  bool holds(const EvalContext& context) const;
  /// Marks the task metrics it aggregates.
  void collectMetrics(std::vector<bool>& used) const;

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace jobtuner::analyzers
