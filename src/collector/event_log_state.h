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
  std::unordered_map<int64_t, core::TaskAttempt> runningTasks;    // task id -> started attempt
  bool runningTasksCapped = false;
  std::optional<core::TaskAttempt> endedTask;  // the current line's TaskEnd, not yet handed on

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

  /// Hands every task still running to the sink, as Running.
  void flushRunningTasks();
};

}  // namespace jobtuner::collector
