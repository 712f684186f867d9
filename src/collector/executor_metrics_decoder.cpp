#include "collector/executor_metrics_decoder.h"

#include <string_view>

namespace jobtuner::collector {

core::ExecutorMetrics decodeExecutorMetrics(JsonValue value) {
  core::ExecutorMetrics metrics;
  const auto& names = core::executorMetricNames();
  forEachField(value, [&](std::string_view key, JsonValue metric) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (key == names[i]) {
        metrics.values[i] = readInt64(metric);
        return;
      }
    }
  });
  return metrics;
}

}  // namespace jobtuner::collector
