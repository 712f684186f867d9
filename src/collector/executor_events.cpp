// Executors: SparkListenerExecutorAdded/Removed, BlockManagerAdded (the only trace of the
// driver, and of every executor in logs before Spark 1.4), exclusion (blacklisting) events and
// the executor metrics whose peaks the History Server shows.

#include <algorithm>

#include <fmt/format.h>

#include "collector/event_log_state.h"
#include "collector/executor_metrics_decoder.h"

namespace jobtuner::collector {

namespace {

constexpr const char* kDriverId = "driver";

void addUnique(std::vector<int32_t>& ids, int32_t id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

// Spark's peaks start unset (its first value -1, the others 0) and any update sets them.
void raisePeaks(core::Executor& executor, const core::ExecutorMetrics& metrics) {
  if (!executor.peakMetrics) {
    executor.peakMetrics.emplace();
    executor.peakMetrics->values[0] = -1;
  }
  executor.peakMetrics->raiseTo(metrics);
}

}  // namespace

void EventLogParser::State::onExecutorAdded(JsonObject& event) {
  std::optional<std::string> executorId;
  int64_t timeMs = 0;
  core::Executor read;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Executor ID") {
      executorId = readString(value);
    } else if (key == "Timestamp") {
      timeMs = readInt64(value);
    } else if (key == "Executor Info") {
      forEachField(value, [&](std::string_view infoKey, JsonValue info) {
        if (infoKey == "Host") {
          read.host = readString(info);
        } else if (infoKey == "Total Cores") {
          read.totalCores = readInt32(info);
        } else if (infoKey == "Log Urls") {
          read.logUrlsJson = readRawJson(info);
        } else if (infoKey == "Attributes") {
          read.attributesJson = readRawJson(info);
        } else if (infoKey == "Resources") {
          read.resourcesJson = readRawJson(info);
        } else if (infoKey == "Resource Profile Id") {
          read.resourceProfileId = readInt32(info);
        }
      });
    }
  });
  if (!executorId) {
    skipEvent("SparkListenerExecutorAdded", "\"Executor ID\"");
    return;
  }
  executorsWithInfo.insert(*executorId);
  core::Executor& executor = executorFor(*executorId, timeMs);
  if (executor.removeTimeMs > 0) {
    // An executor that registers again after being lost starts a new life, as in Spark's UI.
    executor.addTimeMs = timeMs;
    executor.removeTimeMs = 0;
    executor.removeReason.clear();
    executor.excluded = false;
    executor.excludedInStages.clear();
    executor.peakMetrics.reset();
  }
  executor.host = std::move(read.host);
  executor.totalCores = read.totalCores;
  executor.logUrlsJson = std::move(read.logUrlsJson);
  executor.attributesJson = std::move(read.attributesJson);
  executor.resourcesJson = std::move(read.resourcesJson);
  executor.resourceProfileId = read.resourceProfileId;
}

void EventLogParser::State::onExecutorRemoved(JsonObject& event) {
  std::optional<std::string> executorId;
  int64_t timeMs = 0;
  std::string reason;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Executor ID") {
      executorId = readString(value);
    } else if (key == "Timestamp") {
      timeMs = readInt64(value);
    } else if (key == "Removed Reason") {
      reason = readString(value);
    }
  });
  if (!executorId) {
    skipEvent("SparkListenerExecutorRemoved", "\"Executor ID\"");
    return;
  }
  // Like Spark, the removal of an executor never added is ignored.
  if (core::Executor* executor = findExecutor(*executorId)) {
    executor->removeTimeMs = timeMs;
    executor->removeReason = std::move(reason);
  }
}

