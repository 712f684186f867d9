#pragma once

// The page for one run or app: its header and verdict, findings by severity, the advisor's
// changes and the artifact for the next run, the stage table with task-metric quantiles, the
// charts, the configuration, and (when the job ran before) the comparison with the earlier run.
// Built as a JSON context for reports/templates/run_report.mustache: the page's content and its
// markup stay apart, and tests can check the content without parsing HTML.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "advisor/stored_app_advice.h"
#include "core/model.h"

namespace jobtuner::reports {

struct RunReportInput {
  const advisor::StoredAppAdvice* result = nullptr;  // the app's measurements, findings and advice
  const std::vector<core::TaskAttempt>* tasks = nullptr;
  std::optional<nlohmann::ordered_json> comparison;   // comparisonContext() with an earlier run
  std::string version;                                // jobtuner's version, for the footer
  int64_t generatedAtMs = 0;
};

nlohmann::ordered_json runReportContext(const RunReportInput& input);

/// The rendered page.
std::string renderRunReport(const RunReportInput& input);

}  // namespace jobtuner::reports
