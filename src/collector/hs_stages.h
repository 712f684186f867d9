#pragma once

// The History Server's stage endpoints, below /applications/{app-id}[/{attempt-id}]:
//   /stages[?status=&details=&withSummaries=&quantiles=&taskStatus=]
//   /stages/{stage-id}[?details=&withSummaries=&quantiles=&taskStatus=]      (its attempts)
//   /stages/{stage-id}/{stage-attempt-id}[?details=&withSummaries=&quantiles=&taskStatus=]
//   /stages/{stage-id}/{stage-attempt-id}/taskSummary[?quantiles=]
//   /stages/{stage-id}/{stage-attempt-id}/taskList[?offset=&length=&sortBy=&status=]
// answered as Spark 4.0's StagesResource answers them.

#include <cstddef>

#include "collector/history_server_api.h"

namespace jobtuner::collector {

/// Answers a stage request; request.segments[firstStageSegment] is "stages" and `app` exists.
ApiResponse answerStagesRequest(const Store& store, const AppAttemptRef& app, const ApiRequest& request,
                                size_t firstStageSegment);

}  // namespace jobtuner::collector
