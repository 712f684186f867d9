#include "analyzers/finding.h"

#include <fmt/format.h>

namespace jobtuner::analyzers {

std::string FindingScope::describe() const {
  switch (kind) {
    case ScopeKind::kApp: return "app";
    case ScopeKind::kJob: return jobId ? fmt::format("job {}", *jobId) : "job";
    case ScopeKind::kStage: {
      std::string text = fmt::format("stage {}.{}", stageId.value_or(0), stageAttempt.value_or(0));
      if (!stageName.empty()) text += fmt::format(" ({})", stageName);
      return text;
    }
    case ScopeKind::kExecutor: return fmt::format("executor {}", executorId);
  }
  return "app";
}

}  // namespace jobtuner::analyzers
