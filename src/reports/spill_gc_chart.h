#pragma once

// Spill and GC per stage attempt, in two panels with their own scales: bytes spilled (from memory,
// and as written to disk, side by side on one byte scale) and time in GC (for the bundled runtime,
// which has no garbage collector, the time tasks were blocked waiting for memory). Stages with
// none of these are left out.

#include <vector>

#include "core/model.h"
#include "reports/svg_chart.h"

namespace jobtuner::reports {

/// id "chart-spill-gc".
SvgChart spillGcChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks);

}  // namespace jobtuner::reports
