#pragma once

// Stage task-metric quantiles computed exactly as the Spark History Server's `taskSummary`
// (AppStatusStore.taskSummary): only tasks that succeeded with metrics count; each metric is
// sorted on its own; quantile q takes the value at index min(floor(q * n), n - 1). Every module
// that shows stage quantiles uses this, so our numbers and Spark's agree exactly.

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/model.h"

namespace jobtuner::core {

/// The History Server's default quantiles.
std::vector<double> defaultQuantiles();

/// Parses "0.05,0.25,0.5" (each in [0, 1]). Throws UserError naming the bad item.
std::vector<double> parseQuantiles(const std::string& text);

/// True when the History Server lets this task attempt into the summary.
bool countsForTaskSummary(const TaskAttempt& task);

/// Returns the values at the History Server's quantile indices of `values` (sorted in place).
std::vector<double> historyServerQuantiles(std::vector<double>& values, const std::vector<double>& quantiles);

/// Collects the tasks of one stage attempt and renders the summary.
class TaskSummaryBuilder {
 public:
  void add(const TaskAttempt& task);
  int64_t count() const;
  /// The History Server's TaskMetricDistributions JSON (field names and nesting as Spark's
  /// REST API), or nullopt when no task counts (Spark answers 404 then).
  std::optional<nlohmann::json> toHistoryServerJson(const std::vector<double>& quantiles) const;

 private:
  std::vector<TaskAttempt> tasks_;
};

}  // namespace jobtuner::core
