#include "collector/hs_executors.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "collector/sqlite_statement.h"

namespace jobtuner::collector {

namespace {

constexpr const char* kDriverId = "driver";
// Spark's FALLBACK_BLOCK_MANAGER_ID (decommissioning's fallback storage) is never listed.
constexpr const char* kFallbackId = "fallback";
constexpr const char* kTaskCpusKey = "spark.task.cpus";
constexpr const char* kTotalGcTimeMetric = "TotalGCTime";

// What AppStatusListener adds up for one executor while it is registered.
struct ExecutorTotals {
  int64_t activeTasks = 0;
  int64_t failedTasks = 0;
  int64_t completedTasks = 0;
  int64_t totalTasks = 0;
  int64_t totalDurationMs = 0;
  int64_t totalGcTimeMs = 0;
  int64_t totalInputBytes = 0;
  int64_t totalShuffleRead = 0;
  int64_t totalShuffleWrite = 0;
};

// One pass over the app's tasks, numbers only. Spark counts a task on an executor only while the
// executor is registered: once removed, later task ends are not added. A task lost with its
// executor (ExecutorLostFailure) ends after the removal, so it stays active on the dead executor.
std::map<std::string, ExecutorTotals> totalsByExecutor(const Store& store, const AppAttemptRef& app,
                                                       const std::map<std::string, int64_t>& removeTimes) {
  SqliteStatement query(store.handle(),
                        "SELECT t.executor_id, t.status, t.end_reason, t.launch_time_ms, t.finish_time_ms, "
                        "t.jvm_gc_time_ms, t.input_bytes, t.shuffle_local_bytes_read + t.shuffle_remote_bytes_read, "
                        "t.shuffle_bytes_written FROM tasks t JOIN apps a ON a.app_pk = t.app_pk "
                        "WHERE a.app_id = ? AND a.attempt_id = ?");
  query.bind(1, app.appId).bind(2, app.attemptId);
  std::map<std::string, ExecutorTotals> totals;
  while (query.step()) {
    std::string executorId = query.textAt(0);
    auto removed = removeTimes.find(executorId);
    if (removed == removeTimes.end()) continue;  // not a known executor: Spark drops the counts
    int64_t removeTimeMs = removed->second;
    std::string status = query.textAt(1);
    int64_t launchTimeMs = query.int64At(3);
    int64_t finishTimeMs = query.int64At(4);
    if (removeTimeMs > 0 && launchTimeMs > removeTimeMs) continue;
    ExecutorTotals& total = totals[executorId];
    ++total.totalTasks;
    bool ended = status != core::toString(core::TaskStatus::Running);
    if (ended && removeTimeMs > 0 && (finishTimeMs > removeTimeMs || query.textAt(2) == "ExecutorLostFailure")) {
      ended = false;  // ended after the executor was gone
    }
    if (!ended) {
      ++total.activeTasks;
      continue;
    }
    if (status == core::toString(core::TaskStatus::Success)) ++total.completedTasks;
    if (status == core::toString(core::TaskStatus::Failed)) ++total.failedTasks;
    total.totalDurationMs =
        core::wrappingAdd(total.totalDurationMs, finishTimeMs > 0 ? core::wrappingSubtract(finishTimeMs, launchTimeMs) : 0);
    total.totalGcTimeMs += query.int64At(5);
    total.totalInputBytes += query.int64At(6);
    total.totalShuffleRead += query.int64At(7);
    total.totalShuffleWrite += query.int64At(8);
  }
  return totals;
}

nlohmann::ordered_json parseObject(const std::string& text) {
  if (text.empty()) return nlohmann::ordered_json::object();
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text, nullptr, false);
  return parsed.is_object() ? parsed : nlohmann::ordered_json::object();
}

// AppStatusListener.onExecutorAdded: cores / the cpus a task of the executor's resource profile
// asks for (spark.task.cpus when the profile is unknown).
int64_t maxTasksOf(const core::Executor& executor, const core::AppAttempt& app) {
  int64_t cpusPerTask = 1;
  for (const auto& [key, value] : app.environment.sparkProperties) {
    if (key == kTaskCpusKey) cpusPerTask = std::atoll(value.c_str());
  }
  for (const core::ResourceProfile& profile : app.resourceProfiles) {
    if (profile.id != executor.resourceProfileId) continue;
    for (const core::TaskResourceRequest& request : profile.taskResources) {
      if (request.resourceName == "cpus") cpusPerTask = static_cast<int64_t>(request.amount);
    }
  }
  return cpusPerTask > 0 ? executor.totalCores / cpusPerTask : 0;
}

std::vector<int32_t> sortedIds(std::vector<int32_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

nlohmann::ordered_json executorJson(const core::Executor& executor, const ExecutorTotals& totals,
                                    const core::AppAttempt& app, int64_t nowMs) {
  bool isActive = executor.removeTimeMs == 0;
  int64_t totalDurationMs = totals.totalDurationMs;
  int64_t totalGcTimeMs = totals.totalGcTimeMs;
  if (executor.executorId == kDriverId) {
    // AppStatusStore.replaceExec: the driver shows the app's run time and the JVM's own GC time.
    totalDurationMs = app.endTimeMs > 0 ? app.endTimeMs - app.startTimeMs : nowMs - app.startTimeMs;
    if (executor.peakMetrics) {
      const auto& names = core::executorMetricNames();
      auto gc = std::find_if(names.begin(), names.end(), [](const char* name) { return std::string(name) == kTotalGcTimeMetric; });
      totalGcTimeMs = executor.peakMetrics->values[gc - names.begin()];
    }
  }
  std::vector<int32_t> excludedInStages = sortedIds(executor.excludedInStages);

  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["id"] = executor.executorId;
  if (!executor.hostPort.empty() || !executor.host.empty()) {
    json["hostPort"] = executor.hostPort.empty() ? executor.host : executor.hostPort;
  }
  json["isActive"] = isActive;
  // Storage (cached blocks) comes from block updates, which event logs carry only when
  // spark.eventLog.logBlockUpdates.enabled is set; none are read, so none are used.
  json["rddBlocks"] = 0;
  json["memoryUsed"] = 0;
  json["diskUsed"] = 0;
  json["totalCores"] = executor.totalCores;
  json["maxTasks"] = maxTasksOf(executor, app);
  json["activeTasks"] = totals.activeTasks;
  json["failedTasks"] = totals.failedTasks;
  json["completedTasks"] = totals.completedTasks;
  json["totalTasks"] = totals.totalTasks;
  json["totalDuration"] = totalDurationMs;
  json["totalGCTime"] = totalGcTimeMs;
  json["totalInputBytes"] = totals.totalInputBytes;
  json["totalShuffleRead"] = totals.totalShuffleRead;
  json["totalShuffleWrite"] = totals.totalShuffleWrite;
  json["isBlacklisted"] = executor.excluded;
  json["maxMemory"] = executor.maxMemoryBytes;
  json["addTime"] = formatSparkDate(executor.addTimeMs);
  if (!isActive) {
    json["removeTime"] = formatSparkDate(executor.removeTimeMs);
    json["removeReason"] = executor.removeReason;
  }
  json["executorLogs"] = parseObject(executor.logUrlsJson);
  if (executor.maxOnHeapMemoryBytes) {
    json["memoryMetrics"] = {{"usedOnHeapStorageMemory", 0},
                             {"usedOffHeapStorageMemory", 0},
                             {"totalOnHeapStorageMemory", *executor.maxOnHeapMemoryBytes},
                             {"totalOffHeapStorageMemory", executor.maxOffHeapMemoryBytes.value_or(0)}};
  }
  json["blacklistedInStages"] = excludedInStages;
  // Spark's peaks are set once any value is (its first starts at -1).
  if (executor.peakMetrics && executor.peakMetrics->values[0] > -1) {
    nlohmann::ordered_json peaks = nlohmann::ordered_json::object();
    for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) {
      peaks[core::executorMetricNames()[i]] = executor.peakMetrics->values[i];
    }
    json["peakMemoryMetrics"] = std::move(peaks);
  }
  json["attributes"] = parseObject(executor.attributesJson);
  json["resources"] = parseObject(executor.resourcesJson);
  json["resourceProfileId"] = executor.resourceProfileId;
  json["isExcluded"] = executor.excluded;
  json["excludedInStages"] = excludedInStages;
  return json;
}

}  // namespace

