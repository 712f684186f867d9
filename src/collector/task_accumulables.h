#pragma once

// What the store keeps of a task's `Task Info.Accumulables`. Spark repeats every task metric there
// as an accumulable named internal.metrics.* (executorRunTime, shuffle.read.remoteBytesRead, ...):
// on a typical TaskEnd that is three quarters of the line, and the same numbers as `Task Metrics`,
// which the store already holds as typed columns. Those copies are left out when the event had
// `Task Metrics`; everything else (SQL metrics, user accumulators, internal ones the model does not
// hold, such as updatedBlockStatuses) is kept verbatim, in the log's order.

#include <span>
#include <string>
#include <string_view>

namespace jobtuner::collector {

/// True for the internal.metrics.* names whose values core::TaskMetrics holds.
bool isTaskMetricAccumulable(std::string_view name);

/// The JSON array of `elements` (each the raw text of one validated element, in the log's order)
/// without the entries that repeat task metrics when `hasTaskMetrics`; of all of them otherwise.
std::string accumulablesToKeep(std::span<const std::string_view> elements, bool hasTaskMetrics);

}  // namespace jobtuner::collector
