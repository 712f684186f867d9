#pragma once

// The task side of the History Server's stage endpoints: TaskData as Spark 4.0 writes it,
// .../stages/{id}/{attempt}/taskList and .../taskSummary. Internal to the collector.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/history_server_api.h"
#include "core/model.h"

namespace jobtuner::collector {

/// What a task's JSON needs besides the task.
struct TaskRenderContext {
  std::map<std::string, nlohmann::ordered_json> executorLogs;  // executor id -> its log links
  int64_t lastUpdateTimeMs = 0;  // the log's last update: tasks still running have run until then
};

/// Builds the context from the app's executors and the kept copy's modification time.
TaskRenderContext taskRenderContext(const core::AppAttempt& app, int64_t lastUpdateTimeMs);

/// Spark's TaskData.status: RUNNING, GET RESULT, SUCCESS, FAILED or KILLED.
std::string sparkTaskStatus(const core::TaskAttempt& task);

/// Spark's TaskData JSON for one task attempt, fields in Spark's order.
nlohmann::ordered_json taskDataJson(const core::TaskAttempt& task, const TaskRenderContext& context);

/// Parses the values of a task-status parameter (taskStatus=, status=), as Spark's TaskStatus
/// enum reads them (any case). Returns the upper-case names, or an error naming the bad value.
std::optional<std::vector<std::string>> parseTaskStatuses(const std::vector<std::string>& values,
                                                          const char* parameter, ApiResponse& error);

/// True when the task's status is one of `statuses` (none means every task).
bool taskStatusMatches(const core::TaskAttempt& task, const std::vector<std::string>& statuses);

/// The task attempts of one stage attempt, in task id order.
std::vector<core::TaskAttempt> loadStageTasks(const Store& store, const AppAttemptRef& app, int32_t stageId,
                                              int32_t stageAttemptId);

/// .../stages/{id}/{attempt}/taskList?offset=&length=&sortBy=&status=
ApiResponse answerTaskList(const Store& store, const AppAttemptRef& app, int32_t stageId, int32_t stageAttemptId,
                           const ApiRequest& request, const TaskRenderContext& context);

/// .../stages/{id}/{attempt}/taskSummary?quantiles=
ApiResponse answerTaskSummary(const Store& store, const AppAttemptRef& app, int32_t stageId, int32_t stageAttemptId,
                              const ApiRequest& request, int64_t lastUpdateTimeMs);

/// The quantiles of a `quantiles=` parameter (or `fallback`), or a 400 answer.
std::optional<std::vector<double>> quantilesParameter(const ApiRequest& request, const std::string& fallback,
                                                      ApiResponse& error);

}  // namespace jobtuner::collector
