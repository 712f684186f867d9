#pragma once

// Shuffle-read bytes per partition of one stage attempt (the successful attempt of each index):
// bars, the median as a line, partitions over twice the median marked hot, and, when the bundled
// runtime sketched the keys of the shuffles the stage reads, the heaviest keys named. Past a few
// hundred partitions, neighbouring partitions share a bar (the largest of them).

#include <cstdint>
#include <vector>

#include "core/model.h"
#include "reports/svg_chart.h"

namespace jobtuner::reports {

/// id "chart-partitions-<stageId>".
SvgChart partitionBytesChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks, int32_t stageId,
                             int32_t stageAttemptId);

}  // namespace jobtuner::reports
