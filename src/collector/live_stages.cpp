// Stage attempts counted as Spark's AppStatusListener counts them while they are live, so the
// History Server's stage answers (task counts, executor summaries, peaks) can be reproduced.
// Metric totals are not summed here: tasks carry addedToStageTotals and the store sums them.

#include <algorithm>

#include "collector/event_log_state.h"

namespace jobtuner::collector {

namespace {

// Spark's peaks start unset (first value -1, the others 0); any update sets them, zeros included.
void raisePeaks(std::optional<core::ExecutorMetrics>& peaks, const core::ExecutorMetrics& metrics) {
  if (!peaks) {
    peaks.emplace();
    peaks->values[0] = -1;
  }
  peaks->raiseTo(metrics);
}

// Spark creates an executor's summary within a stage the first time anything touches it.
core::StageExecutorSummary& summaryFor(core::StageAttempt& stage,
                                       std::unordered_map<std::string, size_t>& summaryIndex,
                                       const std::string& executorId) {
  auto [found, inserted] = summaryIndex.try_emplace(executorId, stage.executorSummaries.size());
  if (inserted) stage.executorSummaries.emplace_back().executorId = executorId;
  return stage.executorSummaries[found->second];
}

// Spark writes the speculation summary only once a speculative attempt starts or ends.
core::SpeculationStageSummary& speculationOf(core::StageAttempt& stage) {
  if (!stage.speculationSummary) stage.speculationSummary.emplace();
  return *stage.speculationSummary;
}

}  // namespace

void EventLogParser::State::countTaskStart(const core::TaskAttempt& task) {
  auto live = liveStages.find({task.stageId, task.stageAttemptId});
  if (live == liveStages.end()) return;
  core::StageAttempt& stage = app.stages[stageIndex.at({task.stageId, task.stageAttemptId})];
  ++stage.numActiveTasks;
  if (stage.firstTaskLaunchedTimeMs == 0 || task.launchTimeMs < stage.firstTaskLaunchedTimeMs) {
    stage.firstTaskLaunchedTimeMs = task.launchTimeMs;
  }
  if (task.speculative) {
    core::SpeculationStageSummary& speculation = speculationOf(stage);
    ++speculation.numTasks;
    ++speculation.numActiveTasks;
  }
}

void EventLogParser::State::countTaskEnd(core::TaskAttempt& task, const TaskEndCounting& counting,
                                         const core::ExecutorMetrics& taskExecutorMetrics, bool wasRunning) {
  auto live = liveStages.find({task.stageId, task.stageAttemptId});
  // A task that was not running (ended before, or never started) adds no metrics: Spark keeps
  // only the first end of a task id.
  task.addedToStageTotals = false;
  if (live == liveStages.end()) return;
  task.addedToStageTotals = wasRunning && task.metrics.hasMetrics;
  core::StageAttempt& stage = app.stages[stageIndex.at({task.stageId, task.stageAttemptId})];

  // AppStatusListener.onTaskEnd: a Resubmitted end has no TaskStart of its own, so it leaves the
  // active count alone (SPARK-41187).
  int32_t completed = counting.count == TaskEndCount::Completed ? 1 : 0;
  int32_t failed = counting.count == TaskEndCount::Failed || counting.count == TaskEndCount::Resubmitted ? 1 : 0;
  int32_t killed = counting.count == TaskEndCount::Killed ? 1 : 0;
  int32_t active = counting.count == TaskEndCount::Resubmitted ? 0 : 1;
  stage.numActiveTasks -= active;
  stage.numCompleteTasks += completed;
  if (completed > 0) {
    live->second.completedIndices.insert(task.index);
    stage.numCompletedIndices = static_cast<int32_t>(live->second.completedIndices.size());
  }
  stage.numFailedTasks += failed;
  stage.numKilledTasks += killed;
  if (killed > 0) ++stage.killedTasksSummary[counting.killedSummaryKey];

  raisePeaks(stage.peakExecutorMetrics, taskExecutorMetrics);
  core::StageExecutorSummary& summary = summaryFor(stage, live->second.executorSummaries, task.executorId);
  raisePeaks(summary.peakMemoryMetrics, taskExecutorMetrics);
  summary.taskTimeMs = core::wrappingAdd(summary.taskTimeMs, task.durationMs());
  summary.succeededTasks += completed;
  summary.failedTasks += failed;
  summary.killedTasks += killed;

  if (task.speculative) {
    core::SpeculationStageSummary& speculation = speculationOf(stage);
    --speculation.numActiveTasks;
    speculation.numCompletedTasks += completed;
    speculation.numFailedTasks += failed;
    speculation.numKilledTasks += killed;
  }
  // [SPARK-24415] A finished stage attempt stays live until its last running task ends.
  bool stageEnded = stage.status == core::StageStatus::Complete || stage.status == core::StageStatus::Failed;
  if (stageEnded && stage.numActiveTasks == 0) liveStages.erase(live);
}

void EventLogParser::State::raiseStagePeaks(int32_t stageId, int32_t attemptId, const std::string& executorId,
                                            const core::ExecutorMetrics& metrics) {
  auto live = liveStages.find({stageId, attemptId});
  if (live == liveStages.end()) return;
  core::StageAttempt& stage = app.stages[stageIndex.at({stageId, attemptId})];
  raisePeaks(stage.peakExecutorMetrics, metrics);
  raisePeaks(summaryFor(stage, live->second.executorSummaries, executorId).peakMemoryMetrics, metrics);
}

void EventLogParser::State::excludeForStage(int32_t stageId, int32_t attemptId, const std::string& executorId) {
  auto live = liveStages.find({stageId, attemptId});
  if (live == liveStages.end()) return;
  core::StageAttempt& stage = app.stages[stageIndex.at({stageId, attemptId})];
  summaryFor(stage, live->second.executorSummaries, executorId).excluded = true;
}

void EventLogParser::State::retireStageIfDone(int32_t stageId, int32_t attemptId) {
  auto live = liveStages.find({stageId, attemptId});
  if (live == liveStages.end()) return;
  if (app.stages[stageIndex.at({stageId, attemptId})].numActiveTasks == 0) liveStages.erase(live);
}

}  // namespace jobtuner::collector
