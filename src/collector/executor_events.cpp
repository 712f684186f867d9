// Executors: SparkListenerExecutorAdded/Removed, BlockManagerAdded (the only trace of the
// driver, and of every executor in logs before Spark 1.4), and exclusion (blacklisting) events.

#include <algorithm>

#include <fmt/format.h>

#include "collector/event_log_state.h"

namespace jobtuner::collector {

namespace {

void addUnique(std::vector<int32_t>& ids, int32_t id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
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

void EventLogParser::State::onExecutorExcluded(JsonObject& event, bool forStage) {
  // Jackson writes these events with the Scala field names.
  std::string executorId;
  std::optional<int64_t> stageId;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "executorId") {
      executorId = readString(value);
    } else if (key == "stageId") {
      stageId = readOptionalInt64(value);
    }
  });
  core::Executor* executor = findExecutor(executorId);
  if (executor == nullptr) return;
  if (!forStage) {
    executor->excluded = true;
  } else if (stageId) {
    addUnique(executor->excludedInStages, static_cast<int32_t>(*stageId));
  }
}

void EventLogParser::State::onNodeExcluded(JsonObject& event, bool forStage) {
  std::string host;
  std::optional<int64_t> stageId;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "hostId") {
      host = readString(value);
    } else if (key == "stageId") {
      stageId = readOptionalInt64(value);
    }
  });
  if (host.empty()) return;
  // Excluding a node excludes every executor on it. Like AppStatusListener, only executors whose
  // host ExecutorAdded gave count: a driver known only by its block manager has no host there.
  for (core::Executor& executor : app.executors) {
    if (executor.host != host || executorsWithInfo.count(executor.executorId) == 0) continue;
    if (!forStage) {
      executor.excluded = true;
    } else if (stageId) {
      addUnique(executor.excludedInStages, static_cast<int32_t>(*stageId));
    }
  }
}

}  // namespace jobtuner::collector
