#pragma once

// Two runs of one job side by side: wall time, cost, spill, findings, each stage's time, and the
// settings that changed between them. `jobtuner compare A B` prints it; a run's report shows it
// against the job's earlier run. One JSON form serves `compare --json` and the report template.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "advisor/app_measurements.h"
#include "analyzers/finding.h"
#include "analyzers/rule.h"
#include "collector/store.h"

namespace jobtuner::reports {

struct ComparedRun {
  advisor::AppMeasurements measured;
  std::vector<analyzers::Finding> findings;
};

/// Analyzes (storing the findings, as `analyze` does) and measures a stored app attempt.
ComparedRun loadComparedRun(collector::Store& store, const std::string& appId, const std::string& attemptId,
                            const std::vector<analyzers::Rule>& rules, const advisor::Prices& prices, int64_t nowMs);

/// The latest run of the same job that started before `app`, as (app id, attempt id); nullopt when
/// the app has no job key or the job has no earlier run in the store.
std::optional<std::pair<std::string, std::string>> earlierRunOf(const collector::Store& store, const core::AppAttempt& app);

/// {"before": {"app", "name", "wall_time_s", "cost", "spill_bytes", "succeeded", "findings": {severity: n}},
///  "after": {...}, "speedup", "stages": [{"name", "before_ms", "after_ms"}],
///  "settings": [{"key", "before", "after"}], "findings": [{"rule", "scope", "severity", "change"}]}
/// where change is "gone", "new" or "still". Settings that only name the run (its id, start time,
/// ports) are left out.
nlohmann::ordered_json comparisonJson(const ComparedRun& before, const ComparedRun& after);

/// The comparison for a terminal.
std::string comparisonText(const nlohmann::ordered_json& comparison);

/// The comparison with its values formatted for reports/templates/comparison.mustache.
nlohmann::ordered_json comparisonContext(const nlohmann::ordered_json& comparison);

}  // namespace jobtuner::reports