void EventLogParser::State::onBlockManagerAdded(JsonObject& event) {
  std::optional<std::string> executorId;
  std::string host;
  std::optional<int64_t> port;
  int64_t maxMemory = 0;
  int64_t timeMs = 0;
  std::optional<int64_t> maxOnHeap;
  std::optional<int64_t> maxOffHeap;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Block Manager ID") {
      forEachField(value, [&](std::string_view idKey, JsonValue id) {
        if (idKey == "Executor ID") {
          executorId = readString(id);
        } else if (idKey == "Host") {
          host = readString(id);
        } else if (idKey == "Port") {
          port = readOptionalInt64(id);
        }
      });
    } else if (key == "Maximum Memory") {
      maxMemory = readInt64(value);
    } else if (key == "Timestamp") {
      timeMs = readInt64(value);
    } else if (key == "Maximum Onheap Memory") {
      maxOnHeap = readOptionalInt64(value);
    } else if (key == "Maximum Offheap Memory") {
      maxOffHeap = readOptionalInt64(value);
    }
  });
  if (!executorId) {
    skipEvent("SparkListenerBlockManagerAdded", "\"Block Manager ID\".\"Executor ID\"");
    return;
  }
  // The driver never gets an ExecutorAdded; AppStatusListener creates it (and, in old logs,
  // every executor) from its block manager, with the block manager's time as add time.
  core::Executor& executor = executorFor(*executorId, timeMs);
  if (executor.host.empty()) executor.host = host;
  executor.hostPort = port ? fmt::format("{}:{}", host, *port) : host;
  executor.maxMemoryBytes = maxMemory;
  if (maxOnHeap) executor.maxOnHeapMemoryBytes = maxOnHeap;
  if (maxOffHeap) executor.maxOffHeapMemoryBytes = maxOffHeap;
}

// Exclusion (blacklisting) as AppStatusListener keeps it: the state at the end of the log. Only
// live executors change, and excluding a node never touches the driver.
void EventLogParser::State::onExecutorExcluded(JsonObject& event, bool forStage) {
  // Jackson writes these events with the Scala field names.
  std::string executorId;
  std::optional<int64_t> stageId;
  int32_t stageAttemptId = 0;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "executorId") {
      executorId = readString(value);
    } else if (key == "stageId") {
      stageId = readOptionalInt64(value);
    } else if (key == "stageAttemptId") {
      stageAttemptId = readInt32(value);
    }
  });
  core::Executor* executor = findExecutor(executorId);
  bool live = executor != nullptr && executor->removeTimeMs == 0;
  if (!forStage) {
    if (live) executor->excluded = true;
    return;
  }
  if (!stageId) return;
  auto stage = static_cast<int32_t>(*stageId);
  if (isRunningStageAttempt(stage, stageAttemptId)) stageExcludedExecutors[{stage, stageAttemptId}].push_back(executorId);
  if (live) addUnique(executor->excludedInStages, stage);
  excludeForStage(stage, stageAttemptId, executorId);
}

void EventLogParser::State::onNodeExcluded(JsonObject& event, bool forStage) {
  std::string host;
  std::optional<int64_t> stageId;
  int32_t stageAttemptId = 0;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "hostId") {
      host = readString(value);
    } else if (key == "stageId") {
      stageId = readOptionalInt64(value);
    } else if (key == "stageAttemptId") {
      stageAttemptId = readInt32(value);
    }
  });
  if (host.empty() || (forStage && !stageId)) return;
  auto stage = static_cast<int32_t>(stageId.value_or(0));
  bool stageRunning = forStage && isRunningStageAttempt(stage, stageAttemptId);
  for (core::Executor& executor : app.executors) {
    if (executor.host != host || executor.executorId == kDriverId || executor.removeTimeMs > 0) continue;
    if (!forStage) {
      executor.excluded = true;
    } else {
      addUnique(executor.excludedInStages, stage);
      if (stageRunning) stageExcludedExecutors[{stage, stageAttemptId}].push_back(executor.executorId);
      excludeForStage(stage, stageAttemptId, executor.executorId);
    }
  }
}

void EventLogParser::State::onExclusionLifted(JsonObject& event, bool forNode) {
  std::string id;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == (forNode ? "hostId" : "executorId")) id = readString(value);
  });
  for (core::Executor& executor : app.executors) {
    if (executor.removeTimeMs > 0) continue;
    bool named = forNode ? executor.host == id && executor.executorId != kDriverId : executor.executorId == id;
    if (named) executor.excluded = false;
  }
}

void EventLogParser::State::releaseStageExclusions(int32_t stageId, int32_t attemptId) {
  auto found = stageExcludedExecutors.find({stageId, attemptId});
  if (found == stageExcludedExecutors.end()) return;
  for (const std::string& executorId : found->second) {
    core::Executor* executor = findExecutor(executorId);
    if (executor == nullptr || executor->removeTimeMs > 0) continue;
    auto& stages = executor->excludedInStages;
    stages.erase(std::remove(stages.begin(), stages.end(), stageId), stages.end());
  }
  stageExcludedExecutors.erase(found);
}

