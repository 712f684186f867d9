#include "reports/trend_sparkline.h"

#include <algorithm>

namespace jobtuner::reports {

SvgChart trendSparkline(const std::vector<TrendPoint>& points, const std::string& id, const std::string& what) {
  SvgChart chart;
  chart.id = id;
  chart.title = what;
  chart.width = 120;
  chart.height = 28;
  if (points.empty()) {
    chart.emptyText = "no completed run";
    return chart;
  }
  const double pad = 3;
  double high = 0;
  for (const TrendPoint& point : points) high = std::max(high, point.value);
  if (high <= 0) high = 1;
  // One run draws as one point in the middle; more spread over the width, oldest at the left.
  auto x = [&](size_t i) {
    return points.size() == 1 ? chart.width / 2 : pad + (chart.width - 2 * pad) * static_cast<double>(i) / static_cast<double>(points.size() - 1);
  };
  auto y = [&](double value) { return chart.height - pad - (chart.height - 2 * pad) * std::max(0.0, value) / high; };
  for (size_t i = 1; i < points.size(); ++i) {
    chart.lines.push_back({x(i - 1), y(points[i - 1].value), x(i), y(points[i].value), "trend"});
  }
  for (size_t i = 0; i < points.size(); ++i) {
    std::string cls = points[i].failed ? "outlier" : i + 1 == points.size() ? "last-point" : "point";
    chart.circles.push_back({x(i), y(points[i].value), i + 1 == points.size() ? 2.5 : 1.5, cls, points[i].title});
  }
  return chart;
}

}  // namespace jobtuner::reports