ApiResponse answerMiscellaneousProcesses(const Store& store, const AppAttemptRef& app) {
  std::optional<core::AppAttempt> loaded = store.loadApp(app.appId, app.attemptId);
  if (!loaded) return apiError(404, "no such app: " + app.appId);
  std::vector<core::MiscellaneousProcess> processes = loaded->miscellaneousProcesses;
  std::sort(processes.begin(), processes.end(), [](const auto& a, const auto& b) { return a.processId < b.processId; });
  ApiResponse response;
  response.body = nlohmann::ordered_json::array();
  for (const core::MiscellaneousProcess& process : processes) {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    json["id"] = process.processId;
    if (!process.hostPort.empty()) json["hostPort"] = process.hostPort;
    json["isActive"] = true;  // Spark has no event that removes one
    json["totalCores"] = process.totalCores;
    json["addTime"] = formatSparkDate(process.addTimeMs);
    json["processLogs"] = parseObject(process.logUrlsJson);
    response.body.push_back(std::move(json));
  }
  return response;
}

ApiResponse answerExecutors(const Store& store, const AppAttemptRef& app, bool activeOnly) {
  std::optional<core::AppAttempt> loaded = store.loadApp(app.appId, app.attemptId);
  if (!loaded) return apiError(404, "no such app: " + app.appId);
  std::map<std::string, int64_t> removeTimes;
  for (const core::Executor& executor : loaded->executors) removeTimes[executor.executorId] = executor.removeTimeMs;
  std::map<std::string, ExecutorTotals> totals = totalsByExecutor(store, app, removeTimes);
  int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();

  std::vector<const core::Executor*> executors;
  for (const core::Executor& executor : loaded->executors) {
    if (executor.executorId == kFallbackId) continue;
    if (activeOnly && executor.removeTimeMs > 0) continue;
    executors.push_back(&executor);
  }
  // The store's order: by id as text; the active ones come from the reversed "active" index.
  std::sort(executors.begin(), executors.end(), [activeOnly](const core::Executor* a, const core::Executor* b) {
    return activeOnly ? a->executorId > b->executorId : a->executorId < b->executorId;
  });
  ApiResponse response;
  response.body = nlohmann::ordered_json::array();
  for (const core::Executor* executor : executors) {
    response.body.push_back(executorJson(*executor, totals[executor->executorId], *loaded, nowMs));
  }
  return response;
}

}  // namespace jobtuner::collector
