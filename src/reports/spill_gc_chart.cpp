#include "reports/spill_gc_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "reports/chart_axes.h"
#include "reports/chart_labels.h"
#include "reports/stage_rows.h"

namespace jobtuner::reports {

namespace {

constexpr double kWidth = 960;
constexpr double kLabelX = 4;
constexpr double kSpillLeft = 270;  // stage labels sit left of it
constexpr double kSpillRight = 570;  // room right of the longest bar for its value
constexpr double kGcLeft = 640;
constexpr double kGcRight = 890;
constexpr double kTop = 22;         // panel headings above
constexpr double kRowHeight = 26;
constexpr double kBarHeight = 9;
constexpr double kAxisRoom = 34;
constexpr size_t kMaxStages = 60;
constexpr size_t kStageNameCharacters = 24;

struct StageSpill {
  StageAttemptKey key;
  int64_t memorySpilledBytes = 0;
  int64_t diskSpilledBytes = 0;
  int64_t gcMs = 0;
  int64_t runMs = 0;          // executor run time, what GC time is a share of
  int64_t tasks = 0;          // attempts with metrics
  int64_t spillingTasks = 0;  // of those, the ones that spilled
};

/// Every task attempt that reported metrics counts: a failed attempt's spill and GC were paid too.
std::vector<StageSpill> spillByStage(const std::vector<core::TaskAttempt>& tasks) {
  std::map<StageAttemptKey, StageSpill> stages;
  for (const core::TaskAttempt& task : tasks) {
    const core::TaskMetrics& m = task.metrics;
    if (!m.hasMetrics) continue;
    StageSpill& stage = stages[{task.stageId, task.stageAttemptId}];
    stage.key = {task.stageId, task.stageAttemptId};
    stage.memorySpilledBytes += std::max<int64_t>(0, m.memoryBytesSpilled);
    stage.diskSpilledBytes += std::max<int64_t>(0, m.diskBytesSpilled);
    stage.gcMs += std::max<int64_t>(0, m.jvmGcTimeMs);
    stage.runMs += std::max<int64_t>(0, m.executorRunTimeMs);
    ++stage.tasks;
    stage.spillingTasks += m.memoryBytesSpilled > 0 || m.diskBytesSpilled > 0 ? 1 : 0;
  }
  std::vector<StageSpill> found;
  for (auto& [key, stage] : stages) {
    if (stage.memorySpilledBytes > 0 || stage.diskSpilledBytes > 0 || stage.gcMs > 0) found.push_back(stage);
  }
  return found;
}

/// A value written just right of its bar.
void valueText(SvgChart& chart, double barEnd, double middle, const std::string& text) {
  chart.texts.push_back({barEnd + 3, middle + 3.5, "start", "label", text});
}

}  // namespace

SvgChart spillGcChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks) {
  SvgChart chart;
  chart.id = "chart-spill-gc";
  chart.title = "Spill and GC by stage";
  chart.width = kWidth;
  const bool runtime = app.source == core::AppSource::Runtime;
  // The runtime's gc_time_ms is the time tasks spent blocked in its memory manager (DESIGN.md).
  const std::string gcName = runtime ? "time blocked on memory" : "GC time";
  chart.caption = fmt::format("Per stage attempt, over all its task attempts: bytes spilled (their size in memory, and as written "
                              "to disk) on one scale, {} on another.{}",
                              gcName, runtime ? " The bundled runtime has no garbage collector: its GC time is the time tasks "
                                                "waited in the memory manager (for memory, evicting, forcing spills)."
                                              : "");
  std::vector<StageSpill> stages = spillByStage(tasks);
  if (stages.empty()) {
    chart.emptyText = "no stage spilled or spent time in GC";
    return chart;
  }
  const size_t allStages = stages.size();
  int64_t mostSpilled = 1, mostGcMs = 1;
  for (const StageSpill& stage : stages) {
    mostSpilled = std::max({mostSpilled, stage.memorySpilledBytes, stage.diskSpilledBytes});
    mostGcMs = std::max(mostGcMs, stage.gcMs);
  }
  // Weighed by each panel's share, so a stage that only spills competes with one that only GCs.
  const size_t dropped = keepHeaviest(stages, kMaxStages, [&](const StageSpill& s) {
    return static_cast<double>(s.memorySpilledBytes + s.diskSpilledBytes) / static_cast<double>(mostSpilled) +
           static_cast<double>(s.gcMs) / static_cast<double>(mostGcMs);
  });

  const double plotBottom = kTop + static_cast<double>(stages.size()) * kRowHeight;
  chart.height = plotBottom + kAxisRoom;
  const std::vector<Tick> byteAxis = byteTicks(static_cast<double>(mostSpilled), 5);
  const std::vector<Tick> timeAxis = durationTicks(static_cast<double>(mostGcMs), 5);
  const Scale bytesX = Scale::linear(0, byteAxis.back().value, kSpillLeft, kSpillRight);
  const Scale timeX = Scale::linear(0, timeAxis.back().value, kGcLeft, kGcRight);
  chart.texts.push_back({kSpillLeft, 12, "start", "label", "bytes spilled"});
  chart.texts.push_back({kGcLeft, 12, "start", "label", gcName});
  drawBottomAxis(chart, bytesX, byteAxis, kTop, plotBottom);
  drawBottomAxis(chart, timeX, timeAxis, kTop, plotBottom);

  bool anyMemory = false, anyDisk = false, anyGc = false;
  for (size_t i = 0; i < stages.size(); ++i) {
    const StageSpill& s = stages[i];
    const double rowTop = kTop + static_cast<double>(i) * kRowHeight;
    const double middle = rowTop + kRowHeight / 2;
    const std::string name = fmt::format("stage {}.{}", s.key.stageId, s.key.attemptId);
    chart.texts.push_back({kLabelX, middle + 4, "start", "label", stageLabel(app, s.key.stageId, s.key.attemptId, kStageNameCharacters)});
    const std::string spillers = fmt::format("{} of {}", formatCount(s.spillingTasks), countOf(s.tasks, "task attempt"));
    if (s.memorySpilledBytes > 0) {
      anyMemory = true;
      const double y = middle - kBarHeight - 0.5, end = bytesX(static_cast<double>(s.memorySpilledBytes));
      chart.rects.push_back({kSpillLeft, y, std::max(1.0, end - kSpillLeft), kBarHeight, "spill-memory",
                             fmt::format("{}: {} spilled, as its size in memory; {} spilled", name,
                                         shortBytes(static_cast<double>(s.memorySpilledBytes)), spillers)});
      valueText(chart, end, y + kBarHeight / 2, shortBytes(static_cast<double>(s.memorySpilledBytes)));
    }
    if (s.diskSpilledBytes > 0) {
      anyDisk = true;
      const double y = middle + 0.5, end = bytesX(static_cast<double>(s.diskSpilledBytes));
      chart.rects.push_back({kSpillLeft, y, std::max(1.0, end - kSpillLeft), kBarHeight, "spill-disk",
                             fmt::format("{}: {} written to disk by spills; {} spilled", name,
                                         shortBytes(static_cast<double>(s.diskSpilledBytes)), spillers)});
      valueText(chart, end, y + kBarHeight / 2, shortBytes(static_cast<double>(s.diskSpilledBytes)));
    }
    if (s.gcMs > 0) {
      anyGc = true;
      const double end = timeX(static_cast<double>(s.gcMs));
      const std::string share = s.runMs > 0 ? fmt::format("{:.0f}% of", 100.0 * static_cast<double>(s.gcMs) / static_cast<double>(s.runMs)) : "of no";
      chart.rects.push_back({kGcLeft, middle - kBarHeight / 2, std::max(1.0, end - kGcLeft), kBarHeight, "gc",
                             fmt::format("{}: {} {}, {} the tasks' run time ({})", name, shortDuration(static_cast<double>(s.gcMs)),
                                         gcName, share, shortDuration(static_cast<double>(s.runMs)))});
      valueText(chart, end, middle, shortDuration(static_cast<double>(s.gcMs)));
    }
  }
  if (anyMemory) chart.legend.push_back({"spill-memory", "memory spilled: the spilled data's size in memory"});
  if (anyDisk) chart.legend.push_back({"spill-disk", "disk spilled: its size as written to disk"});
  if (anyGc) {
    chart.legend.push_back({"gc", runtime ? "time tasks were blocked waiting for memory" : "JVM garbage-collection time of the tasks"});
  }
  if (dropped > 0) {
    chart.caption += fmt::format(" The {} stage attempts that spilled or collected most, of {}.", stages.size(), formatCount(static_cast<int64_t>(allStages)));
  }
  return chart;
}

}  // namespace jobtuner::reports
