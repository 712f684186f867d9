#include "collector/task_event_decoder.h"

#include <fmt/format.h>

namespace jobtuner::collector {

namespace {

// Failure messages are shown in tables and reports; the full text stays in endReasonJson.
constexpr size_t kMaxMessageBytes = 1000;

void decodeShufflePushReadMetrics(JsonValue value, core::TaskMetrics& metrics) {
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Corrupt Merged Block Chunks") {
      metrics.shuffleCorruptMergedBlockChunks = readInt64(field);
    } else if (key == "Merged Fallback Count" || key == "Merged Fetch Fallback Count") {
      // Spark writes "Merged Fetch Fallback Count" but its reader looks for "Merged Fallback
      // Count" (JsonProtocol, Spark 3.2 to 4.0); the model keeps the value either way.
      metrics.shuffleMergedFetchFallbackCount = readInt64(field);
    } else if (key == "Merged Remote Blocks Fetched") {
      metrics.shuffleRemoteMergedBlocksFetched = readInt64(field);
    } else if (key == "Merged Local Blocks Fetched") {
      metrics.shuffleLocalMergedBlocksFetched = readInt64(field);
    } else if (key == "Merged Remote Chunks Fetched") {
      metrics.shuffleRemoteMergedChunksFetched = readInt64(field);
    } else if (key == "Merged Local Chunks Fetched") {
      metrics.shuffleLocalMergedChunksFetched = readInt64(field);
    } else if (key == "Merged Remote Bytes Read") {
      metrics.shuffleRemoteMergedBytesRead = readInt64(field);
    } else if (key == "Merged Local Bytes Read") {
      metrics.shuffleLocalMergedBytesRead = readInt64(field);
    } else if (key == "Merged Remote Requests Duration") {
      metrics.shuffleRemoteMergedReqsDurationMs = readInt64(field);
    }
  });
}

void decodeShuffleReadMetrics(JsonValue value, core::TaskMetrics& metrics) {
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Remote Blocks Fetched") {
      metrics.shuffleRemoteBlocksFetched = readInt64(field);
    } else if (key == "Local Blocks Fetched") {
      metrics.shuffleLocalBlocksFetched = readInt64(field);
    } else if (key == "Fetch Wait Time") {
      metrics.shuffleFetchWaitTimeMs = readInt64(field);
    } else if (key == "Remote Bytes Read") {
      metrics.shuffleRemoteBytesRead = readInt64(field);
    } else if (key == "Remote Bytes Read To Disk") {
      metrics.shuffleRemoteBytesReadToDisk = readInt64(field);
    } else if (key == "Local Bytes Read") {
      metrics.shuffleLocalBytesRead = readInt64(field);
    } else if (key == "Total Records Read") {
      metrics.shuffleRecordsRead = readInt64(field);
    } else if (key == "Remote Requests Duration") {
      metrics.shuffleRemoteReqsDurationMs = readInt64(field);
    } else if (key == "Shuffle Push Read Metrics") {
      decodeShufflePushReadMetrics(field, metrics);
    }
  });
}

void decodeShuffleWriteMetrics(JsonValue value, core::TaskMetrics& metrics) {
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Shuffle Bytes Written") {
      metrics.shuffleBytesWritten = readInt64(field);
    } else if (key == "Shuffle Write Time") {
      metrics.shuffleWriteTimeNs = readInt64(field);
    } else if (key == "Shuffle Records Written") {
      metrics.shuffleRecordsWritten = readInt64(field);
    }
  });
}

void decodeInputMetrics(JsonValue value, core::TaskMetrics& metrics) {
  // 1.x logs also carry "Data Read Method"; it has no place in the model.
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Bytes Read") {
      metrics.inputBytes = readInt64(field);
    } else if (key == "Records Read") {
      metrics.inputRecords = readInt64(field);
    }
  });
}

void decodeOutputMetrics(JsonValue value, core::TaskMetrics& metrics) {
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Bytes Written") {
      metrics.outputBytes = readInt64(field);
    } else if (key == "Records Written") {
      metrics.outputRecords = readInt64(field);
    }
  });
}

// The fields of every end reason, read in one pass whatever the reason's kind.
struct EndReasonFields {
  std::string reason;
  std::string className;
  std::string description;
  std::string executorId;
  bool exitCausedByApp = true;  // Spark's default when the field is missing
  std::string lossReason;
  std::string killReason;
  std::string message;
  std::string blockManagerExecutorId;
  std::string blockManagerHost;
  int64_t shuffleId = -1;
  int64_t mapId = -1;
  int64_t reduceId = -1;
  int64_t jobId = -1;
  int64_t partitionId = -1;
  int64_t attemptNumber = -1;
};

