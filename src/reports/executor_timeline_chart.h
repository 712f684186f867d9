#pragma once

// The executor timeline: every task attempt as a bar on a lane of its executor, against time since
// the app started, coloured by stage. Spark records no slot, so tasks are placed greedily by
// launch time on an executor's first free lane (one lane per core; more when it ran more at once).
// Large apps stay small pages: past a number of tasks, each lane is merged into pixel columns
// (failed and speculative tasks still marked one by one), and past a number of lanes executors
// share rows.

#include <cstddef>
#include <vector>

#include "core/model.h"
#include "reports/svg_chart.h"

namespace jobtuner::reports {

struct TimelineLimits {
  size_t maxTasksDrawn = 2500;  // beyond, lanes are merged into pixel columns
  size_t maxLanes = 64;         // beyond, several executors (all their slots) share a row
  size_t maxMarkers = 500;      // failed or speculative tasks marked one by one when merged
  size_t maxCells = 8000;       // merged columns over all rows: widens the columns when exceeded
};

/// id "chart-timeline".
SvgChart executorTimelineChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks,
                               const TimelineLimits& limits = {});

}  // namespace jobtuner::reports
