#include "reports/task_duration_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/task_summary.h"
#include "reports/chart_axes.h"
#include "reports/chart_labels.h"
#include "reports/stage_rows.h"

namespace jobtuner::reports {

namespace {

constexpr double kWidth = 960;
constexpr double kLabelX = 4;
constexpr double kPlotLeft = 340;  // stage labels sit left of it
constexpr double kPlotRight = 946;
constexpr double kTop = 8;
constexpr double kRowHeight = 24;
constexpr double kBoxHeight = 12;
constexpr double kAxisRoom = 34;
constexpr size_t kMaxStages = 60;
constexpr size_t kMaxStragglersPerStage = 20;
constexpr size_t kStageNameCharacters = 28;
// Past this spread between the longest and the shortest task, a linear axis squeezes every short
// task into one pixel: the axis turns logarithmic.
constexpr double kLogSpread = 100;

struct DurationRow {
  StageAttemptKey key;
  std::vector<const core::TaskAttempt*> tasks;  // successful, with both times
  double totalMs = 0;
};

double durationOf(const core::TaskAttempt& task) { return static_cast<double>(task.durationMs()); }

/// The successful tasks with a launch and a finish in order, per stage attempt, in stage order.
std::vector<DurationRow> successfulTasksByStage(const std::vector<core::TaskAttempt>& tasks) {
  std::map<StageAttemptKey, DurationRow> rows;
  for (const core::TaskAttempt& task : tasks) {
    if (task.status != core::TaskStatus::Success || task.launchTimeMs <= 0 || task.finishTimeMs < task.launchTimeMs) continue;
    DurationRow& row = rows[{task.stageId, task.stageAttemptId}];
    row.key = {task.stageId, task.stageAttemptId};
    row.tasks.push_back(&task);
    row.totalMs += durationOf(task);
  }
  std::vector<DurationRow> ordered;
  for (auto& [key, row] : rows) ordered.push_back(std::move(row));
  return ordered;
}

struct BoxStats {
  double min = 0, p25 = 0, median = 0, p75 = 0, max = 0;
};

BoxStats boxStats(const DurationRow& row) {
  std::vector<double> durations;
  durations.reserve(row.tasks.size());
  for (const core::TaskAttempt* task : row.tasks) durations.push_back(durationOf(*task));
  // The History Server's quantile rule, so the box agrees with `show` and Spark's own UI.
  std::vector<double> q = core::historyServerQuantiles(durations, {0.0, 0.25, 0.5, 0.75, 1.0});
  return {q[0], q[1], q[2], q[3], q[4]};
}

/// Tasks far past the box (Tukey's fence) and at least twice the median, slowest first.
std::vector<const core::TaskAttempt*> stragglers(const DurationRow& row, const BoxStats& box) {
  const double fence = box.p75 + 1.5 * (box.p75 - box.p25);
  std::vector<const core::TaskAttempt*> found;
  for (const core::TaskAttempt* task : row.tasks) {
    double ms = durationOf(*task);
    if (ms > fence && ms > 2 * box.median) found.push_back(task);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto* a, const auto* b) { return durationOf(*a) > durationOf(*b); });
  return found;
}

}  // namespace

