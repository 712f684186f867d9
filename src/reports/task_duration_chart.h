#pragma once

// Task durations per stage attempt: a horizontal box plot of the successful tasks (min, p25,
// median, p75, max, quantiles taken as the History Server takes them) with the stragglers drawn
// one by one, on one time axis shared by every stage (logarithmic when durations span more than
// a hundredfold).

#include <vector>

#include "core/model.h"
#include "reports/svg_chart.h"

namespace jobtuner::reports {

/// id "chart-task-durations".
SvgChart taskDurationChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks);

}  // namespace jobtuner::reports
