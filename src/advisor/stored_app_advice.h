#pragma once

// Advice for an app in the store, from end to end: analyze it with the rules (storing the
// findings, as `analyze` does), measure it, read its job's earlier runs and, for a runtime app,
// its job file, then advise. `advise` and `tune` both come through here.

#include <string>
#include <vector>

#include "advisor/advice.h"
#include "advisor/advisor_config.h"
#include "advisor/app_measurements.h"
#include "analyzers/finding.h"
#include "analyzers/rule.h"

namespace jobtuner::collector {
class Store;
}

namespace jobtuner::advisor {

struct StoredAppAdvice {
  Advice advice;
  AppMeasurements measured;
  std::vector<analyzers::Finding> findings;
};

StoredAppAdvice adviseStoredApp(collector::Store& store, const std::string& appId, const std::string& attemptId,
                                const std::vector<analyzers::Rule>& rules, const AdvisorConfig& config, int64_t nowMs);

}  // namespace jobtuner::advisor
