#pragma once

// Decoding of the task parts of Spark events: `Task Info`, `Task Metrics` and `Task End Reason`,
// for every Spark version from 1.2 to 4.x (fields a version does not write read as zero).

#include <string_view>
#include <vector>

#include "collector/spark_json_fields.h"
#include "core/model.h"

namespace jobtuner::collector {

/// What Task Info says besides the model's fields: whether the task id was there at all, and
/// Spark's own verdict on the attempt.
struct TaskInfoFlags {
  bool hasTaskId = false;
  bool failed = false;
  bool killed = false;
  // The raw elements of `Accumulables`, in the line's buffer (valid while the event is decoded):
  // what is kept of them depends on whether the event also had `Task Metrics`
  // (task_accumulables.h). hasAccumulables: the field was there.
  std::vector<std::string_view> accumulables;
  bool hasAccumulables = false;
};

/// Reads `Task Info` into `task` (ids, placement, times) and `flags`.
void decodeTaskInfo(JsonValue value, core::TaskAttempt& task, TaskInfoFlags& flags);

/// Reads `Task Metrics`. null or a non-object leaves hasMetrics false and every value zero.
void decodeTaskMetrics(JsonValue value, core::TaskMetrics& metrics);

/// How AppStatusListener.onTaskEnd counts an end for its stage attempt.
enum class TaskEndCount { Completed, Killed, Failed, Resubmitted };

/// What a TaskEnd says for its stage's counters besides the task itself.
struct TaskEndCounting {
  TaskEndCount count = TaskEndCount::Completed;
  std::string killedSummaryKey;  // for Killed: the key of Spark's killedTasksSummary
};

/// Reads a `Task End Reason` object and sets the task's endReason, status and failureMessage.
/// Status follows Spark's AppStatusListener counting: Success, TaskKilled and TaskCommitDenied
/// (killed), every other reason (Resubmitted included) failed.
void decodeTaskEndReason(simdjson::ondemand::object reason, core::TaskAttempt& task, const TaskInfoFlags& flags,
                         TaskEndCounting& counting);

/// Sets status and message for a TaskEnd without a usable `Task End Reason`, from Task Info.
void resolveStatusWithoutReason(core::TaskAttempt& task, const TaskInfoFlags& flags, TaskEndCounting& counting);

}  // namespace jobtuner::collector
