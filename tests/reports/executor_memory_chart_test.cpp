#include "reports/executor_memory_chart.h"

#include <catch2/catch.hpp>

#include "reports/chart_samples.h"

using namespace jobtuner;
using namespace jobtuner::reports;
using namespace jobtuner::reports::samples;

namespace {

constexpr int64_t kMiB = 1024 * 1024;

void setHeapPeak(core::Executor& executor, int64_t bytes) {
  executor.peakMetrics.emplace();
  executor.peakMetrics->values[0] = bytes;  // JVMHeapMemory, Spark's first executor metric
}

std::vector<SvgChart::Line> limitLines(const SvgChart& chart) {
  std::vector<SvgChart::Line> lines;
  for (const SvgChart::Line& line : chart.lines) {
    if (line.cls == "limit") lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("a Spark executor's heap peak against spark.executor.memory", "[reports]") {
  core::AppAttempt app = sampleApp(3, 4);
  app.environment.sparkProperties = {{"spark.executor.memory", "4096"}};  // a bare number is MiB
  setHeapPeak(app.executors[0], 2048 * kMiB);
  setHeapPeak(app.executors[1], 1024 * kMiB);
  app.executors[2].peakMetrics.emplace();
  app.executors[2].peakMetrics->values[0] = -1;  // Spark's "never reported"
  core::Executor driver;
  driver.executorId = "driver";
  app.executors.push_back(driver);  // a cluster-mode driver with nothing to say: left out

  SvgChart chart = executorMemoryChart(app, {});
  checkChartInvariants(chart);
  CHECK(chart.id == "chart-executor-memory");
  REQUIRE(chart.rects.size() == 2);
  const SvgChart::Rect& first = chart.rects[0];
  CHECK(first.cls == "peak");
  CHECK(first.title == "exec 1: JVM heap peak 2 GB of spark.executor.memory 4 GB (50%)");
  std::vector<SvgChart::Line> limits = limitLines(chart);
  REQUIRE(limits.size() == 3);
  // The bar reaches half-way to the limit line.
  CHECK(first.x + first.w == Approx(first.x + (limits[0].x1 - first.x) / 2));
  CHECK(anyTextContains(chart, "2 GB / 4 GB (50%)"));
  CHECK(anyTextContains(chart, "no metrics"));
  CHECK(!anyTextContains(chart, "driver"));
}

TEST_CASE("an executor killed for its memory limit shows what it used against that limit", "[reports]") {
  core::AppAttempt app = sampleApp(2, 2);
  app.source = core::AppSource::Runtime;
  app.environment.sparkProperties = {{"spark.executor.memory", "512m"}, {"spark.executor.cores", "2"}};
  app.executors[1].removeTimeMs = kAppStartMs + 1'000;
  app.executors[1].removeReason = "Container killed by jobtuner: exceeded memory limit 896.0 MB (used 1.1 GB)";
  std::vector<core::TaskAttempt> tasks = {sampleTask(1, 0, 0, "1", 0, 100), sampleTask(2, 0, 1, "1", 0, 100),
                                          sampleTask(3, 1, 0, "1", 200, 100)};
  tasks[0].metrics.peakExecutionMemoryBytes = 100 * kMiB;
  tasks[1].metrics.peakExecutionMemoryBytes = 150 * kMiB;
  tasks[2].metrics.peakExecutionMemoryBytes = 120 * kMiB;

  SvgChart chart = executorMemoryChart(app, tasks);
  checkChartInvariants(chart);
  REQUIRE(chart.rects.size() == 2);
  // The runtime reports no gauges: the largest task's execution memory times the cores.
  CHECK(chart.rects[0].title == "exec 1: largest task's execution memory × 2 cores 300 MB of spark.executor.memory 512 MB (59%)");
  CHECK(chart.rects[1].cls == "peak failed");
  CHECK(chart.rects[1].title.starts_with("exec 2: resident size when killed 1.1 GB of its memory limit"));
  CHECK(chart.rects[1].title.find("killed for exceeding its memory limit") != std::string::npos);
  std::vector<SvgChart::Line> limits = limitLines(chart);
  REQUIRE(limits.size() == 2);
  CHECK(limits[1].x1 > limits[0].x1);  // 896 MB against 512 MB
  CHECK(limits[1].x1 < chart.rects[1].x + chart.rects[1].w);  // it went past its limit
  CHECK(chart.caption.find("no executor gauges") != std::string::npos);
}

TEST_CASE("a memory kill in a cluster manager's words still marks the executor", "[reports]") {
  core::AppAttempt app = sampleApp(1, 4);
  setHeapPeak(app.executors[0], 3000 * kMiB);
  app.executors[0].removeTimeMs = kAppStartMs + 1'000;
  app.executors[0].removeReason = "Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used.";
  SvgChart chart = executorMemoryChart(app, {});
  checkChartInvariants(chart);
  REQUIRE(chart.rects.size() == 1);
  CHECK(chart.rects[0].cls == "peak failed");
  // No figures in YARN's wording: the heap's peak against the default 1 GB heap.
  CHECK(chart.rects[0].title.starts_with("exec 1: JVM heap peak 2.9 GB of spark.executor.memory 1 GB"));
}

TEST_CASE("without any memory figure there is nothing to draw", "[reports]") {
  core::AppAttempt app = sampleApp(2, 4);
  SvgChart chart = executorMemoryChart(app, {sampleTask(1, 0, 0, "1", 0, 10)});
  CHECK(chart.emptyText.starts_with("no executor reported its memory use"));
  checkChartInvariants(chart);
  core::AppAttempt none;
  CHECK(executorMemoryChart(none, {}).emptyText == "no executor was recorded");
}

TEST_CASE("hundreds of executors keep the sixty-four nearest their limit", "[reports]") {
  core::AppAttempt app = sampleApp(300, 4);
  for (size_t i = 0; i < app.executors.size(); ++i) setHeapPeak(app.executors[i], static_cast<int64_t>(i + 1) * kMiB);
  SvgChart chart = executorMemoryChart(app, {});
  checkChartInvariants(chart);
  CHECK(chart.rects.size() == 64);
  CHECK(chart.caption.find("The 64 executors nearest their limit, of 300.") != std::string::npos);
  CHECK(anyTextContains(chart, "exec 300"));
  CHECK(!anyTextContains(chart, "exec 236"));
  CHECK(toJson(chart).dump().size() < 100'000);
}
