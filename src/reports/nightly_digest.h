#pragma once

// The nightly digest: one page over every app that ran in a window. Each app with its status,
// duration, cost and worst finding; the most severe findings across apps; per job, its wall time
// and cost over its last runs as sparklines and whether the latest run regressed; and the advice
// for each job's latest run that no run has applied yet.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "advisor/advisor_config.h"
#include "analyzers/rule.h"
#include "collector/store.h"

namespace jobtuner::reports {

struct DigestInput {
  int64_t sinceMs = 0;   // apps that started or ended at or after this instant
  int64_t nowMs = 0;
  std::string windowText;  // "24h", as the user wrote it
  std::string version;
};

/// Analyzes the apps in the window (storing their findings, as `analyze` does), advises each
/// job's latest run, and builds the context of reports/templates/digest.mustache.
nlohmann::ordered_json digestContext(collector::Store& store, const DigestInput& input, const std::vector<analyzers::Rule>& rules,
                                     const advisor::AdvisorConfig& config);

/// The rendered page.
std::string renderDigest(const nlohmann::ordered_json& context);

/// A run is a regression when it failed after a success, or took more than `factor` times the
/// median wall time of the earlier successful runs (at least two of them).
bool isRegression(const std::vector<double>& earlierWallS, bool earlierSucceeded, double latestWallS, bool latestSucceeded,
                  double factor = 1.25);

}  // namespace jobtuner::reports
