#pragma once

// /applications/{app-id}[/{attempt-id}]/storage/rdd and .../storage/rdd/{rdd-id}: Spark's
// RDDStorageInfo for the RDDs marked for caching. What is cached where comes from block updates,
// which event logs carry only with spark.eventLog.logBlockUpdates.enabled and which are not
// read: every RDD shows no cached partitions, as the History Server shows logs without them.

#include <cstddef>

#include "collector/history_server_api.h"

namespace jobtuner::collector {

/// Answers the storage resource; segments[firstStorageSegment] is "storage".
ApiResponse answerStorageRequest(const Store& store, const AppAttemptRef& app, const ApiRequest& request,
                                 size_t firstStorageSegment);

}  // namespace jobtuner::collector
