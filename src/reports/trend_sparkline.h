#pragma once

// A sparkline: a job's wall time or cost over its last runs, small enough for a table cell. The
// points carry hover titles with each run's value; the last run is marked.

#include <string>
#include <vector>

#include "reports/svg_chart.h"

namespace jobtuner::reports {

struct TrendPoint {
  double value = 0;
  std::string title;  // "app-7: 12.3 s"
  bool failed = false;
};

SvgChart trendSparkline(const std::vector<TrendPoint>& points, const std::string& id, const std::string& what);

}  // namespace jobtuner::reports
