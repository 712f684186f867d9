#include "reports/executor_timeline_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <queue>
#include <set>

#include "analyzers/removal_reasons.h"
#include "reports/chart_axes.h"
#include "reports/chart_labels.h"

namespace jobtuner::reports {

namespace {

constexpr double kWidth = 960;
constexpr double kPlotLeft = 132;  // lane labels sit left of it
constexpr double kPlotRight = 946;
constexpr double kTop = 8;
constexpr double kAxisRoom = 34;
constexpr double kMinTaskPx = 1;      // a task shorter than a pixel still shows
constexpr double kMinMarkerPx = 2;
constexpr double kMinColumnPx = 2;
constexpr double kLabelledLanePx = 11;  // below, only an executor's first lane is labelled
constexpr double kMergeableFillDifference = 0.05;  // neighbouring columns this alike in busy share merge
// Beyond this, the cores an executor claims are not believed (a damaged log): its lanes are the
// ones its tasks needed.
constexpr int32_t kMostCredibleCores = 1024;

/// A task placed on the timeline: times relative to the app's start, clipped to the chart.
struct PlacedTask {
  const core::TaskAttempt* task = nullptr;
  int64_t startMs = 0;
  int64_t endMs = 0;
  bool unfinished = false;  // no end recorded: drawn to the end of the log, or the executor's
  size_t lane = 0;
};

struct ExecutorLanes {
  std::string id;
  const core::Executor* executor = nullptr;  // nullptr: its tasks name an executor the log never added
  int32_t cores = 0;
  size_t lanes = 1;       // its cores, or more when it ran more tasks at once; at least one
  size_t lanesNeeded = 0;  // the most tasks it ran at once
  std::vector<PlacedTask> tasks;
};

/// A row of the chart: one lane, or (past TimelineLimits::maxLanes) every lane of a run of
/// executors.
struct Row {
  size_t executorBegin = 0, executorEnd = 0;  // executors [begin, end)
  size_t lane = 0;                            // the lane, when the row is one
  size_t capacity = 1;                        // lanes merged into the row
  double y = 0, height = 0;
};

struct TimeFrame {
  int64_t originMs = 0;  // the app's start, or the first launch when earlier or unknown
  int64_t spanMs = 1;    // to the last thing the log recorded
};

std::optional<TimeFrame> timeFrame(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks) {
  int64_t firstLaunch = std::numeric_limits<int64_t>::max();
  int64_t last = 0;
  for (const core::TaskAttempt& task : tasks) {
    if (task.launchTimeMs <= 0) continue;
    firstLaunch = std::min(firstLaunch, task.launchTimeMs);
    last = std::max({last, task.launchTimeMs, task.finishTimeMs});
  }
  if (firstLaunch == std::numeric_limits<int64_t>::max()) return std::nullopt;
  TimeFrame frame;
  frame.originMs = app.startTimeMs > 0 ? std::min(app.startTimeMs, firstLaunch) : firstLaunch;
  last = std::max(last, app.endTimeMs);
  for (const core::Executor& executor : app.executors) last = std::max(last, executor.removeTimeMs);
  frame.spanMs = std::max<int64_t>(1, core::wrappingSubtract(last, frame.originMs));
  return frame;
}

/// The executors to draw, with their tasks; tasks without a launch time are only counted.
std::vector<ExecutorLanes> collectExecutors(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks,
                                            const TimeFrame& frame, int64_t& unplaced) {
  std::map<std::string, ExecutorLanes, decltype(&executorIdLess)> byId(&executorIdLess);
  for (const core::Executor& executor : app.executors) {
    ExecutorLanes& lanes = byId[executor.executorId];
    lanes.id = executor.executorId;
    lanes.executor = &executor;
    lanes.cores = std::clamp(executor.totalCores, 0, kMostCredibleCores);
  }
  for (const core::TaskAttempt& task : tasks) {
    if (task.launchTimeMs <= 0) {
      ++unplaced;
      continue;
    }
    ExecutorLanes& lanes = byId[task.executorId];
    lanes.id = task.executorId;
    PlacedTask placed;
    placed.task = &task;
    placed.startMs = std::max<int64_t>(0, core::wrappingSubtract(task.launchTimeMs, frame.originMs));
    placed.unfinished = task.finishTimeMs <= 0;
    int64_t endMs = placed.unfinished ? frame.spanMs : core::wrappingSubtract(task.finishTimeMs, frame.originMs);
    // A task with no end on an executor that went away ended with it at the latest.
    if (placed.unfinished && lanes.executor && lanes.executor->removeTimeMs > 0) {
      endMs = std::min(endMs, core::wrappingSubtract(lanes.executor->removeTimeMs, frame.originMs));
    }
    placed.endMs = std::clamp(endMs, placed.startMs, frame.spanMs);
    lanes.tasks.push_back(placed);
  }
  std::vector<ExecutorLanes> executors;
  for (auto& [id, lanes] : byId) {
    // The driver of a cluster-mode app is listed as an executor without cores and runs nothing.
    if (lanes.tasks.empty() && lanes.cores == 0) continue;
    executors.push_back(std::move(lanes));
  }
  return executors;
}

/// Places each task on the lowest lane free at its launch, adding lanes when all are busy.
void assignLanes(ExecutorLanes& executor) {
  std::sort(executor.tasks.begin(), executor.tasks.end(), [](const PlacedTask& a, const PlacedTask& b) {
    if (a.startMs != b.startMs) return a.startMs < b.startMs;
    if (a.endMs != b.endMs) return a.endMs < b.endMs;
    return a.task->taskId < b.task->taskId;
  });
  using Busy = std::pair<int64_t, size_t>;  // (end, lane)
  std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> free;
  size_t used = 0;
  for (PlacedTask& placed : executor.tasks) {
    while (!busy.empty() && busy.top().first <= placed.startMs) {
      free.push(busy.top().second);
      busy.pop();
    }
    if (free.empty()) free.push(used++);
    placed.lane = free.top();
    free.pop();
    busy.push({placed.endMs, placed.lane});
  }
  executor.lanesNeeded = used;
  executor.lanes = std::max({static_cast<size_t>(executor.cores), used, size_t{1}});
}

class TimelineBuilder {
 public:
  TimelineBuilder(const core::AppAttempt& app, const TimelineLimits& limits, const TimeFrame& frame,
                  std::vector<ExecutorLanes> executors)
      : app_(app),
        limits_(limits),
        frame_(frame),
        executors_(std::move(executors)),
        x_(Scale::linear(0, static_cast<double>(frame.spanMs), kPlotLeft, kPlotRight)) {}

