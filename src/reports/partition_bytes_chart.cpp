#include "reports/partition_bytes_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "advisor/app_measurements.h"
#include "core/task_summary.h"
#include "reports/chart_axes.h"
#include "reports/chart_labels.h"

namespace jobtuner::reports {

namespace {

constexpr double kWidth = 960;
constexpr double kPlotLeft = 78;  // byte ticks sit left of it
constexpr double kPlotRight = 946;
constexpr double kPlotTop = 30;   // the heaviest keys are named above the plot
constexpr double kPlotHeight = 220;
constexpr double kAxisRoom = 34;
constexpr size_t kMaxBars = 300;
constexpr size_t kMaxKeysNamed = 3;
constexpr double kHotFactor = 2;  // a partition over twice the median is hot

struct Partition {
  const core::TaskAttempt* task = nullptr;  // the successful attempt that counted
  int64_t bytes = 0;
};

/// The successful attempt of each index of the stage attempt (the first to finish when
/// speculation made two succeed), by index; counts the indices that never succeeded.
std::vector<Partition> partitionsOf(const std::vector<core::TaskAttempt>& tasks, int32_t stageId, int32_t attemptId,
                                    size_t& withoutSuccess, bool& anyTask) {
  std::map<int32_t, Partition> byIndex;
  std::set<int32_t> indices;
  for (const core::TaskAttempt& task : tasks) {
    if (task.stageId != stageId || task.stageAttemptId != attemptId) continue;
    anyTask = true;
    indices.insert(task.index);
    if (task.status != core::TaskStatus::Success) continue;
    Partition& partition = byIndex[task.index];
    if (partition.task && partition.task->finishTimeMs <= task.finishTimeMs) continue;
    partition.task = &task;
    partition.bytes = std::max<int64_t>(0, task.metrics.shuffleReadBytes());
  }
  withoutSuccess = indices.size() - byIndex.size();
  std::vector<Partition> partitions;
  partitions.reserve(byIndex.size());
  for (auto& [index, partition] : byIndex) partitions.push_back(partition);
  return partitions;
}

/// The keys the runtime sketched for the shuffles this stage reads (written by its parent
/// stages), heaviest first, each key once.
std::vector<core::ShuffleKey> distinctKeysReadBy(const core::AppAttempt& app, const std::vector<int32_t>& parents) {
  std::vector<core::ShuffleKey> keys = advisor::keysReadBy(app, parents);
  std::set<std::string> seen;
  std::erase_if(keys, [&](const core::ShuffleKey& key) { return !seen.insert(key.key).second; });
  return keys;
}

/// The bytes of the shuffles the stage reads: what its parents' successful tasks wrote, or what
/// its partitions read when that is more (a parent's map tasks may be missing from a cut log).
int64_t shuffleBytes(const std::vector<core::TaskAttempt>& tasks, const std::vector<int32_t>& parents, int64_t bytesRead) {
  int64_t written = 0;
  for (const core::TaskAttempt& task : tasks) {
    if (task.status == core::TaskStatus::Success && std::find(parents.begin(), parents.end(), task.stageId) != parents.end()) {
      written += std::max<int64_t>(0, task.metrics.shuffleBytesWritten);
    }
  }
  return std::max(written, bytesRead);
}

std::string shareOf(int64_t part, int64_t whole) {
  if (whole <= 0) return "?";
  double percent = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  return percent < 1 ? "<1%" : fmt::format("{:.0f}%", std::min(100.0, percent));
}

/// "heaviest keys: 42 (51% of the shuffle's bytes), 7 (3%)"; empty when no key was sketched.
std::string heaviestKeysText(const std::vector<core::ShuffleKey>& keys, int64_t bytes) {
  std::string text;
  for (size_t i = 0; i < keys.size() && i < kMaxKeysNamed; ++i) {
    text += i == 0 ? (keys.size() == 1 ? "heaviest key: " : "heaviest keys: ") : ", ";
    text += chartText(keys[i].key, 40) + " (" + shareOf(keys[i].bytes, bytes) + (i == 0 ? " of the shuffle's bytes)" : ")");
  }
  return text;
}

}  // namespace

SvgChart partitionBytesChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks, int32_t stageId,
                             int32_t stageAttemptId) {
  SvgChart chart;
  chart.id = fmt::format("chart-partitions-{}", stageId);
  chart.width = kWidth;
  const std::string label = stageLabel(app, stageId, stageAttemptId);
  const std::string shortLabel = fmt::format("stage {}.{}", stageId, stageAttemptId);
  chart.title = "Shuffle read per partition, " + label;
  chart.caption = fmt::format("Shuffle bytes each partition of {} read, from its successful task.", label);

  size_t withoutSuccess = 0;
  bool anyTask = false;
  std::vector<Partition> partitions = partitionsOf(tasks, stageId, stageAttemptId, withoutSuccess, anyTask);
  int64_t totalRead = 0, mostRead = 0;
  for (const Partition& partition : partitions) {
    totalRead += partition.bytes;
    mostRead = std::max(mostRead, partition.bytes);
  }
  if (partitions.empty() || mostRead == 0) {
    chart.emptyText = !anyTask ? "no task of " + shortLabel + " ran"
                      : partitions.empty() ? "no task of " + shortLabel + " succeeded"
                                           : shortLabel + " read no shuffle data";
    return chart;
  }

  std::vector<double> bytes;
  for (const Partition& partition : partitions) bytes.push_back(static_cast<double>(partition.bytes));
  // The History Server's quantile rule, as `show` gives the stage's median shuffle read.
  const double median = core::historyServerQuantiles(bytes, {0.5})[0];
  auto isHot = [&](int64_t value) { return static_cast<double>(value) > kHotFactor * median; };

  const double plotBottom = kPlotTop + kPlotHeight;
  chart.height = plotBottom + kAxisRoom;
  const std::vector<Tick> yTicks = byteTicks(static_cast<double>(mostRead), 5);
  const Scale y = Scale::linear(0, yTicks.back().value, plotBottom, kPlotTop);
  drawLeftAxis(chart, y, yTicks, kPlotLeft, kPlotRight);
  // A partition stands at its index, so one that never succeeded leaves a gap; indices spread far
  // apart (a damaged log) fall back to standing in order.
  const size_t count = partitions.size();
  const int64_t lastIndex = partitions.back().task->index;
  const bool atIndex = partitions.front().task->index >= 0 && lastIndex < 2 * static_cast<int64_t>(count) + 16;
  const size_t slots = atIndex ? static_cast<size_t>(lastIndex) + 1 : count;
  auto slotOf = [&](size_t i) { return atIndex ? static_cast<size_t>(partitions[i].task->index) : i; };
  const Scale x = Scale::linear(0, static_cast<double>(slots), kPlotLeft, kPlotRight);
  std::vector<Tick> xTicks;
  for (const Tick& tick : countTicks(static_cast<double>(slots - 1), 8)) {
    auto slot = static_cast<size_t>(tick.value);
    if (slot >= slots) continue;
    xTicks.push_back({static_cast<double>(slot) + 0.5, atIndex ? tick.label : std::to_string(partitions[slot].task->index)});
  }
  drawBottomAxis(chart, x, xTicks, plotBottom, plotBottom, "partition index");

  // Neighbouring partitions share a bar past kMaxBars; a bar shows the largest of its group, so a
  // hot partition never hides in an average.
  const size_t perBar = (slots + kMaxBars - 1) / kMaxBars;
  const double gap = (kPlotRight - kPlotLeft) / static_cast<double>(slots) * static_cast<double>(perBar) > 3 ? 1 : 0;
  size_t hotPartitions = 0;
  size_t begin = 0;  // the first partition of the group
  for (size_t firstSlot = 0; firstSlot < slots; firstSlot += perBar) {
    const size_t endSlot = std::min(slots, firstSlot + perBar);
    size_t end = begin;
    while (end < count && slotOf(end) < endSlot) ++end;
    if (end == begin) continue;  // no partition of the group succeeded
    size_t largest = begin, hotHere = 0;
    int64_t groupBytes = 0;
    for (size_t i = begin; i < end; ++i) {
      if (partitions[i].bytes > partitions[largest].bytes) largest = i;
      hotHere += isHot(partitions[i].bytes) ? 1 : 0;
      groupBytes += partitions[i].bytes;
    }
    const size_t groupBegin = begin;
    begin = end;
    hotPartitions += hotHere;
    const Partition& top = partitions[largest];
    if (top.bytes == 0) continue;  // nothing to show, nothing to hover
    const double times = median > 0 ? static_cast<double>(top.bytes) / median : 0;
    std::string title;
    if (perBar == 1) {
      title = fmt::format("partition {}: {}{}\n{} records · task {} · {} · {}", top.task->index, shortBytes(static_cast<double>(top.bytes)),
                          median > 0 ? fmt::format(" ({:.1f}× the median)", times) : "",
                          formatCount(top.task->metrics.shuffleRecordsRead), top.task->taskId, executorLabel(top.task->executorId),
                          shortDuration(static_cast<double>(std::max<int64_t>(0, top.task->durationMs()))));
    } else {
      title = fmt::format("partitions {} to {}: largest {} (partition {}{}); {} in all{}", partitions[groupBegin].task->index,
                          partitions[end - 1].task->index, shortBytes(static_cast<double>(top.bytes)), top.task->index,
                          median > 0 ? fmt::format(", {:.1f}× the median", times) : "", shortBytes(static_cast<double>(groupBytes)),
                          hotHere > 0 ? fmt::format("; {} hot", formatCount(static_cast<int64_t>(hotHere))) : "");
    }
    const double left = x(static_cast<double>(firstSlot)), right = x(static_cast<double>(endSlot)) - gap;
    const double barTop = std::min(y(static_cast<double>(top.bytes)), plotBottom - 1);
    chart.rects.push_back({left, barTop, std::max(0.5, right - left), plotBottom - barTop, hotHere > 0 ? "bar hot" : "bar", std::move(title)});
  }

  const double medianY = y(median);
  chart.lines.push_back({kPlotLeft, medianY, kPlotRight, medianY, "median"});
  chart.texts.push_back({kPlotRight, medianY - 3, "end", "label", "median " + shortBytes(median)});

  const core::StageAttempt* stage = findStageAttempt(app, stageId, stageAttemptId);
  std::string keysText;
  if (stage && !stage->parentIds.empty()) {
    std::vector<core::ShuffleKey> keys = distinctKeysReadBy(app, stage->parentIds);
    keysText = heaviestKeysText(keys, shuffleBytes(tasks, stage->parentIds, totalRead));
  }
  if (!keysText.empty()) chart.texts.push_back({kPlotLeft, 14, "start", "label", keysText});

  chart.legend.push_back({"bar", "shuffle bytes read by a partition"});
  if (hotPartitions > 0) chart.legend.push_back({"hot", fmt::format("hot: over {:g} × the median", kHotFactor)});
  chart.legend.push_back({"median", "median partition"});

  const Partition& largest = *std::max_element(partitions.begin(), partitions.end(),
                                               [](const Partition& a, const Partition& b) { return a.bytes < b.bytes; });
  chart.caption += fmt::format(" {}, median {}, largest {} (partition {}){}.", countOf(static_cast<int64_t>(count), "partition"),
                               shortBytes(median), shortBytes(static_cast<double>(largest.bytes)), largest.task->index,
                               hotPartitions > 0 ? fmt::format("; {} hot", formatCount(static_cast<int64_t>(hotPartitions))) : "");
  if (perBar > 1) chart.caption += fmt::format(" Partitions grouped {} to a bar: a bar shows the largest of its group.", perBar);
  if (!keysText.empty()) chart.caption += " The shuffle's " + keysText + ".";
  if (withoutSuccess > 0) chart.caption += fmt::format(" {} without a successful task not drawn.", countOf(static_cast<int64_t>(withoutSuccess), "partition"));
  return chart;
}

}  // namespace jobtuner::reports
