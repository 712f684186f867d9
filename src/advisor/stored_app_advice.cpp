#include "advisor/stored_app_advice.h"

#include <thread>

#include "advisor/advisor.h"
#include "analyzers/analysis.h"
#include "analyzers/suppressions.h"
#include "collector/store.h"
#include "core/job_loader.h"

namespace jobtuner::advisor {

namespace {

/// The job file a runtime run recorded, if it still reads; advice without it only knows less.
std::optional<core::JobSpec> recordedJob(const AppMeasurements& measured) {
  for (const auto& [key, value] : measured.app.environment.systemProperties) {
    if (key != "jobtuner.job.file" || value.empty()) continue;
    try {
      // Sources' paths are not needed: only the steps are read.
      return core::loadJob(value, nullptr, [](const std::string&) { return std::optional<std::string>(""); });
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

StoredAppAdvice adviseStoredApp(collector::Store& store, const std::string& appId, const std::string& attemptId,
                                const std::vector<analyzers::Rule>& rules, const AdvisorConfig& config, int64_t nowMs) {
  analyzers::AppAnalysis analysis = analyzers::analyzeStoredApp(store, appId, attemptId, rules, analyzers::Suppressions{}, nowMs);
  AdvisorInput input{measureApp(store, analysis.appId, analysis.attemptId, config.prices), analysis.findings, {}, config, 0, {}};
  if (!input.measured.app.jobKey.empty()) input.history = loadRunHistory(store, input.measured.app.jobKey, config.prices);
  if (input.measured.runtime) {
    input.machineCores = std::max<int64_t>(1, static_cast<int64_t>(std::thread::hardware_concurrency()));
    input.job = recordedJob(input.measured);
  }
  StoredAppAdvice result;
  result.advice = advise(input);
  result.findings = std::move(analysis.findings);
  result.measured = std::move(input.measured);
  return result;
}

}  // namespace jobtuner::advisor
