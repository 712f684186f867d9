#pragma once

// The per-task metrics rules aggregate over (`max(duration_ms)`, `p50(shuffle_read_bytes)`), with
// the model's names and units (DESIGN.md). One list, read by the rule compiler, the summaries and
// the generated rule reference.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/rule_value.h"
#include "core/model.h"

namespace jobtuner::analyzers {

struct TaskMetricInfo {
  std::string_view name;
  Unit unit;
  std::string_view description;
  int64_t (*valueOf)(const core::TaskAttempt& task);
};

/// Every metric, in the model's order; a metric's index is its position here.
std::span<const TaskMetricInfo> taskMetrics();
/// The index of a metric by name.
std::optional<size_t> findTaskMetric(std::string_view name);
std::vector<std::string> taskMetricNames();

}  // namespace jobtuner::analyzers
