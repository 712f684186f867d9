#pragma once

// Each executor's peak memory as a bar against its limit as a line, with the same notion of peak
// and limit the analyzers and the advisor use: for Spark, the JVM heap's peak (the JVMHeapMemory
// executor metric) against spark.executor.memory; for the bundled runtime, which reports no
// executor gauges, the largest task's execution memory times the executor's cores (the advisor's
// estimate); for an executor killed for its memory limit, the resident size at the kill against
// that limit, both read from its removal reason.

#include <vector>

#include "core/model.h"
#include "reports/svg_chart.h"

namespace jobtuner::reports {

/// id "chart-executor-memory".
SvgChart executorMemoryChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks);

}  // namespace jobtuner::reports
