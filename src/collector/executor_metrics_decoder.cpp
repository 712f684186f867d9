#include "collector/executor_metrics_decoder.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace jobtuner::collector {

core::ExecutorMetrics decodeExecutorMetrics(JsonValue value) {
  core::ExecutorMetrics metrics;
  // As string_views: comparing with the C strings would measure each one at every comparison.
  static const std::array<std::string_view, core::ExecutorMetrics::kCount> names = [] {
    std::array<std::string_view, core::ExecutorMetrics::kCount> views;
    for (size_t i = 0; i < views.size(); ++i) views[i] = core::executorMetricNames()[i];
    return views;
  }();
  // Spark writes the metrics in the order of its list: the next name is tried first.
  size_t expected = 0;
  forEachField(value, [&](std::string_view key, JsonValue metric) {
    size_t index = expected < names.size() && key == names[expected]
                       ? expected
                       : static_cast<size_t>(std::find(names.begin(), names.end(), key) - names.begin());
    if (index == names.size()) return;
    metrics.values[index] = readInt64(metric);
    expected = index + 1;
  });
  return metrics;
}

}  // namespace jobtuner::collector