  SvgChart build(int64_t unplaced);

 private:
  void layoutRows();
  size_t rowOf(size_t executor, size_t lane) const;
  void drawTasks();
  void drawMergedColumns();
  void drawMarkers();
  void drawRemovals();
  void drawLaneLabels();
  void writeLegend();
  std::string caption(int64_t unplaced) const;
  std::string classOf(const PlacedTask& placed) const;

  const core::AppAttempt& app_;
  const TimelineLimits& limits_;
  TimeFrame frame_;
  std::vector<ExecutorLanes> executors_;
  Scale x_;
  std::vector<size_t> firstRowOf_;  // per executor
  size_t executorsPerRow_ = 0;      // 0: one row per lane
  std::vector<Row> rows_;
  size_t drawnTasks_ = 0;
  bool merged_ = false;
  double columnPx_ = 0;
  size_t markers_ = 0, markable_ = 0;
  std::set<int32_t> stagesUsed_;
  std::set<std::string> flagsUsed_;  // failed, speculative, unfinished, lost, removed
  SvgChart chart_;
};

size_t TimelineBuilder::rowOf(size_t executor, size_t lane) const {
  return executorsPerRow_ == 0 ? firstRowOf_[executor] + lane : executor / executorsPerRow_;
}

void TimelineBuilder::layoutRows() {
  size_t lanes = 0;
  for (const ExecutorLanes& executor : executors_) lanes += executor.lanes;
  firstRowOf_.resize(executors_.size());
  if (lanes <= limits_.maxLanes) {
    for (size_t e = 0; e < executors_.size(); ++e) {
      firstRowOf_[e] = rows_.size();
      for (size_t lane = 0; lane < executors_[e].lanes; ++lane) rows_.push_back({e, e + 1, lane, 1});
    }
  } else {
    executorsPerRow_ = (executors_.size() + limits_.maxLanes - 1) / std::max<size_t>(1, limits_.maxLanes);
    executorsPerRow_ = std::max<size_t>(1, executorsPerRow_);
    for (size_t begin = 0; begin < executors_.size(); begin += executorsPerRow_) {
      Row row{begin, std::min(executors_.size(), begin + executorsPerRow_), 0, 0};
      for (size_t e = row.executorBegin; e < row.executorEnd; ++e) {
        firstRowOf_[e] = rows_.size();
        row.capacity += executors_[e].lanes;
      }
      rows_.push_back(row);
    }
  }
  const double rowHeight = rows_.size() <= 12 ? 18 : std::clamp(560.0 / static_cast<double>(rows_.size()), 6.0, 18.0);
  for (size_t i = 0; i < rows_.size(); ++i) {
    rows_[i].y = kTop + static_cast<double>(i) * rowHeight;
    rows_[i].height = rowHeight;
  }
}

std::string TimelineBuilder::classOf(const PlacedTask& placed) const {
  std::string cls = stageClass(placed.task->stageId);
  core::TaskStatus status = placed.task->status;
  if (status == core::TaskStatus::Failed || status == core::TaskStatus::Killed) cls += " failed";
  if (placed.task->speculative) cls += " speculative";
  if (placed.unfinished) cls += " unfinished";
  return cls;
}

void TimelineBuilder::drawTasks() {
  for (size_t e = 0; e < executors_.size(); ++e) {
    // The rect last drawn on each lane: a short task's minimum width must not reach its successor.
    std::vector<size_t> lastOnLane(executors_[e].lanes, std::numeric_limits<size_t>::max());
    for (const PlacedTask& placed : executors_[e].tasks) {
      const Row& row = rows_[rowOf(e, placed.lane)];
      double x = x_(static_cast<double>(placed.startMs));
      double end = std::max(x_(static_cast<double>(placed.endMs)), std::min(x + kMinTaskPx, kPlotRight));
      size_t& previous = lastOnLane[placed.lane];
      if (previous != std::numeric_limits<size_t>::max()) {
        SvgChart::Rect& before = chart_.rects[previous];
        before.w = std::max(0.0, std::min(before.w, x - before.x));
      }
      previous = chart_.rects.size();
      chart_.rects.push_back({x, row.y + 1, end - x, row.height - 2, classOf(placed), taskTitle(*placed.task)});
      stagesUsed_.insert(placed.task->stageId);
      for (const char* flag : {"failed", "speculative", "unfinished"}) {
        if (chart_.rects.back().cls.find(flag) != std::string::npos) flagsUsed_.insert(flag);
      }
    }
  }
}

/// What one pixel column of one row holds.
struct Cell {
  double busyMs = 0;
  int64_t touching = 0;  // tasks that overlap the column
  int64_t starting = 0;  // of those, the ones whose first column this is
  std::vector<std::pair<int32_t, double>> stageMs;  // small: the stages running in the column

