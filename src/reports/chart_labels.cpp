#include "reports/chart_labels.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/units.h"
#include "reports/svg_chart.h"

namespace jobtuner::reports {

namespace {

/// "1.0 GB" -> "1 GB": tick labels at round values read better without the zero.
std::string withoutZeroDecimal(std::string text) {
  size_t dot = text.find(".0 ");
  if (dot != std::string::npos) text.erase(dot, 2);
  return text;
}

/// A double pinned into int64_t, for the core formatters (NaN as 0).
int64_t toInt64(double value) {
  if (!std::isfinite(value)) return value > 0 ? std::numeric_limits<int64_t>::max() : 0;
  if (value >= 9.2e18) return std::numeric_limits<int64_t>::max();
  if (value <= -9.2e18) return std::numeric_limits<int64_t>::min() + 1;
  return static_cast<int64_t>(std::llround(value));
}

}  // namespace

std::string shortBytes(double bytes) { return withoutZeroDecimal(core::formatBytes(toInt64(bytes))); }

std::string shortDuration(double milliseconds) { return withoutZeroDecimal(core::formatDurationMs(toInt64(milliseconds))); }

std::string formatCount(int64_t count) {
  if (count < 0) return "-" + formatCount(count == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -count);
  std::string digits = std::to_string(count);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

std::string countOf(int64_t count, const std::string& noun) {
  return formatCount(count) + " " + noun + (count == 1 ? "" : "s");
}

const core::StageAttempt* findStageAttempt(const core::AppAttempt& app, int32_t stageId, int32_t attemptId) {
  for (const core::StageAttempt& stage : app.stages) {
    if (stage.stageId == stageId && stage.attemptId == attemptId) return &stage;
  }
  return nullptr;
}

std::string stageLabel(const core::AppAttempt& app, int32_t stageId, int32_t attemptId, size_t maxNameCharacters) {
  std::string label = fmt::format("stage {}.{}", stageId, attemptId);
  const core::StageAttempt* stage = findStageAttempt(app, stageId, attemptId);
  if (!stage) return label;
  const std::string& name = stage->runtimeStageName.empty() ? stage->name : stage->runtimeStageName;
  if (name.empty()) return label;
  return label + " (" + chartText(name, maxNameCharacters) + ")";
}

bool executorIdLess(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& id) {
    if (id == "driver") return 0;
    bool numeric = !id.empty() && id.size() < 18 && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
    return numeric ? 1 : 2;
  };
  int rankA = rank(a), rankB = rank(b);
  if (rankA != rankB) return rankA < rankB;
  // "007" and "7" are one number but two executors: the text decides between them.
  if (rankA == 1 && std::stoll(a) != std::stoll(b)) return std::stoll(a) < std::stoll(b);
  return a < b;
}

std::string executorLabel(const std::string& executorId) {
  return executorId.empty() ? "exec ?" : "exec " + chartText(executorId, 20);
}

std::string taskTitle(const core::TaskAttempt& task) {
  std::string status = core::toString(task.status);
  std::string title = fmt::format("task {} · stage {}.{} · partition {} · attempt {}{}\n{}", task.taskId, task.stageId,
                                  task.stageAttemptId, task.index, task.attempt, task.speculative ? " (speculative)" : "",
                                  executorLabel(task.executorId));
  if (task.finishTimeMs > 0 && task.launchTimeMs > 0) {
    title += " · " + shortDuration(static_cast<double>(std::max<int64_t>(0, task.durationMs())));
  } else {
    title += " · no end recorded";
  }
  title += " · " + status;
  if (!task.failureMessage.empty()) title += ": " + chartText(task.failureMessage, 120);
  const core::TaskMetrics& m = task.metrics;
  if (m.hasMetrics) {
    title += fmt::format("\nshuffle read {} · spill {} memory, {} disk · GC {}", shortBytes(static_cast<double>(m.shuffleReadBytes())),
                         shortBytes(static_cast<double>(m.memoryBytesSpilled)), shortBytes(static_cast<double>(m.diskBytesSpilled)),
                         shortDuration(static_cast<double>(m.jvmGcTimeMs)));
  }
  return title;
}

}  // namespace jobtuner::reports
