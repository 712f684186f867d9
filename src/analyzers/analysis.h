#pragma once

// One app's analysis from end to end: summarize it from the store, run the rules, drop what the
// suppressions silence, and store the findings with the app. Also the findings' JSON form, shared
// by `analyze --json` and `findings --json`.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/finding.h"
#include "analyzers/rule.h"
#include "analyzers/suppressions.h"
#include "collector/stored_finding.h"

namespace jobtuner::collector {
class Store;
}

namespace jobtuner::analyzers {

struct AppAnalysis {
  std::string appId;
  std::string attemptId;
  std::string appName;
  std::string jobKey;
  std::vector<Finding> findings;
  size_t suppressed = 0;
};

/// Analyzes a stored app attempt with `rules` and stores the findings (replacing earlier ones).
/// Throws core::UserError if the app is not stored.
AppAnalysis analyzeStoredApp(collector::Store& store, const std::string& appId, const std::string& attemptId,
                             const std::vector<Rule>& rules, const Suppressions& suppressions, int64_t nowMs);

collector::StoredFinding toStored(const Finding& finding, int64_t analyzedAtMs);
/// Where a stored finding is, as the analysis that stored it placed it.
FindingScope scopeOf(const collector::StoredFinding& finding);

/// {"rule", "title", "severity", "scope": {...}, "message", "evidence": {name: value}, "advice": [...]}
nlohmann::ordered_json findingJson(const Finding& finding);
nlohmann::ordered_json findingJson(const collector::StoredFinding& finding);

}  // namespace jobtuner::analyzers
