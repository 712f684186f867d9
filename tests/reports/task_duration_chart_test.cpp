#include "reports/task_duration_chart.h"

#include <catch2/catch.hpp>

#include "reports/chart_samples.h"

using namespace jobtuner;
using namespace jobtuner::reports;
using namespace jobtuner::reports::samples;

namespace {

/// A stage of `count` tasks lasting 1.0 to 1.99 s, on two executors.
void addStage(std::vector<core::TaskAttempt>& tasks, int32_t stageId, int count, int64_t& nextId) {
  for (int i = 0; i < count; ++i) {
    tasks.push_back(sampleTask(nextId++, stageId, i, std::to_string(i % 2 + 1), i * 10, 1'000 + (i * 37) % 1'000));
  }
}

const SvgChart::Text* labelOf(const SvgChart& chart, const std::string& prefix) {
  for (const SvgChart::Text& t : chart.texts) {
    if (t.text.starts_with(prefix)) return &t;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a stage's durations make a box, and its straggler a dot", "[reports]") {
  core::AppAttempt app = sampleApp(2, 2);
  app.stages.push_back(sampleStage(3, "count at Orders.scala:42"));
  std::vector<core::TaskAttempt> tasks;
  int64_t id = 0;
  addStage(tasks, 3, 100, id);
  core::TaskAttempt slow = sampleTask(999, 3, 100, "2", 0, 60'000);
  tasks.push_back(slow);
  core::TaskAttempt failed = sampleTask(1000, 3, 101, "1", 0, 500'000);  // not a success: not in the box
  failed.status = core::TaskStatus::Failed;
  tasks.push_back(failed);

  SvgChart chart = taskDurationChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(chart.id == "chart-task-durations");
  const SvgChart::Text* label = labelOf(chart, "stage 3.0");
  REQUIRE(label);
  CHECK(label->text == "stage 3.0 (count at Orders.scala:42) — 101 tasks");
  REQUIRE(chart.rects.size() == 1);
  const SvgChart::Rect& box = chart.rects[0];
  CHECK(box.cls == "box");
  CHECK(box.title.find("101 tasks") != std::string::npos);
  CHECK(box.title.find("max 1 min") != std::string::npos);
  REQUIRE(chart.circles.size() == 1);
  CHECK(chart.circles[0].cls == "outlier");
  CHECK(chart.circles[0].title.starts_with("task 999 "));
  CHECK(chart.circles[0].title.find("× the median") != std::string::npos);
  // The dot lies right of the box, at the whisker's end.
  CHECK(chart.circles[0].cx > box.x + box.w);
  bool medianInBox = false;
  for (const SvgChart::Line& line : chart.lines) {
    if (line.cls == "median") medianInBox = line.x1 >= box.x && line.x1 <= box.x + box.w;
  }
  CHECK(medianInBox);
  CHECK(chart.caption.find("Logarithmic") == std::string::npos);
}

TEST_CASE("durations spread over more than a hundredfold get a logarithmic axis", "[reports]") {
  core::AppAttempt app = sampleApp(1, 4);
  std::vector<core::TaskAttempt> tasks;
  int64_t id = 0;
  for (int i = 0; i < 10; ++i) tasks.push_back(sampleTask(id++, 0, i, "1", 0, 5 + i));
  for (int i = 0; i < 10; ++i) tasks.push_back(sampleTask(id++, 1, i, "1", 0, 300'000 + i));
  tasks.push_back(sampleTask(id++, 1, 10, "1", 0, 0));  // a task of no length stays on the chart
  SvgChart chart = taskDurationChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(chart.caption.find("Logarithmic time axis: durations span 0 ms to 5 min") != std::string::npos);
  CHECK(anyTextContains(chart, "100 ms"));
  CHECK(anyTextContains(chart, "1 min"));
  REQUIRE(chart.rects.size() == 2);
  // On a log axis, the two stages' boxes lie far apart, not squeezed into the first pixel.
  CHECK(chart.rects[0].x < 500);
  CHECK(chart.rects[1].x > 800);
}

TEST_CASE("stragglers are capped per stage, and stages at sixty", "[reports]") {
  core::AppAttempt app = sampleApp(2, 2);
  std::vector<core::TaskAttempt> tasks;
  int64_t id = 0;
  for (int32_t stage = 0; stage < 100; ++stage) addStage(tasks, stage, stage < 40 ? 5 : 50, id);
  // Stage 99: 30 stragglers among 200 tasks.
  for (int i = 0; i < 200; ++i) tasks.push_back(sampleTask(id++, 99, 100 + i, "1", 0, i < 30 ? 50'000 + i : 1'000));
  SvgChart chart = taskDurationChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(chart.rects.size() == 60);
  CHECK(chart.caption.find("The 60 stage attempts with the most task time, of 100.") != std::string::npos);
  CHECK(chart.caption.find("stage 99.0 (20 of 30)") != std::string::npos);
  CHECK(chart.circles.size() == 20);
  // The kept stages are the big ones (40 to 99), in stage order.
  CHECK(labelOf(chart, "stage 39.0") == nullptr);
  REQUIRE(labelOf(chart, "stage 40.0"));
  REQUIRE(labelOf(chart, "stage 99.0"));
  CHECK(labelOf(chart, "stage 40.0")->y < labelOf(chart, "stage 99.0")->y);
}

TEST_CASE("no successful task leaves the duration chart empty", "[reports]") {
  core::AppAttempt app = sampleApp(1, 1);
  CHECK(taskDurationChart(app, {}).emptyText == "no task ran");
  std::vector<core::TaskAttempt> tasks = {sampleTask(1, 0, 0, "1", 0, 100)};
  tasks[0].status = core::TaskStatus::Killed;
  SvgChart chart = taskDurationChart(app, tasks);
  CHECK(chart.emptyText == "no task succeeded");
  checkChartInvariants(chart);
}

TEST_CASE("100,000 tasks make a duration chart of a few kilobytes", "[reports]") {
  core::AppAttempt app = sampleApp(16, 4, 3'600'000);
  SvgChart chart = taskDurationChart(app, manyTasks(100'000, 3'600'000));
  checkChartInvariants(chart);
  CHECK(chart.rects.size() == 50);
  CHECK(toJson(chart).dump().size() < 200'000);
}