bool EventLogParser::State::isRunningStageAttempt(int32_t stageId, int32_t attemptId) const {
  return liveStages.count({stageId, attemptId}) > 0;
}

void EventLogParser::State::onMiscellaneousProcessAdded(JsonObject& event) {
  // Jackson writes this event with the Scala field names.
  core::MiscellaneousProcess read;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "processId") {
      read.processId = readString(value);
    } else if (key == "time") {
      read.addTimeMs = readInt64(value);
    } else if (key == "info") {
      forEachField(value, [&](std::string_view infoKey, JsonValue info) {
        if (infoKey == "hostPort") {
          read.hostPort = readString(info);
        } else if (infoKey == "cores") {
          read.totalCores = readInt32(info);
        } else if (infoKey == "logUrlInfo") {
          read.logUrlsJson = readRawJson(info);
        }
      });
    }
  });
  if (read.processId.empty()) {
    skipEvent("SparkListenerMiscellaneousProcessAdded", "\"processId\"");
    return;
  }
  // A process added again keeps its first add time and takes the new details, as Spark's does.
  for (core::MiscellaneousProcess& known : app.miscellaneousProcesses) {
    if (known.processId == read.processId) {
      read.addTimeMs = known.addTimeMs;
      known = std::move(read);
      return;
    }
  }
  app.miscellaneousProcesses.push_back(std::move(read));
}

// ---- Executor metrics: peaks of memory and GC gauges ---------------------------------------

void EventLogParser::State::raiseExecutorPeaksForTask(const std::string& executorId,
                                                      const core::ExecutorMetrics& metrics) {
  core::Executor* executor = findExecutor(executorId);
  if (executor != nullptr && executor->removeTimeMs == 0) raisePeaks(*executor, metrics);
}

void EventLogParser::State::onStageExecutorMetrics(JsonObject& event) {
  std::optional<std::string> executorId;
  int32_t stageId = 0;
  int32_t stageAttemptId = 0;
  std::optional<core::ExecutorMetrics> metrics;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Executor ID") {
      executorId = readString(value);
    } else if (key == "Stage ID") {
      stageId = readInt32(value);
    } else if (key == "Stage Attempt ID") {
      stageAttemptId = readInt32(value);
    } else if (key == "Executor Metrics") {
      metrics = decodeExecutorMetrics(value);
    }
  });
  if (executorId) raiseStagePeaks(stageId, stageAttemptId, *executorId, metrics.value_or(core::ExecutorMetrics{}));
  core::Executor* executor = executorId ? findExecutor(*executorId) : nullptr;
  if (executor == nullptr) return;
  // Spark keeps a removed executor (and so raises its peaks) while a stage that was submitted
  // before the removal still runs; these events come when such a stage ends.
  bool accepts = executor->removeTimeMs == 0;
  if (!accepts && isRunningStageAttempt(stageId, stageAttemptId)) {
    const core::StageAttempt& stage = app.stages[stageIndex.at({stageId, stageAttemptId})];
    accepts = stage.submissionTimeMs < executor->removeTimeMs;
  }
  if (accepts) raisePeaks(*executor, metrics.value_or(core::ExecutorMetrics{}));
}

void EventLogParser::State::onExecutorMetricsUpdate(JsonObject& event) {
  std::optional<std::string> executorId;
  std::vector<core::ExecutorMetrics> updates;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Executor ID") {
      executorId = readString(value);
    } else if (key == "Executor Metrics Updated") {
      forEachElement(value, [&](JsonValue update) {
        forEachField(update, [&](std::string_view updateKey, JsonValue field) {
          if (updateKey == "Executor Metrics") updates.push_back(decodeExecutorMetrics(field));
        });
      });
    }
  });
  core::Executor* executor = executorId ? findExecutor(*executorId) : nullptr;
  if (executor == nullptr || executor->removeTimeMs > 0) return;
  for (const core::ExecutorMetrics& metrics : updates) raisePeaks(*executor, metrics);
}

}  // namespace jobtuner::collector
