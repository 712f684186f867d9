#pragma once

// A compiled rule: what is wrong (when), how bad (severity levels, most severe first), what to
// show (message, evidence) and what the advisor should do about it (advice tags).

#include <string>
#include <utility>
#include <vector>

#include "analyzers/message_template.h"
#include "analyzers/rule_expression.h"
#include "analyzers/severity.h"

namespace jobtuner::analyzers {

struct Rule {
  std::string id;
  std::string title;
  std::string description;  // optional longer text for `rules show` and the reference
  ScopeKind scope = ScopeKind::kStage;
  bool enabled = true;
  bool builtin = false;
  RuleParams params;
  RuleExpression when;
  /// The levels in the order they are tried (critical first); the first that holds wins. When
  /// `when` holds and no level does, the finding is low.
  std::vector<std::pair<Severity, RuleExpression>> levels;
  std::vector<RuleExpression> evidence;
  MessageTemplate message;
  std::vector<std::string> advice;
  core::SourceLocation location;   // where the rule is defined
  std::vector<core::SourceLocation> overriddenAt;  // overrides applied to it, in order

  // The texts as written (after overrides), for `rules show` and the reference.
  std::string whenText;
  std::vector<std::pair<Severity, std::string>> levelTexts;
  std::string messageText;
};

}  // namespace jobtuner::analyzers