SvgChart taskDurationChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks) {
  SvgChart chart;
  chart.id = "chart-task-durations";
  chart.title = "Task durations by stage";
  chart.width = kWidth;
  const std::string what =
      "Durations of each stage attempt's successful tasks: the box spans p25 to p75 around the median, the whiskers reach the "
      "shortest and the longest task; stragglers (past p75 + 1.5 × IQR and over twice the median) are dots.";
  chart.caption = what;

  std::vector<DurationRow> rows = successfulTasksByStage(tasks);
  if (rows.empty()) {
    chart.emptyText = tasks.empty() ? "no task ran" : "no task succeeded";
    return chart;
  }
  const size_t allRows = rows.size();
  const size_t dropped = keepHeaviest(rows, kMaxStages, [](const DurationRow& row) { return row.totalMs; });

  std::vector<BoxStats> boxes;
  double shortest = 0, longest = 0, shortestPositive = 0;
  for (const DurationRow& row : rows) {
    boxes.push_back(boxStats(row));
    shortest = boxes.size() == 1 ? boxes.back().min : std::min(shortest, boxes.back().min);
    longest = std::max(longest, boxes.back().max);
    for (const core::TaskAttempt* task : row.tasks) {
      double ms = durationOf(*task);
      if (ms > 0 && (shortestPositive == 0 || ms < shortestPositive)) shortestPositive = ms;
    }
  }

  const double plotBottom = kTop + static_cast<double>(rows.size()) * kRowHeight;
  chart.height = plotBottom + kAxisRoom;
  const bool logarithmic = shortestPositive > 0 && longest / std::max(1.0, shortestPositive) > kLogSpread;
  std::vector<Tick> ticks;
  Scale x = Scale::linear(0, 1, kPlotLeft, kPlotRight);
  if (logarithmic) {
    const double low = std::max(1.0, shortestPositive);
    ticks = logDurationTicks(low, longest);
    x = Scale::logarithmic(low, longest, kPlotLeft, kPlotRight);
    chart.caption += fmt::format(" Logarithmic time axis: durations span {} to {}.", shortDuration(shortest), shortDuration(longest));
  } else {
    ticks = durationTicks(longest, 8);
    x = Scale::linear(0, ticks.back().value, kPlotLeft, kPlotRight);
  }
  drawBottomAxis(chart, x, ticks, kTop, plotBottom, logarithmic ? "task duration (logarithmic)" : "task duration");

  std::vector<std::string> cappedStages;
  bool anyStraggler = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    const DurationRow& row = rows[i];
    const BoxStats& box = boxes[i];
    const double middle = kTop + (static_cast<double>(i) + 0.5) * kRowHeight;
    const double boxTop = middle - kBoxHeight / 2, boxBottom = middle + kBoxHeight / 2;
    const auto count = static_cast<int64_t>(row.tasks.size());
    chart.texts.push_back({kLabelX, middle + 4, "start", "label",
                           stageLabel(app, row.key.stageId, row.key.attemptId, kStageNameCharacters) + " — " + countOf(count, "task")});
    const double xMin = x(box.min), x25 = x(box.p25), xMedian = x(box.median), x75 = x(box.p75), xMax = x(box.max);
    chart.lines.push_back({xMin, middle, x25, middle, "whisker"});
    chart.lines.push_back({x75, middle, xMax, middle, "whisker"});
    chart.lines.push_back({xMin, boxTop + 2, xMin, boxBottom - 2, "whisker"});
    chart.lines.push_back({xMax, boxTop + 2, xMax, boxBottom - 2, "whisker"});
    std::vector<const core::TaskAttempt*> slow = stragglers(row, box);
    std::string stageName = fmt::format("stage {}.{}", row.key.stageId, row.key.attemptId);
    chart.rects.push_back({x25, boxTop, std::max(1.0, x75 - x25), kBoxHeight, "box",
                           fmt::format("{}: {}; min {}, p25 {}, median {}, p75 {}, max {}; {}", stageName, countOf(count, "task"),
                                       shortDuration(box.min), shortDuration(box.p25), shortDuration(box.median),
                                       shortDuration(box.p75), shortDuration(box.max),
                                       countOf(static_cast<int64_t>(slow.size()), "straggler"))});
    chart.lines.push_back({xMedian, boxTop, xMedian, boxBottom, "median"});
    if (slow.size() > kMaxStragglersPerStage) {
      cappedStages.push_back(fmt::format("{} ({} of {})", stageName, kMaxStragglersPerStage, slow.size()));
      slow.resize(kMaxStragglersPerStage);
    }
    for (const core::TaskAttempt* task : slow) {
      anyStraggler = true;
      const double ms = durationOf(*task);
      chart.circles.push_back({x(ms), middle, 3, "outlier",
                               taskTitle(*task) + fmt::format("\n{:.1f}× the median ({})", box.median > 0 ? ms / box.median : 0.0,
                                                              shortDuration(box.median))});
    }
  }

  chart.legend.push_back({"box", "p25 to p75 of successful task durations"});
  chart.legend.push_back({"median", "median"});
  chart.legend.push_back({"whisker", "shortest to longest task"});
  if (anyStraggler) chart.legend.push_back({"outlier", "straggler: past p75 + 1.5 × IQR and over twice the median"});
  if (dropped > 0) {
    chart.caption += fmt::format(" The {} stage attempts with the most task time, of {}.", rows.size(), formatCount(static_cast<int64_t>(allRows)));
  }
  if (!cappedStages.empty()) {
    std::string list;
    for (size_t i = 0; i < cappedStages.size() && i < 3; ++i) list += (i ? ", " : "") + cappedStages[i];
    if (cappedStages.size() > 3) list += " and " + countOf(static_cast<int64_t>(cappedStages.size() - 3), "more stage");
    chart.caption += fmt::format(" The slowest {} stragglers of a stage drawn: {}.", kMaxStragglersPerStage, list);
  }
  return chart;
}

}  // namespace jobtuner::reports