std::string failureMessageFor(const EndReasonFields& fields) {
  const std::string& reason = fields.reason;
  if (reason == "ExceptionFailure") {
    std::string description = firstLine(fields.description, kMaxMessageBytes);
    if (fields.className.empty()) return description;
    return description.empty() ? fields.className : fields.className + ": " + description;
  }
  if (reason == "ExecutorLostFailure") {
    // Spark's own wording (ExecutorLostFailure.toErrorString), on one line.
    std::string text = fmt::format("ExecutorLostFailure (executor {} exited {})",
                                   fields.executorId.empty() ? "Unknown" : fields.executorId,
                                   fields.exitCausedByApp ? "caused by one of the running tasks"
                                                          : "unrelated to the running tasks");
    if (!fields.lossReason.empty()) text += " Reason: " + fields.lossReason;
    return firstLine(text, kMaxMessageBytes);
  }
  if (reason == "FetchFailed") {
    std::string source = fields.blockManagerExecutorId.empty()
                             ? std::string("unknown block manager")
                             : fmt::format("executor {} on {}", fields.blockManagerExecutorId, fields.blockManagerHost);
    std::string message = firstLine(fields.message, kMaxMessageBytes);
    return firstLine(fmt::format("FetchFailed (shuffle {}, map {}, reduce {}) from {}{}{}", fields.shuffleId,
                                 fields.mapId, fields.reduceId, source, message.empty() ? "" : ": ", message),
                     kMaxMessageBytes);
  }
  if (reason == "TaskKilled") {
    std::string killReason = firstLine(fields.killReason, kMaxMessageBytes);
    return killReason.empty() ? std::string("TaskKilled") : "TaskKilled (" + killReason + ")";
  }
  if (reason == "TaskCommitDenied") {
    return fmt::format("TaskCommitDenied (Driver denied task commit) for job: {}, partition: {}, attemptNumber: {}",
                       fields.jobId, fields.partitionId, fields.attemptNumber);
  }
  if (reason == "TaskResultLost") return "TaskResultLost (result lost from block manager)";
  if (reason == "Resubmitted") return "Resubmitted (resubmitted due to lost executor)";
  if (reason == "UnknownReason") return "UnknownReason";
  return firstLine(reason, kMaxMessageBytes);
}

}  // namespace

void decodeTaskInfo(JsonValue value, core::TaskAttempt& task, TaskInfoFlags& flags) {
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Task ID") {
      if (std::optional<int64_t> taskId = readOptionalInt64(field)) {
        task.taskId = *taskId;
        flags.hasTaskId = true;
      }
    } else if (key == "Index") {
      task.index = readInt32(field);
    } else if (key == "Attempt") {
      task.attempt = readInt32(field);
    } else if (key == "Partition ID") {
      task.partitionId = readInt64(field, -1);
    } else if (key == "Launch Time") {
      task.launchTimeMs = readInt64(field);
    } else if (key == "Executor ID") {
      task.executorId = readString(field);
    } else if (key == "Host") {
      task.host = readString(field);
    } else if (key == "Locality") {
      task.locality = readString(field);
    } else if (key == "Speculative") {
      task.speculative = readBool(field);
    } else if (key == "Getting Result Time") {
      task.gettingResultTimeMs = readInt64(field);
    } else if (key == "Finish Time") {
      task.finishTimeMs = readInt64(field);
    } else if (key == "Failed") {
      flags.failed = readBool(field);
    } else if (key == "Killed") {
      flags.killed = readBool(field);
    } else if (key == "Accumulables") {
      flags.hasAccumulables = true;
      // Element by element: simdjson's index finds each one's end, so nothing is scanned twice.
      forEachElement(field, [&](JsonValue element) { flags.accumulables.push_back(rawJsonView(element)); });
    }
  });
}

void decodeTaskMetrics(JsonValue value, core::TaskMetrics& metrics) {
  metrics = core::TaskMetrics{};
  simdjson::ondemand::json_type type{};
  if (value.type().get(type) != simdjson::SUCCESS || type != simdjson::ondemand::json_type::object) return;
  metrics.hasMetrics = true;
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Executor Deserialize Time") {
      metrics.executorDeserializeTimeMs = readInt64(field);
    } else if (key == "Executor Deserialize CPU Time") {
      metrics.executorDeserializeCpuTimeNs = readInt64(field);
    } else if (key == "Executor Run Time") {
      metrics.executorRunTimeMs = readInt64(field);
    } else if (key == "Executor CPU Time") {
      metrics.executorCpuTimeNs = readInt64(field);
    } else if (key == "Result Size") {
      metrics.resultSizeBytes = readInt64(field);
    } else if (key == "JVM GC Time") {
      metrics.jvmGcTimeMs = readInt64(field);
    } else if (key == "Result Serialization Time") {
      metrics.resultSerializationTimeMs = readInt64(field);
    } else if (key == "Memory Bytes Spilled") {
      metrics.memoryBytesSpilled = readInt64(field);
    } else if (key == "Disk Bytes Spilled") {
      metrics.diskBytesSpilled = readInt64(field);
    } else if (key == "Peak Execution Memory") {
      metrics.peakExecutionMemoryBytes = readInt64(field);
    } else if (key == "Shuffle Read Metrics") {
      decodeShuffleReadMetrics(field, metrics);
    } else if (key == "Shuffle Write Metrics") {
      decodeShuffleWriteMetrics(field, metrics);
    } else if (key == "Input Metrics") {
      decodeInputMetrics(field, metrics);
    } else if (key == "Output Metrics") {
      decodeOutputMetrics(field, metrics);
    }
  });
}