  void add(int32_t stageId, double ms) {
    for (auto& [stage, total] : stageMs) {
      if (stage == stageId) {
        total += ms;
        return;
      }
    }
    stageMs.emplace_back(stageId, ms);
  }
  int32_t dominantStage() const {
    return std::max_element(stageMs.begin(), stageMs.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  }
};

void TimelineBuilder::drawMergedColumns() {
  const double plotWidth = kPlotRight - kPlotLeft;
  const double cellBudget = static_cast<double>(std::max<size_t>(1, limits_.maxCells));
  columnPx_ = std::clamp(std::ceil(static_cast<double>(rows_.size()) * plotWidth / cellBudget), kMinColumnPx, plotWidth);
  const size_t columns = std::max<size_t>(1, static_cast<size_t>(std::ceil(plotWidth / columnPx_)));
  const double columnMs = static_cast<double>(frame_.spanMs) * columnPx_ / plotWidth;
  std::vector<Cell> cells(rows_.size() * columns);
  auto columnOf = [&](double ms) { return std::min(columns - 1, static_cast<size_t>(std::max(0.0, ms / columnMs))); };

  for (size_t e = 0; e < executors_.size(); ++e) {
    for (const PlacedTask& placed : executors_[e].tasks) {
      size_t row = rowOf(e, placed.lane);
      const double start = static_cast<double>(placed.startMs), end = static_cast<double>(placed.endMs);
      size_t first = columnOf(start), last = columnOf(end);
      for (size_t c = first; c <= last; ++c) {
        double overlap = std::max(0.0, std::min(end, static_cast<double>(c + 1) * columnMs) - std::max(start, static_cast<double>(c) * columnMs));
        Cell& cell = cells[row * columns + c];
        cell.busyMs += overlap;
        ++cell.touching;
        if (c == first) ++cell.starting;
        // A task of no length still names its stage, if nothing longer ran there.
        cell.add(placed.task->stageId, overlap + 1e-3);
      }
    }
  }

  // Neighbouring columns of one stage and about as busy become one bar: a lane busy with one stage
  // for minutes is one rect, not hundreds. A few percent apart is less than a pixel of height.
  for (size_t r = 0; r < rows_.size(); ++r) {
    const Row& row = rows_[r];
    const double capacityMs = static_cast<double>(row.capacity) * columnMs;
    size_t c = 0;
    while (c < columns) {
      const Cell& cell = cells[r * columns + c];
      if (cell.touching == 0) {
        ++c;
        continue;
      }
      double fill = std::min(1.0, cell.busyMs / capacityMs);
      int32_t stage = cell.dominantStage();
      size_t end = c + 1;
      int64_t tasks = cell.touching;
      std::map<int32_t, double> stageMs(cell.stageMs.begin(), cell.stageMs.end());
      double busyMs = cell.busyMs;
      while (end < columns) {
        const Cell& next = cells[r * columns + end];
        if (next.touching == 0 || next.dominantStage() != stage) break;
        if (std::abs(std::min(1.0, next.busyMs / capacityMs) - fill) > kMergeableFillDifference) break;
        tasks += next.starting;
        busyMs += next.busyMs;
        for (const auto& [s, ms] : next.stageMs) stageMs[s] += ms;
        ++end;
      }
      std::vector<std::pair<int32_t, double>> stages(stageMs.begin(), stageMs.end());
      std::stable_sort(stages.begin(), stages.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      std::string stageList;
      for (size_t i = 0; i < stages.size() && i < 3; ++i) stageList += (i ? ", " : "") + std::to_string(stages[i].first);
      if (stages.size() > 3) stageList += fmt::format(" and {} more", stages.size() - 3);
      const double x = kPlotLeft + static_cast<double>(c) * columnPx_;
      const double w = std::min(static_cast<double>(end - c) * columnPx_, kPlotRight - x);
      const double h = std::max(1.0, std::min(1.0, busyMs / (capacityMs * static_cast<double>(end - c))) * (row.height - 1));
      const std::string from = shortDuration(static_cast<double>(c) * columnMs);
      const std::string to = shortDuration(static_cast<double>(end) * columnMs);
      std::string title = fmt::format("{}, stage{} {}; {:.0f}% busy{}; {}", countOf(tasks, "task"), stages.size() == 1 ? "" : "s",
                                      stageList, 100.0 * std::min(1.0, busyMs / (capacityMs * static_cast<double>(end - c))),
                                      row.capacity == 1 ? "" : " of " + countOf(static_cast<int64_t>(row.capacity), "slot"),
                                      from == to ? "at " + from : from + " to " + to);
      chart_.rects.push_back({x, row.y + row.height - h, w, h, stageClass(stage), std::move(title)});
      stagesUsed_.insert(stage);
      c = end;
    }
  }
}

void TimelineBuilder::drawMarkers() {
  struct Marked {
    size_t executor;
    const PlacedTask* placed;
  };
  std::vector<Marked> marked;
  for (size_t e = 0; e < executors_.size(); ++e) {
    for (const PlacedTask& placed : executors_[e].tasks) {
      core::TaskStatus status = placed.task->status;
      if (status == core::TaskStatus::Failed || status == core::TaskStatus::Killed || placed.task->speculative) {
        marked.push_back({e, &placed});
      }
    }
  }
  markable_ = marked.size();
  // Failures first: when the markers run out, they are what a reader most needs to find. Within
  // each kind, markers are taken evenly over time, so a burst of failures early on does not hide
  // the ones later.
  auto failed = [](const Marked& m) { return m.placed->task->status == core::TaskStatus::Failed || m.placed->task->status == core::TaskStatus::Killed; };
  std::stable_sort(marked.begin(), marked.end(), [&](const Marked& a, const Marked& b) {
    if (failed(a) != failed(b)) return failed(a);
    return a.placed->startMs < b.placed->startMs;
  });
  if (marked.size() > limits_.maxMarkers) {
    const auto firstSpeculative = std::find_if(marked.begin(), marked.end(), [&](const Marked& m) { return !failed(m); });
    const size_t failures = static_cast<size_t>(firstSpeculative - marked.begin());
    auto evenly = [](std::vector<Marked>::const_iterator begin, size_t available, size_t wanted, std::vector<Marked>& into) {
      for (size_t i = 0; i < wanted; ++i) into.push_back(*(begin + static_cast<std::ptrdiff_t>(i * available / wanted)));
    };
    std::vector<Marked> kept;
    const size_t keptFailures = std::min(failures, limits_.maxMarkers);
    evenly(marked.begin(), failures, keptFailures, kept);
    evenly(firstSpeculative, marked.size() - failures, limits_.maxMarkers - keptFailures, kept);
    marked = std::move(kept);
  }
  markers_ = marked.size();
  for (const Marked& m : marked) {
    const Row& row = rows_[rowOf(m.executor, m.placed->lane)];
    double x = std::min(x_(static_cast<double>(m.placed->startMs)), kPlotRight - kMinMarkerPx);
    double w = std::max(kMinMarkerPx, x_(static_cast<double>(m.placed->endMs)) - x);
    std::string cls = classOf(*m.placed);
    chart_.rects.push_back({x, row.y + 1, w, row.height - 2, cls, taskTitle(*m.placed->task)});
    stagesUsed_.insert(m.placed->task->stageId);
    for (const char* flag : {"failed", "speculative", "unfinished"}) {
      if (cls.find(flag) != std::string::npos) flagsUsed_.insert(flag);
    }
  }
}

void TimelineBuilder::drawRemovals() {
  const analyzers::RemovalCatalog& catalog = analyzers::RemovalCatalog::builtin();
  const int64_t appEndMs = app_.endTimeMs > 0 ? core::wrappingSubtract(app_.endTimeMs, frame_.originMs) : frame_.spanMs;
  for (size_t e = 0; e < executors_.size(); ++e) {
    const core::Executor* executor = executors_[e].executor;
    if (!executor || executor->removeTimeMs <= 0) continue;
    const int64_t atMs = std::clamp<int64_t>(core::wrappingSubtract(executor->removeTimeMs, frame_.originMs), 0, frame_.spanMs);
    analyzers::RemovalClass removal = catalog.classify(executor->removeReason, true);
    const bool lost = analyzers::isLoss(removal);
    // Executors the app let go of before its end are worth seeing too; the end of the app is not.
    if (!lost && (removal == analyzers::RemovalClass::kShutdown || atMs >= appEndMs)) continue;
    const std::string cls = lost ? "lost" : "removed";
    flagsUsed_.insert(cls);
    const Row& top = rows_[rowOf(e, 0)];
    const Row& bottom = rows_[rowOf(e, executors_[e].lanes - 1)];
    const double x = x_(static_cast<double>(atMs));
    chart_.lines.push_back({x, top.y, x, bottom.y + bottom.height, cls});
    const bool nearRight = x > kPlotRight - 40;
    chart_.texts.push_back({nearRight ? x - 3 : x + 3, top.y + std::min(top.height, 10.0) - 1, nearRight ? "end" : "start", cls, cls});
    std::string reason = executor->removeReason.empty() ? "no reason recorded" : chartText(executor->removeReason, 300);
    chart_.circles.push_back({x, top.y + 2, 3, cls,
                              fmt::format("{} {} at {} ({}): {}", executorLabel(executors_[e].id), cls,
                                          shortDuration(static_cast<double>(atMs)), analyzers::toString(removal), reason)});
  }
}

void TimelineBuilder::drawLaneLabels() {
  for (size_t r = 0; r < rows_.size(); ++r) {
    const Row& row = rows_[r];
    const double baseline = row.y + row.height / 2 + 3.5;
    std::string label;
    if (executorsPerRow_ == 0) {
      const ExecutorLanes& executor = executors_[row.executorBegin];
      if (row.height >= kLabelledLanePx) {
        label = fmt::format("{} / slot {}", executorLabel(executor.id), row.lane);
      } else if (row.lane == 0) {
        label = executorLabel(executor.id);
      }
      // Executors apart by a line, so lanes read as belonging to one.
      if (row.lane == 0 && r > 0) chart_.lines.push_back({kPlotLeft, row.y, kPlotRight, row.y, "grid"});
    } else if (row.executorEnd - row.executorBegin == 1) {
      label = fmt::format("{} ({})", executorLabel(executors_[row.executorBegin].id), countOf(static_cast<int64_t>(row.capacity), "slot"));
    } else {
      label = fmt::format("{} … {}", executorLabel(executors_[row.executorBegin].id), chartText(executors_[row.executorEnd - 1].id, 12));
    }
    if (!label.empty()) chart_.texts.push_back({kPlotLeft - 6, baseline, "end", "label", label});
  }
}

void TimelineBuilder::writeLegend() {
  // Stages sharing a colour (ids ten apart) share an entry that names them all.
  std::map<std::string, std::vector<int32_t>> stagesByClass;
  for (int32_t stage : stagesUsed_) stagesByClass[stageClass(stage)].push_back(stage);
  for (const auto& [cls, stages] : stagesByClass) {
    std::string text = stages.size() == 1 ? "stage " : "stages ";
    for (size_t i = 0; i < stages.size() && i < 5; ++i) text += (i ? ", " : "") + std::to_string(stages[i]);
    if (stages.size() > 5) text += fmt::format(" and {} more", stages.size() - 5);
    chart_.legend.push_back({cls, text});
  }
  const std::pair<const char*, const char*> flags[] = {
      {"failed", "failed or killed task (red outline)"},
      {"speculative", "speculative attempt (dashed outline)"},
      {"unfinished", "no end recorded: drawn to the end of the log or of its executor"},
      {"lost", "executor lost (its removal reason on hover)"},
      {"removed", "executor removed before the app ended"},
  };
  for (const auto& [cls, text] : flags) {
    if (flagsUsed_.count(cls)) chart_.legend.push_back({cls, text});
  }
}

std::string TimelineBuilder::caption(int64_t unplaced) const {
  std::string text = merged_ ? "Task attempts on their executors' slots over time since the app started"
                             : "Each task attempt as a bar on its executor's slot, coloured by stage, over time since the app started";
  text += " (Spark records no slot: each task goes on the first one free at its launch).";
  if (merged_) {
    text += fmt::format(" Tasks merged into {}-pixel columns: {}; a bar's height is the share of its slots busy, its colour "
                        "the stage that used most of it.",
                        svgNumber(columnPx_), countOf(static_cast<int64_t>(drawnTasks_), "task"));
    if (markable_ > 0) {
      text += markers_ < markable_ ? fmt::format(" Failed and speculative tasks marked one by one: {} of {} (capped).",
                                                 formatCount(static_cast<int64_t>(markers_)), formatCount(static_cast<int64_t>(markable_)))
                                   : fmt::format(" Failed and speculative tasks marked one by one ({}).", formatCount(static_cast<int64_t>(markers_)));
    }
  }
  if (executorsPerRow_ > 0) {
    size_t lanes = 0;
    for (const ExecutorLanes& executor : executors_) lanes += executor.lanes;
    text += executorsPerRow_ == 1
                ? fmt::format(" {} across {}: each row merges one executor's slots.", countOf(static_cast<int64_t>(lanes), "slot"),
                              countOf(static_cast<int64_t>(executors_.size()), "executor"))
                : fmt::format(" {} across {}: executors merged, {} to a row.", countOf(static_cast<int64_t>(lanes), "slot"),
                              countOf(static_cast<int64_t>(executors_.size()), "executor"), executorsPerRow_);
  }
  std::vector<std::string> crowded, unknown;
  for (const ExecutorLanes& executor : executors_) {
    if (executor.cores > 0 && executor.lanesNeeded > static_cast<size_t>(executor.cores)) crowded.push_back(executorLabel(executor.id));
    if (!executor.executor) unknown.push_back(executorLabel(executor.id));
  }
  auto listOf = [](const std::vector<std::string>& names) {
    std::string list;
    for (size_t i = 0; i < names.size() && i < 3; ++i) list += (i ? ", " : "") + names[i];
    return names.size() > 3 ? list + fmt::format(" and {} more", names.size() - 3) : list;
  };
  if (!crowded.empty()) text += fmt::format(" More tasks ran at once than cores on {}: lanes were added.", listOf(crowded));
  if (!unknown.empty()) text += fmt::format(" Tasks ran on executors the log never added: {}.", listOf(unknown));
  if (unplaced > 0) text += fmt::format(" {} without a launch time not drawn.", countOf(unplaced, "task"));
  return text;
}

SvgChart TimelineBuilder::build(int64_t unplaced) {
  for (ExecutorLanes& executor : executors_) {
    assignLanes(executor);
    drawnTasks_ += executor.tasks.size();
  }
  layoutRows();
  const double plotBottom = rows_.back().y + rows_.back().height;
  chart_.height = plotBottom + kAxisRoom;
  // Ticks within the app's span: the scale ends where the log does, not at the next round value.
  std::vector<Tick> ticks = durationTicks(static_cast<double>(frame_.spanMs), 9);
  while (ticks.size() > 1 && ticks.back().value > static_cast<double>(frame_.spanMs)) ticks.pop_back();
  drawBottomAxis(chart_, x_, ticks, kTop, plotBottom, "time since the app started");
  merged_ = drawnTasks_ > limits_.maxTasksDrawn || executorsPerRow_ > 0;
  if (merged_) {
    drawMergedColumns();
    drawMarkers();
  } else {
    drawTasks();
  }
  drawRemovals();
  drawLaneLabels();
  writeLegend();
  chart_.caption = caption(unplaced);
  return std::move(chart_);
}

}  // namespace

SvgChart executorTimelineChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks,
                               const TimelineLimits& limits) {
  SvgChart empty;
  empty.id = "chart-timeline";
  empty.title = "Executor timeline";
  empty.width = kWidth;
  std::optional<TimeFrame> frame = timeFrame(app, tasks);
  if (!frame) {
    empty.emptyText = tasks.empty() ? "no task ran" : "no task has a launch time";
    empty.caption = "Task attempts on their executors' slots over time.";
    return empty;
  }
  int64_t unplaced = 0;
  std::vector<ExecutorLanes> executors = collectExecutors(app, tasks, *frame, unplaced);
  SvgChart chart = TimelineBuilder(app, limits, *frame, std::move(executors)).build(unplaced);
  chart.id = empty.id;
  chart.title = empty.title;
  chart.width = kWidth;
  return chart;
}

}  // namespace jobtuner::reports
