#include "reports/spill_gc_chart.h"

#include <catch2/catch.hpp>

#include "reports/chart_samples.h"

using namespace jobtuner;
using namespace jobtuner::reports;
using namespace jobtuner::reports::samples;

namespace {

constexpr int64_t kMiB = 1024 * 1024;

std::vector<core::TaskAttempt> spillingTasks() {
  std::vector<core::TaskAttempt> tasks;
  // Stage 0: nothing to show. Stage 1: spills. Stage 2: GC only.
  for (int i = 0; i < 4; ++i) tasks.push_back(sampleTask(i, 0, i, "1", 0, 1'000));
  for (int i = 0; i < 4; ++i) {
    core::TaskAttempt task = sampleTask(10 + i, 1, i, "1", 0, 10'000);
    task.metrics.memoryBytesSpilled = i < 2 ? 512 * kMiB : 0;
    task.metrics.diskBytesSpilled = i < 2 ? 128 * kMiB : 0;
    tasks.push_back(task);
  }
  for (int i = 0; i < 4; ++i) {
    core::TaskAttempt task = sampleTask(20 + i, 2, i, "1", 0, 10'000);
    task.metrics.jvmGcTimeMs = 2'500;
    tasks.push_back(task);
  }
  // A failed attempt's spill was paid too.
  core::TaskAttempt failed = sampleTask(30, 1, 0, "1", 0, 10'000);
  failed.status = core::TaskStatus::Failed;
  failed.metrics.memoryBytesSpilled = 1024 * kMiB;
  tasks.push_back(failed);
  return tasks;
}

}  // namespace

TEST_CASE("spill and GC per stage, each on its own scale", "[reports]") {
  core::AppAttempt app = sampleApp(1, 4);
  app.stages.push_back(sampleStage(1, "sort at Sales.scala:7"));
  SvgChart chart = spillGcChart(app, spillingTasks());
  checkChartInvariants(chart);
  CHECK(chart.id == "chart-spill-gc");
  CHECK(anyTextContains(chart, "stage 1.0 (sort at Sales.scala:7)"));
  CHECK(anyTextContains(chart, "stage 2.0"));
  CHECK(!anyTextContains(chart, "stage 0.0"));

  std::vector<SvgChart::Rect> memory = rectsWith(chart, "spill-memory");
  std::vector<SvgChart::Rect> disk = rectsWith(chart, "spill-disk");
  std::vector<SvgChart::Rect> gc = rectsWith(chart, "gc");
  REQUIRE(memory.size() == 1);
  REQUIRE(disk.size() == 1);
  REQUIRE(gc.size() == 1);
  CHECK(memory[0].title == "stage 1.0: 2 GB spilled, as its size in memory; 3 of 5 task attempts spilled");
  CHECK(disk[0].title.starts_with("stage 1.0: 256 MB written to disk"));
  // One byte scale for both: 2 GB is eight times 256 MB.
  CHECK(memory[0].w == Approx(8 * disk[0].w).epsilon(0.01));
  CHECK(gc[0].title == "stage 2.0: 10 s GC time, 25% of the tasks' run time (40 s)");
  CHECK(gc[0].y > memory[0].y);  // stage 2's row below stage 1's
  CHECK(chart.legend.size() == 3);
  CHECK(chart.legend[2].text == "JVM garbage-collection time of the tasks");
}

TEST_CASE("the runtime's GC time is named for what it is", "[reports]") {
  core::AppAttempt app = sampleApp(1, 4);
  app.source = core::AppSource::Runtime;
  SvgChart chart = spillGcChart(app, spillingTasks());
  checkChartInvariants(chart);
  CHECK(anyTextContains(chart, "time blocked on memory"));
  CHECK(chart.caption.find("no garbage collector") != std::string::npos);
  CHECK(chart.legend.back().text == "time tasks were blocked waiting for memory");
}

TEST_CASE("no spill and no GC leaves the chart empty", "[reports]") {
  core::AppAttempt app = sampleApp(1, 4);
  std::vector<core::TaskAttempt> tasks = {sampleTask(1, 0, 0, "1", 0, 100)};
  SvgChart chart = spillGcChart(app, tasks);
  CHECK(chart.emptyText == "no stage spilled or spent time in GC");
  checkChartInvariants(chart);
  CHECK(spillGcChart(app, {}).emptyText == "no stage spilled or spent time in GC");
}

TEST_CASE("100,000 tasks make a bounded spill chart", "[reports]") {
  core::AppAttempt app = sampleApp(16, 4, 3'600'000);
  SvgChart chart = spillGcChart(app, manyTasks(100'000, 3'600'000));
  checkChartInvariants(chart);
  CHECK(toJson(chart).dump().size() < 100'000);
}
