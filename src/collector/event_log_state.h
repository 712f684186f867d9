#pragma once

// The private state of EventLogParser, shared by the files that handle each family of events
// (event_log_parser.cpp: lines, dispatch, the application; job_stage_events.cpp;
// task_events.cpp; executor_events.cpp). Not part of the collector's interface.

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "collector/event_log_parser.h"
#include "collector/spark_json_fields.h"
#include "collector/task_event_decoder.h"
#include "core/model.h"
#include "core/redaction.h"

namespace jobtuner::collector {

using JsonObject = simdjson::ondemand::object;

struct EventLogParser::State {
  State(TaskSink& taskSink, ParseLimits parseLimits);

  TaskSink& sink;
  ParseLimits limits;

  simdjson::ondemand::parser json;
  // A second parser for values that are both kept verbatim and decoded (Task End Reason): the
  // raw text is re-read on its own while the line's document is still open.
  simdjson::ondemand::parser fragmentJson;
  std::string paddedCopy;          // the line, when the caller could not pad it
  const char* bufferEnd = nullptr;  // end of the readable bytes of the current line
  int64_t lineNumber = 0;

  core::AppAttempt app;
  bool sawEvents = false;
  bool sawApplicationEnd = false;
  bool finished = false;
  std::string driverLogsJson;      // ApplicationStart's "Driver Logs", for the driver executor
  core::Redactor redactor;         // the app's own pattern once EnvironmentUpdate is seen

  ParseStats stats;
  std::vector<ParseWarning> warnings;
  int64_t warningsNotKept = 0;

  std::unordered_map<int32_t, size_t> jobIndex;                   // job id -> app.jobs
  std::map<std::pair<int32_t, int32_t>, size_t> stageIndex;       // (stage, attempt) -> app.stages
  std::unordered_map<std::string, size_t> executorIndex;          // id -> app.executors
  std::unordered_set<std::string> executorsWithInfo;              // ids seen in ExecutorAdded
  // Executors excluded for a stage attempt while it ran; its completion lifts their exclusion.
  std::map<std::pair<int32_t, int32_t>, std::vector<std::string>> stageExcludedExecutors;
  std::unordered_map<int64_t, core::TaskAttempt> runningTasks;    // task id -> started attempt
  bool runningTasksCapped = false;
  std::optional<core::TaskAttempt> endedTask;  // the current line's TaskEnd, not yet handed on
  std::optional<core::ExecutorMetrics> endedTaskExecutorMetrics;  // its "Task Executor Metrics"

  /// What AppStatusListener holds for a stage attempt while it is live: from the event that
  /// created it (JobStart or StageSubmitted) until it has finished and its last running task has
  /// ended. Only a live stage attempt counts the tasks that start and end in it (live_stages.cpp).
  struct LiveStage {
    std::unordered_set<int32_t> completedIndices;
    std::unordered_map<std::string, size_t> executorSummaries;  // id -> StageAttempt::executorSummaries
  };
  std::map<std::pair<int32_t, int32_t>, LiveStage> liveStages;

  /// What finish() and snapshot() add to an app: completion, job key, the driver's log links.
  void completeApp(core::AppAttempt& target, bool completed) const;
  void warn(int64_t line, std::string message);
  /// Skips an event that lacks the field that identifies what it is about.
  void skipEvent(std::string_view eventName, std::string_view missing);

  core::StageAttempt& stageAttemptFor(int32_t stageId, int32_t attemptId);
  core::Executor& executorFor(const std::string& executorId, int64_t addTimeMs);
  core::Executor* findExecutor(const std::string& executorId);
  /// Properties as Spark's redaction would show them.
  std::map<std::string, std::string> redactedProperties(std::vector<std::pair<std::string, std::string>> pairs) const;

  // One handler per event family; each reads the whole event before changing any state, so a
  // line that turns out to be damaged leaves the model as it was.
  void onJobStart(JsonObject& event);
  void onJobEnd(JsonObject& event);
  void onStageSubmitted(JsonObject& event);
  void onStageCompleted(JsonObject& event);
  void onTaskStart(JsonObject& event);
  void onTaskGettingResult(JsonObject& event);
  void onTaskEnd(JsonObject& event);
  void onExecutorAdded(JsonObject& event);
  void onExecutorRemoved(JsonObject& event);
  void onBlockManagerAdded(JsonObject& event);
  void onExecutorExcluded(JsonObject& event, bool forStage);
  void onNodeExcluded(JsonObject& event, bool forStage);
  void onExclusionLifted(JsonObject& event, bool forNode);
  void onStageExecutorMetrics(JsonObject& event);
  void onExecutorMetricsUpdate(JsonObject& event);
  void onResourceProfileAdded(JsonObject& event);
  void onMiscellaneousProcessAdded(JsonObject& event);
  void onUnpersistRdd(JsonObject& event);
  void onKeySketch(JsonObject& event);
  /// Remembers the RDDs of a submitted stage's `RDD Info` that are marked for caching (rdd_events.cpp).
  void trackPersistedRdds(const std::string& rddInfoJson);

  /// Raises the peaks of a live executor to a task's executor metrics, as AppStatusListener does
  /// at every TaskEnd (old logs without the field count as zeros, as Spark reads them).
  void raiseExecutorPeaksForTask(const std::string& executorId, const core::ExecutorMetrics& metrics);
  /// A stage attempt completed: executors excluded while it ran are no longer excluded for it.
  void releaseStageExclusions(int32_t stageId, int32_t attemptId);
  /// True while a stage attempt is one of Spark's live stages (liveStages).
  bool isRunningStageAttempt(int32_t stageId, int32_t attemptId) const;

  // Stage attempts as Spark's listener counts them (live_stages.cpp).
  void countTaskStart(const core::TaskAttempt& task);
  /// Counts a TaskEnd for its stage attempt and sets task.addedToStageTotals; `wasRunning` says
  /// the task had started and not ended before.
  void countTaskEnd(core::TaskAttempt& task, const TaskEndCounting& counting,
                    const core::ExecutorMetrics& taskExecutorMetrics, bool wasRunning);
  /// Raises a live stage attempt's peaks, and its executor's within it (StageExecutorMetrics).
  void raiseStagePeaks(int32_t stageId, int32_t attemptId, const std::string& executorId,
                       const core::ExecutorMetrics& metrics);
  /// Marks an executor excluded for a live stage attempt.
  void excludeForStage(int32_t stageId, int32_t attemptId, const std::string& executorId);
  /// Drops a stage attempt that just finished (completed, failed or skipped) from the live ones,
  /// unless a task of it still runs.
  void retireStageIfDone(int32_t stageId, int32_t attemptId);

  /// Hands every task still running to the sink, as Running.
  /// The ids of the tasks started and not ended, in id order.
  std::vector<int64_t> runningTaskIds() const;
  void flushRunningTasks();
};

}  // namespace jobtuner::collector
