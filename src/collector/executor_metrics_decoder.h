#pragma once

// Decoding of Spark's `Executor Metrics` objects (name -> value), which TaskEnd ("Task Executor
// Metrics"), SparkListenerStageExecutorMetrics and heartbeats (ExecutorMetricsUpdate) carry.

#include "collector/spark_json_fields.h"
#include "core/model.h"

namespace jobtuner::collector {

/// Reads the metrics Spark knows by name; a metric the object lacks reads as 0, as Spark reads
/// logs of versions that had fewer metrics. A value that is not an object gives all zeros.
core::ExecutorMetrics decodeExecutorMetrics(JsonValue value);

}  // namespace jobtuner::collector
