#pragma once

// A finding's message: text with {placeholders}. A placeholder is an expression of the rule's
// scope, shown in its unit ({max(duration_ms)} -> "4.2 s"), or one of the names of the place:
// {where} (as findings list it), {app}, {job}, {stage} ("4.0 (name)"), {executor}. {{ and }}
// write braces.

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/rule_expression.h"

namespace jobtuner::analyzers {

class MessageTemplate {
 public:
  MessageTemplate() = default;
  /// Compiles `text`, which starts at `start` in its file. Throws core::UserError at the column
  /// of a bad placeholder.
  static MessageTemplate compile(std::string_view text, const core::SourceLocation& start, ScopeKind scope,
                                 const RuleParams& params);

  std::string render(const EvalContext& context) const;
  void collectMetrics(std::vector<bool>& used) const;

 private:
  enum class PartKind { kText, kExpression, kWhere, kApp, kJob, kStage, kExecutor };
  struct Part {
    PartKind kind = PartKind::kText;
    std::string text;
    RuleExpression expression;
  };
  std::vector<Part> parts_;
};

}  // namespace jobtuner::analyzers
