#pragma once

// Spark's v1.StageData for one stage attempt, computed at query time: the counts, peaks and
// executor summaries the parser kept as Spark's listener keeps them, and metric totals summed from
// the stored tasks Spark would have added up. Internal to the collector.

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collector/history_server_api.h"
#include "collector/hs_tasks.h"
#include "core/model.h"

namespace jobtuner::collector {

/// The 34 task metrics in the order of Spark's LiveEntityHelpers.createMetrics, summed.
using MetricTotals = std::array<int64_t, 34>;

/// One app attempt as the stage endpoints read it.
struct StageQueryContext {
  AppAttemptRef ref;
  core::AppAttempt app;
  int64_t appPk = 0;
  TaskRenderContext taskContext;  // with the kept copy's modification time as the last update
};

/// Loads the app attempt; nullopt when the store does not hold it. Without `withApp` only what
/// the task endpoints need is read (not the app's stages, jobs and environment).
std::optional<StageQueryContext> loadStageQueryContext(const Store& store, const AppAttemptRef& ref, bool withApp);

/// Metric totals by stage attempt and executor (sorted by executor id within a stage attempt), of
/// one stage attempt or (stageId < 0) of all.
using StageTotals = std::map<std::pair<int32_t, int32_t>, std::map<std::string, MetricTotals>>;
StageTotals queryStageTotals(const Store& store, int64_t appPk, int32_t stageId = -1, int32_t stageAttemptId = 0);

/// What a StageData answer includes beyond the stage's own fields.
struct StageDataOptions {
  bool details = false;                  // tasks and executorSummary (and speculationSummary)
  std::vector<std::string> taskStatuses;  // filters the tasks of details; upper-case Spark names
  bool withSummaries = false;            // taskMetricsDistributions and executorMetricsDistributions
  std::vector<double> quantiles;         // of the summaries
};

/// Spark's StageData JSON of one stage attempt, fields in Spark's order.
nlohmann::ordered_json stageDataJson(const Store& store, const StageQueryContext& context,
                                     const core::StageAttempt& stage, const std::map<std::string, MetricTotals>& totals,
                                     const StageDataOptions& options);

}  // namespace jobtuner::collector
