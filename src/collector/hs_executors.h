#pragma once

// /applications/{app-id}[/{attempt-id}]/executors (active ones) and /allexecutors (the dead too):
// Spark's ExecutorSummary, with the totals AppStatusListener keeps per executor computed from the
// stored tasks.

#include "collector/history_server_api.h"

namespace jobtuner::collector {

ApiResponse answerExecutors(const Store& store, const AppAttemptRef& app, bool activeOnly);

/// /allmiscellaneousprocess: the processes Spark lists beside the executors (ProcessSummary).
ApiResponse answerMiscellaneousProcesses(const Store& store, const AppAttemptRef& app);

}  // namespace jobtuner::collector