void decodeTaskEndReason(simdjson::ondemand::object reason, core::TaskAttempt& task, const TaskInfoFlags& flags,
                         TaskEndCounting& counting) {
  EndReasonFields fields;
  bool hasKillReason = false;
  for (auto entry : reason) {
    std::string_view key = entry.unescaped_key();
    JsonValue field = entry.value();
    if (key == "Reason") {
      fields.reason = readString(field);
    } else if (key == "Class Name") {
      fields.className = readString(field);
    } else if (key == "Description") {
      fields.description = readString(field);
    } else if (key == "Executor ID") {
      fields.executorId = readString(field);
    } else if (key == "Exit Caused By App") {
      fields.exitCausedByApp = readBool(field, true);
    } else if (key == "Loss Reason") {
      fields.lossReason = readString(field);
    } else if (key == "Kill Reason") {
      hasKillReason = !isNull(field);
      fields.killReason = readString(field);
    } else if (key == "Message") {
      fields.message = readString(field);
    } else if (key == "Block Manager Address") {
      forEachField(field, [&](std::string_view addressKey, JsonValue addressField) {
        if (addressKey == "Executor ID") fields.blockManagerExecutorId = readString(addressField);
        if (addressKey == "Host") fields.blockManagerHost = readString(addressField);
      });
    } else if (key == "Shuffle ID") {
      fields.shuffleId = readInt64(field, -1);
    } else if (key == "Map ID") {
      fields.mapId = readInt64(field, -1);
    } else if (key == "Reduce ID") {
      fields.reduceId = readInt64(field, -1);
    } else if (key == "Job ID") {
      fields.jobId = readInt64(field, -1);
    } else if (key == "Partition ID") {
      fields.partitionId = readInt64(field, -1);
    } else if (key == "Attempt Number") {
      fields.attemptNumber = readInt64(field, -1);
    }
  }

  if (fields.reason.empty()) {
    resolveStatusWithoutReason(task, flags, counting);
    return;
  }
  task.endReason = fields.reason;
  if (fields.reason == "Success") {
    task.status = core::TaskStatus::Success;
    task.failureMessage.clear();
    counting = TaskEndCounting{};
    return;
  }
  task.failureMessage = failureMessageFor(fields);
  counting.count = fields.reason == "Resubmitted" ? TaskEndCount::Resubmitted : TaskEndCount::Failed;
  if (fields.reason == "TaskKilled" || fields.reason == "TaskCommitDenied") {
    task.status = core::TaskStatus::Killed;
    counting.count = TaskEndCount::Killed;
    // AppStatusListener.killedTasksSummary: the kill reason, or TaskCommitDenied's error string.
    counting.killedSummaryKey = fields.reason == "TaskKilled"
                                    ? (hasKillReason ? fields.killReason : std::string("unknown reason"))
                                    : task.failureMessage;
  } else if (fields.reason == "ExceptionFailure" || fields.reason == "ExecutorLostFailure" ||
             fields.reason == "FetchFailed" || fields.reason == "TaskResultLost" ||
             fields.reason == "Resubmitted" || fields.reason == "UnknownReason") {
    task.status = core::TaskStatus::Failed;
  } else {
    // A reason this reader does not know (a newer Spark): Spark's own flags decide.
    task.status = flags.killed ? core::TaskStatus::Killed : core::TaskStatus::Failed;
  }
}

void resolveStatusWithoutReason(core::TaskAttempt& task, const TaskInfoFlags& flags, TaskEndCounting& counting) {
  counting = TaskEndCounting{};
  if (flags.killed) {
    task.status = core::TaskStatus::Killed;
    task.endReason = "TaskKilled";
    counting.count = TaskEndCount::Killed;
    counting.killedSummaryKey = "unknown reason";
  } else if (flags.failed) {
    task.status = core::TaskStatus::Failed;
    task.endReason = "UnknownReason";
    counting.count = TaskEndCount::Failed;
  } else {
    task.status = core::TaskStatus::Success;
    task.endReason = "Success";
    return;
  }
  task.failureMessage = task.endReason;
}

}  // namespace jobtuner::collector
