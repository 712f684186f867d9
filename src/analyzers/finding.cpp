#include "analyzers/finding.h"

#include <fmt/format.h>

namespace jobtuner::analyzers {

std::string FindingScope::describe() const {
  switch (kind) {
    case ScopeKind::kApp: return "app";
    case ScopeKind::kJob: return jobId ? fmt::format("job {}", *jobId) : "job";
    case ScopeKind::kStage: return "stage " + stageText();
    case ScopeKind::kExecutor: return fmt::format("executor {}", executorId);
  }
  return "app";
}

std::string FindingScope::stageText() const {
  std::string text = fmt::format("{}.{}", stageId.value_or(0), stageAttempt.value_or(0));
  if (!stageName.empty()) text += fmt::format(" ({})", stageName);
  return text;
}

}  // namespace jobtuner::analyzers
