// Task attempts: SparkListenerTaskStart, TaskGettingResult and TaskEnd. A task is held only
// while it runs; its TaskEnd hands it to the sink at once, so tasks never pile up in memory.

#include <algorithm>

#include "collector/event_log_state.h"
#include "collector/executor_metrics_decoder.h"
#include "collector/task_accumulables.h"
#include "collector/task_event_decoder.h"

namespace jobtuner::collector {

namespace {

// Tasks that start and never end are held until finish(). A healthy app runs at most a few
// thousand at once; a log that starts millions without ending them is not let to exhaust memory.
constexpr size_t kMaxRunningTasks = 1'000'000;

}  // namespace

void EventLogParser::State::onTaskStart(JsonObject& event) {
  core::TaskAttempt task;
  TaskInfoFlags flags;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Stage ID") {
      task.stageId = readInt32(value);
    } else if (key == "Stage Attempt ID") {
      task.stageAttemptId = readInt32(value);
    } else if (key == "Task Info") {
      decodeTaskInfo(value, task, flags);
    }
  });
  if (!flags.hasTaskId) {
    skipEvent("SparkListenerTaskStart", "\"Task Info\".\"Task ID\"");
    return;
  }
  if (flags.hasAccumulables) task.accumulablesJson = accumulablesToKeep(flags.accumulables, false);
  task.status = core::TaskStatus::Running;
  task.finishTimeMs = 0;
  countTaskStart(task);
  if (runningTasks.size() >= kMaxRunningTasks && runningTasks.count(task.taskId) == 0) {
    if (!runningTasksCapped) {
      warn(lineNumber, "over a million tasks started without ending; later starts are not tracked until they end");
      runningTasksCapped = true;
    }
    return;
  }
  int64_t taskId = task.taskId;
  runningTasks[taskId] = std::move(task);
}

void EventLogParser::State::onTaskGettingResult(JsonObject& event) {
  core::TaskAttempt info;
  TaskInfoFlags flags;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Task Info") decodeTaskInfo(value, info, flags);
  });
  if (!flags.hasTaskId) {
    skipEvent("SparkListenerTaskGettingResult", "\"Task Info\".\"Task ID\"");
    return;
  }
  auto running = runningTasks.find(info.taskId);
  if (running != runningTasks.end()) running->second.gettingResultTimeMs = info.gettingResultTimeMs;
}

void EventLogParser::State::onTaskEnd(JsonObject& event) {
  core::TaskAttempt task;
  TaskInfoFlags flags;
  std::string_view endReason;
  bool hasEndReason = false;
  std::optional<core::ExecutorMetrics> executorMetrics;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Stage ID") {
      task.stageId = readInt32(value);
    } else if (key == "Stage Attempt ID") {
      task.stageAttemptId = readInt32(value);
    } else if (key == "Task Type") {
      task.taskType = readString(value);
    } else if (key == "Task End Reason") {
      hasEndReason = true;
      endReason = rawJsonView(value);
    } else if (key == "Task Info") {
      decodeTaskInfo(value, task, flags);
    } else if (key == "Task Metrics") {
      decodeTaskMetrics(value, task.metrics);
    } else if (key == "Task Executor Metrics") {
      executorMetrics = decodeExecutorMetrics(value);  // for the executor's peaks
    }
  });
  if (!flags.hasTaskId) {
    skipEvent("SparkListenerTaskEnd", "\"Task Info\".\"Task ID\"");
    return;
  }
  if (flags.hasAccumulables) task.accumulablesJson = accumulablesToKeep(flags.accumulables, task.metrics.hasMetrics);

  TaskEndCounting counting;
  simdjson::ondemand::document reasonDocument;
  simdjson::ondemand::object reason;
  // The reason is kept verbatim and also decoded; it is re-read from the line's own bytes, which
  // stay padded up to the end of the line's buffer.
  if (hasEndReason && !endReason.empty() && endReason.front() == '{' &&
      fragmentJson.iterate(endReason.data(), endReason.size(), static_cast<size_t>(bufferEnd - endReason.data()))
              .get(reasonDocument) == simdjson::SUCCESS &&
      reasonDocument.get_object().get(reason) == simdjson::SUCCESS) {
    task.endReasonJson = std::string(endReason);
    decodeTaskEndReason(reason, task, flags, counting);
  } else {
    if (hasEndReason && endReason != "null") task.endReasonJson = std::string(endReason);
    resolveStatusWithoutReason(task, flags, counting);
  }

  countTaskEnd(task, counting, executorMetrics.value_or(core::ExecutorMetrics{}), runningTasks.count(task.taskId) > 0);
  // parseLine hands it to the sink once the whole line has been read.
  endedTask = std::move(task);
  endedTaskExecutorMetrics = executorMetrics;
}

std::vector<int64_t> EventLogParser::State::runningTaskIds() const {
  std::vector<int64_t> taskIds;
  taskIds.reserve(runningTasks.size());
  for (const auto& entry : runningTasks) taskIds.push_back(entry.first);
  // In task id order, so the sink sees the same sequence on every run.
  std::sort(taskIds.begin(), taskIds.end());
  return taskIds;
}

void EventLogParser::State::flushRunningTasks() {
  for (int64_t taskId : runningTaskIds()) sink.addTask(runningTasks[taskId]);
  runningTasks.clear();
}

}  // namespace jobtuner::collector
