#include "reports/executor_timeline_chart.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "reports/chart_samples.h"

using namespace jobtuner;
using namespace jobtuner::reports;
using namespace jobtuner::reports::samples;

namespace {

/// Task bars (stage-coloured rects) by lane, each lane's sorted by x.
std::map<double, std::vector<SvgChart::Rect>> barsByLane(const SvgChart& chart) {
  std::map<double, std::vector<SvgChart::Rect>> lanes;
  for (const SvgChart::Rect& r : chart.rects) lanes[r.y].push_back(r);
  for (auto& [y, bars] : lanes) std::sort(bars.begin(), bars.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
  return lanes;
}

void checkLanesDoNotOverlap(const SvgChart& chart) {
  for (const auto& [y, bars] : barsByLane(chart)) {
    for (size_t i = 1; i < bars.size(); ++i) {
      INFO("lane at y " << y << ": " << bars[i - 1].title << " then " << bars[i].title);
      CHECK(bars[i - 1].x + bars[i - 1].w <= bars[i].x + 1e-9);
    }
  }
}

bool hasText(const SvgChart& chart, const std::string& text) {
  return std::any_of(chart.texts.begin(), chart.texts.end(), [&](const SvgChart::Text& t) { return t.text == text; });
}

}  // namespace

TEST_CASE("the timeline draws each task on a lane of its executor", "[reports]") {
  core::AppAttempt app = sampleApp(2, 2, 60'000);
  std::vector<core::TaskAttempt> tasks;
  // Each executor runs two tasks at once at most: its two cores.
  tasks.push_back(sampleTask(1, 0, 0, "1", 0, 10'000));
  tasks.push_back(sampleTask(2, 0, 1, "1", 1'000, 9'000));
  tasks.push_back(sampleTask(3, 0, 2, "2", 0, 5'000));
  tasks.push_back(sampleTask(4, 1, 0, "2", 5'000, 20'000));
  tasks.push_back(sampleTask(5, 1, 1, "1", 10'000, 30'000));
  tasks.push_back(sampleTask(6, 1, 1, "2", 20'000, 1'000));
  tasks[5].status = core::TaskStatus::Failed;
  tasks[5].failureMessage = "ExecutorLostFailure";
  tasks.push_back(sampleTask(7, 1, 1, "2", 21'000, 5'000));
  tasks[6].speculative = true;
  tasks[3].metrics.shuffleRemoteBytesRead = 3 * 1024 * 1024;

  SvgChart chart = executorTimelineChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(chart.id == "chart-timeline");
  CHECK(chart.emptyText.empty());
  REQUIRE(chart.rects.size() == tasks.size());
  checkLanesDoNotOverlap(chart);
  // Two lanes per executor, each labelled.
  CHECK(hasText(chart, "exec 1 / slot 0"));
  CHECK(hasText(chart, "exec 1 / slot 1"));
  CHECK(hasText(chart, "exec 2 / slot 1"));
  CHECK(barsByLane(chart).size() == 4);

  auto rectOf = [&](int64_t taskId) {
    std::string needle = "task " + std::to_string(taskId) + " ";
    auto found = std::find_if(chart.rects.begin(), chart.rects.end(), [&](const auto& r) { return r.title.starts_with(needle); });
    REQUIRE(found != chart.rects.end());
    return *found;
  };
  CHECK(rectOf(6).cls == "c1 failed");
  CHECK(rectOf(7).cls == "c1 speculative");
  CHECK(rectOf(1).cls == "c0");
  CHECK(rectOf(4).title.find("shuffle read 3 MB") != std::string::npos);
  CHECK(rectOf(4).title.find("stage 1.0 · partition 0 · attempt 0") != std::string::npos);
  CHECK(rectOf(6).title.find("FAILED: ExecutorLostFailure") != std::string::npos);
  // Later tasks lie further right, at the scale of the app's minute.
  CHECK(rectOf(5).x > rectOf(1).x);
  CHECK(rectOf(5).w > rectOf(1).w);
  const std::set<std::string> legend = [&] {
    std::set<std::string> out;
    for (const auto& item : chart.legend) out.insert(item.text);
    return out;
  }();
  CHECK(legend.count("stage 0") == 1);
  CHECK(legend.count("stage 1") == 1);
  CHECK(legend.count("failed or killed task (red outline)") == 1);
  CHECK(chart.caption.find("merged") == std::string::npos);
}

TEST_CASE("an executor running more tasks than its cores gets more lanes", "[reports]") {
  core::AppAttempt app = sampleApp(1, 1, 10'000);
  std::vector<core::TaskAttempt> tasks;
  for (int i = 0; i < 3; ++i) tasks.push_back(sampleTask(i, 0, i, "1", 100 * i, 5'000));
  SvgChart chart = executorTimelineChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(barsByLane(chart).size() == 3);
  checkLanesDoNotOverlap(chart);
  CHECK(hasText(chart, "exec 1 / slot 2"));
  CHECK(chart.caption.find("More tasks ran at once than cores on exec 1") != std::string::npos);
}

TEST_CASE("an app with no task has nothing to draw", "[reports]") {
  core::AppAttempt app = sampleApp(2, 4);
  SvgChart chart = executorTimelineChart(app, {});
  CHECK(chart.emptyText == "no task ran");
  checkChartInvariants(chart);
  CHECK(toJson(chart)["empty"] == true);

  std::vector<core::TaskAttempt> timeless = {sampleTask(1, 0, 0, "1", 0, 10)};
  timeless[0].launchTimeMs = 0;
  timeless[0].finishTimeMs = 0;
  CHECK(executorTimelineChart(app, timeless).emptyText == "no task has a launch time");
}

TEST_CASE("messy logs draw nothing outside the chart", "[reports]") {
  core::AppAttempt app = sampleApp(2, 0, 30'000);  // executors without cores
  app.endTimeMs = 0;                                // no ApplicationEnd
  app.completed = false;
  std::vector<core::TaskAttempt> tasks;
  tasks.push_back(sampleTask(1, 0, 0, "1", 1'000, 2'000));
  core::TaskAttempt running = sampleTask(2, 0, 1, "1", 3'000, 0);
  running.finishTimeMs = 0;  // no TaskEnd
  running.status = core::TaskStatus::Running;
  tasks.push_back(running);
  tasks.push_back(sampleTask(3, 0, 2, "9", 2'000, 4'000));  // an executor the log never added
  core::TaskAttempt early = sampleTask(4, 0, 3, "2", 0, 1'000);
  early.launchTimeMs = kAppStartMs - 5'000;  // clocks apart: launched "before" the app started
  tasks.push_back(early);
  core::TaskAttempt backwards = sampleTask(5, 0, 4, "2", 8'000, 0);
  backwards.finishTimeMs = backwards.launchTimeMs - 3'000;  // finished before it launched
  tasks.push_back(backwards);
  core::TaskAttempt timeless = sampleTask(6, 0, 5, "2", 0, 0);
  timeless.launchTimeMs = 0;
  timeless.finishTimeMs = 0;
  tasks.push_back(timeless);
  core::TaskAttempt nowhere = sampleTask(7, 0, 6, "", 9'000, 1'000);  // no executor id
  tasks.push_back(nowhere);

  SvgChart chart = executorTimelineChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(chart.rects.size() == tasks.size() - 1);
  checkLanesDoNotOverlap(chart);
  CHECK(rectsWith(chart, "unfinished").size() == 1);
  CHECK(chart.caption.find("1 task without a launch time not drawn") != std::string::npos);
  CHECK(chart.caption.find("never added: exec 9, exec ?") != std::string::npos);
  CHECK(hasText(chart, "exec 9 / slot 0"));
  for (const SvgChart::Rect& r : chart.rects) CHECK(r.x >= 132);
}

TEST_CASE("an executor lost mid-run is marked where it went", "[reports]") {
  core::AppAttempt app = sampleApp(2, 1, 100'000);
  app.executors[1].removeTimeMs = kAppStartMs + 50'000;
  app.executors[1].removeReason = "Container killed by jobtuner: exceeded memory limit 512.0 MB (used 600.0 MB)";
  app.executors[0].removeTimeMs = app.endTimeMs;
  app.executors[0].removeReason = "the run finished";
  std::vector<core::TaskAttempt> tasks = {sampleTask(1, 0, 0, "1", 0, 90'000), sampleTask(2, 0, 1, "2", 0, 40'000)};
  SvgChart chart = executorTimelineChart(app, tasks);
  checkChartInvariants(chart);
  std::vector<SvgChart::Line> lost;
  for (const SvgChart::Line& line : chart.lines) {
    if (line.cls == "lost") lost.push_back(line);
  }
  REQUIRE(lost.size() == 1);  // the run's end is no loss
  CHECK(hasText(chart, "lost"));
  REQUIRE(chart.circles.size() == 1);
  CHECK(chart.circles[0].title.find("exceeded memory limit") != std::string::npos);
  CHECK(chart.circles[0].title.find("memory_limit") != std::string::npos);
  // Half-way through the plot, and on exec 2's lane (the second row).
  CHECK(lost[0].x1 > 500);
  CHECK(lost[0].x1 < 560);
  CHECK(lost[0].y1 > 20);
}

TEST_CASE("100,000 tasks merge into pixel columns and stay a small page", "[reports]") {
  core::AppAttempt app = sampleApp(16, 4, 3'600'000);
  std::vector<core::TaskAttempt> tasks = manyTasks(100'000, 3'600'000);
  SvgChart chart = executorTimelineChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(chart.caption.find("Tasks merged into 7-pixel columns: 100,000 tasks") != std::string::npos);
  CHECK(chart.caption.find("500 of 1,500 (capped)") != std::string::npos);
  checkLanesDoNotOverlap([&] {
    SvgChart cells = chart;  // the merged columns alone: markers lie over them on purpose
    std::erase_if(cells.rects, [](const auto& r) { return r.title.starts_with("task "); });
    return cells;
  }());
  // Failures first: every marker of the first 500 is a failed task.
  CHECK(rectsWith(chart, "failed").size() == 500);
  const size_t bytes = toJson(chart).dump().size();
  INFO("timeline JSON bytes: " << bytes);
  CHECK(bytes < 1'500'000);
}

TEST_CASE("past the lane cap, executors share rows", "[reports]") {
  core::AppAttempt app = sampleApp(200, 4, 100'000);
  std::vector<core::TaskAttempt> tasks;
  for (int i = 0; i < 800; ++i) tasks.push_back(sampleTask(i, i % 3, i, std::to_string(i % 200 + 1), (i / 200) * 1'000, 20'000));
  tasks[17].status = core::TaskStatus::Killed;
  SvgChart chart = executorTimelineChart(app, tasks);
  checkChartInvariants(chart);
  CHECK(chart.caption.find("800 slots across 200 executors: executors merged, 4 to a row") != std::string::npos);
  std::set<double> rows;
  for (const SvgChart::Text& t : chart.texts) {
    if (t.text.starts_with("exec ")) rows.insert(t.y);
  }
  CHECK(rows.size() == 50);
  CHECK(hasText(chart, "exec 1 … 4"));
  CHECK(rectsWith(chart, "failed").size() == 1);
}

TEST_CASE("limits at their extremes still give a valid timeline", "[reports]") {
  core::AppAttempt app = sampleApp(3, 2, 10'000);
  std::vector<core::TaskAttempt> tasks;
  for (int i = 0; i < 30; ++i) tasks.push_back(sampleTask(i, i % 4, i, std::to_string(i % 3 + 1), i * 100, 2'000));
  tasks[4].status = core::TaskStatus::Failed;
  for (const TimelineLimits& limits : {TimelineLimits{0, 0, 0, 0}, TimelineLimits{0, 1, 1, 1}, TimelineLimits{1'000'000, 1'000'000, 1'000'000, 1'000'000}}) {
    SvgChart chart = executorTimelineChart(app, tasks, limits);
    checkChartInvariants(chart);
    CHECK(!chart.rects.empty());
  }
}

TEST_CASE("a timeline no two neighbouring columns of which merge stays under 1.5 MB", "[reports]") {
  // Every task of its own stage and as long as a column or two: nothing merges, every cell is drawn.
  core::AppAttempt app = sampleApp(16, 4, 100'000);
  std::vector<core::TaskAttempt> tasks;
  for (int64_t i = 0; i < 100'000; ++i) {
    int64_t slot = i % 64, round = i / 64;
    core::TaskAttempt task = sampleTask(i, static_cast<int32_t>(i % 97), static_cast<int32_t>(i), std::to_string(slot / 4 + 1),
                                        round * 64, 40 + (i % 3) * 10);
    task.status = i % 50 == 0 ? core::TaskStatus::Failed : core::TaskStatus::Success;
    task.failureMessage = i % 50 == 0 ? std::string(300, 'e') : "";
    tasks.push_back(task);
  }
  SvgChart chart = executorTimelineChart(app, tasks);
  checkChartInvariants(chart);
  const size_t bytes = toJson(chart).dump().size();
  INFO("timeline JSON bytes: " << bytes << " in " << chart.rects.size() << " rects");
  CHECK(chart.rects.size() > 7'000);
  CHECK(bytes < 1'500'000);
}
