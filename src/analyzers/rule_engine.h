#pragma once

// Runs compiled rules over an app's summaries: for every enabled rule and every scope of its
// kind, `when` decides whether it fires, the first level that holds its severity; the message and
// evidence are computed for the findings only.

#include <vector>

#include "analyzers/app_summary.h"
#include "analyzers/finding.h"
#include "analyzers/rule.h"

namespace jobtuner::analyzers {

/// The task metrics the enabled rules aggregate, for summarizeApp.
std::vector<bool> metricsUsedBy(const std::vector<Rule>& rules);

/// Every finding, most severe first, then by rule id and scope order.
std::vector<Finding> evaluateRules(const std::vector<Rule>& rules, const AppSummary& summary);

}  // namespace jobtuner::analyzers
