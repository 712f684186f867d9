#pragma once

// What the analyzers produce: a rule that fired on one scope, with its severity, message, the
// evidence that backs it and the advice tags the advisor acts on.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/rule_value.h"
#include "analyzers/scope_fields.h"
#include "analyzers/severity.h"

namespace jobtuner::analyzers {

/// Where a finding is: the scope kind and the ids that locate it.
struct FindingScope {
  ScopeKind kind = ScopeKind::kApp;
  std::optional<int32_t> jobId;
  std::optional<int32_t> stageId;
  std::optional<int32_t> stageAttempt;
  std::string stageName;
  std::string executorId;

  /// "app", "job 3", "stage 4.0 (aggregate-by-customer)", "executor 7".
  std::string describe() const;
  /// "4.0 (aggregate-by-customer)": the stage attempt and its name, as messages write {stage}.
  std::string stageText() const;
};

struct Evidence {
  std::string name;  // the expression as the rule wrote it: "p50(duration_ms)"
  double value = 0;  // NaN when unknown
  Unit unit = Unit::kNone;
};

struct Finding {
  std::string ruleId;
  std::string title;
  Severity severity = Severity::kLow;
  FindingScope scope;
  std::string message;
  std::vector<Evidence> evidence;
  std::vector<std::string> advice;
};

}  // namespace jobtuner::analyzers
