#pragma once

// /applications/{app-id}[/{attempt-id}]/jobs[?status=...] and .../jobs/{job-id}: Spark's JobData,
// counted as AppStatusListener counts it, from the stored jobs, stage attempts and tasks.

#include <cstddef>

#include "collector/history_server_api.h"

namespace jobtuner::collector {

/// Answers the jobs resource; segments[firstJobSegment] is "jobs".
ApiResponse answerJobsRequest(const Store& store, const AppAttemptRef& app, const ApiRequest& request,
                              size_t firstJobSegment);

}  // namespace jobtuner::collector
