#include "collector/hs_tasks.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "collector/hs_accumulables.h"
#include "core/errors.h"
#include "core/task_summary.h"

namespace jobtuner::collector {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr std::array<std::string_view, 5> kTaskStatuses = {"RUNNING", "KILLED", "FAILED", "SUCCESS", "UNKNOWN"};

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

// TaskInfo.duration for finished tasks, timeRunning(lastUpdateTime) for running ones (the
// History Server replays with the log's modification time as the last update).
std::optional<int64_t> storedDuration(const core::TaskAttempt& task, int64_t lastUpdateTimeMs) {
  if (task.status != core::TaskStatus::Running) return core::wrappingSubtract(task.finishTimeMs, task.launchTimeMs);
  if (lastUpdateTimeMs > 0) return core::wrappingSubtract(lastUpdateTimeMs, task.launchTimeMs);
  return std::nullopt;
}

// ---- Error messages: what AppStatusListener.onTaskEnd keeps of the end reason --------------

std::string textField(const Json& object, const char* key, const std::string& fallback = {}) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return fallback;
  if (found->is_string()) return found->get<std::string>();
  return found->dump();
}

std::string integerField(const Json& object, const char* key, int64_t fallback) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_number()) return std::to_string(fallback);
  return std::to_string(found->is_number_float() ? static_cast<int64_t>(found->get<double>()) : found->get<int64_t>());
}

// java.lang.StackTraceElement.toString for the elements JsonProtocol rebuilds.
std::string stackTraceElementText(const Json& element) {
  std::string text = textField(element, "Declaring Class") + "." + textField(element, "Method Name") + "(";
  auto file = element.find("File Name");
  bool hasFile = file != element.end() && file->is_string();
  auto line = element.find("Line Number");
  int64_t lineNumber = line != element.end() && line->is_number_integer() ? line->get<int64_t>() : -1;
  if (lineNumber == -2) {
    text += "Native Method";
  } else if (hasFile && lineNumber >= 0) {
    text += file->get<std::string>() + ":" + std::to_string(lineNumber);
  } else {
    text += hasFile ? file->get<std::string>() : "Unknown Source";
  }
  return text + ")";
}

std::optional<std::string> errorMessage(const core::TaskAttempt& task) {
  if (task.status == core::TaskStatus::Success || task.status == core::TaskStatus::Running) return std::nullopt;
  Json reason = Json::parse(task.endReasonJson, nullptr, false);
  if (reason.is_discarded() || !reason.is_object()) {
    return task.failureMessage.empty() ? std::nullopt : std::optional<std::string>(task.failureMessage);
  }
  const std::string kind = textField(reason, "Reason");
  if (kind == "TaskKilled") return textField(reason, "Kill Reason", "unknown reason");
  if (kind == "ExceptionFailure") {
    auto full = reason.find("Full Stack Trace");
    if (full != reason.end() && full->is_string()) return full->get<std::string>();
    std::string text = textField(reason, "Class Name") + ": " + textField(reason, "Description") + "\n";
    auto trace = reason.find("Stack Trace");
    if (trace != reason.end() && trace->is_array()) {
      bool first = true;
      for (const Json& element : *trace) {
        if (!first) text += "\n";
        first = false;
        text += "        " + stackTraceElementText(element);
      }
    }
    return text;
  }
  if (kind == "FetchFailed") {
    std::string address = "null";
    auto manager = reason.find("Block Manager Address");
    if (manager != reason.end() && manager->is_object()) {
      address = "BlockManagerId(" + textField(*manager, "Executor ID") + ", " + textField(*manager, "Host") + ", " +
                integerField(*manager, "Port", 0) + ", None)";
    }
    auto mapIndex = reason.find("Map Index");
    std::string mapIndexText = mapIndex != reason.end() && mapIndex->is_number() ? integerField(reason, "Map Index", 0)
                                                                                  : std::string("Unknown");
    return "FetchFailed(" + address + ", shuffleId=" + integerField(reason, "Shuffle ID", 0) +
           ", mapIndex=" + mapIndexText + ", mapId=" + integerField(reason, "Map ID", 0) +
           ", reduceId=" + integerField(reason, "Reduce ID", 0) + ", message=\n" +
           textField(reason, "Message", "Unknown reason") + "\n)";
  }
  if (kind == "ExecutorLostFailure") {
    auto caused = reason.find("Exit Caused By App");
    bool byApp = caused == reason.end() || !caused->is_boolean() || caused->get<bool>();
    std::string text = "ExecutorLostFailure (executor " + textField(reason, "Executor ID", "Unknown") + " exited " +
                       (byApp ? "caused by one of the running tasks" : "unrelated to the running tasks") + ")";
    auto loss = reason.find("Loss Reason");
    if (loss != reason.end() && !loss->is_null()) text += " Reason: " + textField(reason, "Loss Reason");
    return text;
  }
  if (kind == "TaskCommitDenied") {
    return "TaskCommitDenied (Driver denied task commit) for job: " + integerField(reason, "Job ID", -1) +
           ", partition: " + integerField(reason, "Partition ID", -1) +
           ", attemptNumber: " + integerField(reason, "Attempt Number", -1);
  }
  if (kind == "Resubmitted") return "Resubmitted (resubmitted due to lost executor)";
  if (kind == "TaskResultLost") return "TaskResultLost (result lost from block manager)";
  if (kind == "UnknownReason") return "UnknownReason";
  return task.failureMessage.empty() ? std::nullopt : std::optional<std::string>(task.failureMessage);
}

// ---- Task metrics --------------------------------------------------------------------------

// The 34 values in the order of LiveEntityHelpers.createMetrics.
std::array<int64_t, 34> metricValues(const core::TaskMetrics& m) {
  return {m.executorDeserializeTimeMs,
          m.executorDeserializeCpuTimeNs,
          m.executorRunTimeMs,
          m.executorCpuTimeNs,
          m.resultSizeBytes,
          m.jvmGcTimeMs,
          m.resultSerializationTimeMs,
          m.memoryBytesSpilled,
          m.diskBytesSpilled,
          m.peakExecutionMemoryBytes,
          m.inputBytes,
          m.inputRecords,
          m.outputBytes,
          m.outputRecords,
          m.shuffleRemoteBlocksFetched,
          m.shuffleLocalBlocksFetched,
          m.shuffleFetchWaitTimeMs,
          m.shuffleRemoteBytesRead,
          m.shuffleRemoteBytesReadToDisk,
          m.shuffleLocalBytesRead,
          m.shuffleRecordsRead,
          m.shuffleCorruptMergedBlockChunks,
          m.shuffleMergedFetchFallbackCount,
          m.shuffleRemoteMergedBlocksFetched,
          m.shuffleLocalMergedBlocksFetched,
          m.shuffleRemoteMergedChunksFetched,
          m.shuffleLocalMergedChunksFetched,
          m.shuffleRemoteMergedBytesRead,
          m.shuffleLocalMergedBytesRead,
          m.shuffleRemoteReqsDurationMs,
          m.shuffleRemoteMergedReqsDurationMs,
          m.shuffleBytesWritten,
          m.shuffleWriteTimeNs,
          m.shuffleRecordsWritten};
}

// Spark 3.2 to 4.0 store the metrics of a task that did not succeed negated, through
// LiveEntityHelpers.makeNegative, which passes the output, shuffle-read and push-read values to
// createMetrics in a shifted order; TaskDataWrapper.toApi reads them back by field. So such a
// task's TaskData shows, in each of these fields, the value of another: kShownFrom[i] is the
// metric whose value field i shows.
constexpr std::array<size_t, 34> kShownFrom = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 21, 22, 23, 24, 25,
                                               26, 27, 28, 29, 30, 12, 13, 14, 15, 16, 17, 18, 19, 20, 31, 32, 33};

OrderedJson taskMetricsJson(const core::TaskMetrics& metrics, bool successful) {
  std::array<int64_t, 34> values = metricValues(metrics);
  auto v = [&](size_t i) { return successful ? values[i] : values[kShownFrom[i]]; };
  OrderedJson json = OrderedJson::object();
  json["executorDeserializeTime"] = v(0);
  json["executorDeserializeCpuTime"] = v(1);
  json["executorRunTime"] = v(2);
  json["executorCpuTime"] = v(3);
  json["resultSize"] = v(4);
  json["jvmGcTime"] = v(5);
  json["resultSerializationTime"] = v(6);
  json["memoryBytesSpilled"] = v(7);
  json["diskBytesSpilled"] = v(8);
  json["peakExecutionMemory"] = v(9);
  json["inputMetrics"] = {{"bytesRead", v(10)}, {"recordsRead", v(11)}};
  json["outputMetrics"] = {{"bytesWritten", v(12)}, {"recordsWritten", v(13)}};
  OrderedJson read = OrderedJson::object();
  read["remoteBlocksFetched"] = v(14);
  read["localBlocksFetched"] = v(15);
  read["fetchWaitTime"] = v(16);
  read["remoteBytesRead"] = v(17);
  read["remoteBytesReadToDisk"] = v(18);
  read["localBytesRead"] = v(19);
  read["recordsRead"] = v(20);
  read["remoteReqsDuration"] = v(29);
  OrderedJson push = OrderedJson::object();
  push["corruptMergedBlockChunks"] = v(21);
  push["mergedFetchFallbackCount"] = v(22);
  push["remoteMergedBlocksFetched"] = v(23);
  push["localMergedBlocksFetched"] = v(24);
  push["remoteMergedChunksFetched"] = v(25);
  push["localMergedChunksFetched"] = v(26);
  push["remoteMergedBytesRead"] = v(27);
  push["localMergedBytesRead"] = v(28);
  push["remoteMergedReqsDuration"] = v(30);
  read["shufflePushReadMetrics"] = std::move(push);
  json["shuffleReadMetrics"] = std::move(read);
  json["shuffleWriteMetrics"] = {{"bytesWritten", v(31)}, {"writeTime", v(32)}, {"recordsWritten", v(33)}};
  return json;
}

std::optional<int64_t> parseInt32(std::string_view text) {
  int32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string shown(std::string_view text) {
  constexpr size_t kMaxShown = 60;
  std::string result(text.substr(0, kMaxShown));
  for (char& c : result) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return text.size() > kMaxShown ? result + "..." : result;
}

// The value taskList sorts on for runtime orders: the executor run time as Spark's store holds it
// (negated for attempts that did not succeed, -1 without metrics).
int64_t storedRunTime(const core::TaskAttempt& task) {
  if (!task.metrics.hasMetrics) return -1;
  bool successful = task.status == core::TaskStatus::Success;
  return successful ? task.metrics.executorRunTimeMs : -task.metrics.executorRunTimeMs - 1;
}

}  // namespace

TaskRenderContext taskRenderContext(const core::AppAttempt& app, int64_t lastUpdateTimeMs) {
  TaskRenderContext context;
  context.lastUpdateTimeMs = lastUpdateTimeMs;
  for (const core::Executor& executor : app.executors) {
    OrderedJson logs = OrderedJson::parse(executor.logUrlsJson.empty() ? "{}" : executor.logUrlsJson, nullptr, false);
    OrderedJson links = OrderedJson::object();
    if (!logs.is_discarded() && logs.is_object()) {
      for (const auto& [name, url] : logs.items()) {
        if (url.is_string()) links[name] = url;
      }
    }
    context.executorLogs[executor.executorId] = std::move(links);
  }
  return context;
}

std::string sparkTaskStatus(const core::TaskAttempt& task) {
  switch (task.status) {
    case core::TaskStatus::Running: return task.gettingResultTimeMs != 0 ? "GET RESULT" : "RUNNING";
    case core::TaskStatus::Success: return "SUCCESS";
    case core::TaskStatus::Failed: return "FAILED";
    case core::TaskStatus::Killed: return "KILLED";
  }
  return "UNKNOWN";
}

OrderedJson taskDataJson(const core::TaskAttempt& task, const TaskRenderContext& context) {
  const std::string status = sparkTaskStatus(task);
  std::optional<int64_t> duration = storedDuration(task, context.lastUpdateTimeMs);
  OrderedJson json = OrderedJson::object();
  json["taskId"] = task.taskId;
  json["index"] = task.index;
  json["attempt"] = task.attempt;
  json["partitionId"] = task.partitionId;
  json["launchTime"] = formatSparkDate(task.launchTimeMs);
  if (task.gettingResultTimeMs > 0) json["resultFetchStart"] = formatSparkDate(task.gettingResultTimeMs);
  if (duration && *duration > 0) json["duration"] = *duration;
  json["executorId"] = task.executorId;
  json["host"] = task.host;
  json["status"] = status;
  json["taskLocality"] = task.locality;
  json["speculative"] = task.speculative;
  json["accumulatorUpdates"] = taskAccumulatorUpdatesJson(task.accumulablesJson);
  if (std::optional<std::string> message = errorMessage(task)) json["errorMessage"] = *message;
  if (task.metrics.hasMetrics) json["taskMetrics"] = taskMetricsJson(task.metrics, status == "SUCCESS");
  auto logs = context.executorLogs.find(task.executorId);
  json["executorLogs"] = logs == context.executorLogs.end() ? OrderedJson::object() : logs->second;

  // AppStatusUtils, from the TaskData as shown (metrics un-negated; the fields it reads are not
  // among the shifted ones).
  int64_t shownDuration = duration && *duration > 0 ? *duration : -1;
  int64_t gettingResultTime = 0;
  if (task.gettingResultTimeMs > 0) {
    // For a task without a duration Spark uses the wall clock of the request; no replay can.
    gettingResultTime = shownDuration > 0 ? task.launchTimeMs + shownDuration - task.gettingResultTimeMs : 0;
  }
  int64_t schedulerDelay = 0;
  bool finished = status == "SUCCESS" || status == "FAILED" || status == "KILLED";
  if (finished && task.metrics.hasMetrics && shownDuration > 0) {
    const core::TaskMetrics& m = task.metrics;
    schedulerDelay = std::max<int64_t>(0, shownDuration - m.executorRunTimeMs - m.executorDeserializeTimeMs -
                                              m.resultSerializationTimeMs - gettingResultTime);
  }
  json["schedulerDelay"] = schedulerDelay;
  json["gettingResultTime"] = gettingResultTime;
  return json;
}

std::optional<std::vector<std::string>> parseTaskStatuses(const std::vector<std::string>& values,
                                                          const char* parameter, ApiResponse& error) {
  std::vector<std::string> statuses;
  for (const std::string& value : values) {
    std::string name = upper(value);
    if (std::find(kTaskStatuses.begin(), kTaskStatuses.end(), name) == kTaskStatuses.end()) {
      error = apiError(400, std::string("Bad value for parameter \"") + parameter + "\".  Expected a TaskStatus (" +
                                "RUNNING, KILLED, FAILED, SUCCESS or UNKNOWN), got \"" + shown(value) + "\"");
      return std::nullopt;
    }
    statuses.push_back(std::move(name));
  }
  return statuses;
}

bool taskStatusMatches(const core::TaskAttempt& task, const std::vector<std::string>& statuses) {
  if (statuses.empty()) return true;
  return std::find(statuses.begin(), statuses.end(), sparkTaskStatus(task)) != statuses.end();
}

std::vector<core::TaskAttempt> loadStageTasks(const Store& store, const AppAttemptRef& app, int32_t stageId,
                                              int32_t stageAttemptId) {
  std::vector<core::TaskAttempt> tasks;
  store.forEachTask(app.appId, app.attemptId, stageId, stageAttemptId,
                    [&](const core::TaskAttempt& task) { tasks.push_back(task); });
  return tasks;
}

ApiResponse answerTaskList(const Store& store, const AppAttemptRef& app, int32_t stageId, int32_t stageAttemptId,
                           const ApiRequest& request, const TaskRenderContext& context) {
  ApiResponse error;
  std::optional<int64_t> offset = parseInt32(request.value("offset", "0"));
  if (!offset) return apiError(400, "Bad value for parameter \"offset\": \"" + shown(request.value("offset")) +
                                        "\" is not an integer");
  std::optional<int64_t> length = parseInt32(request.value("length", "20"));
  if (!length) return apiError(400, "Bad value for parameter \"length\": \"" + shown(request.value("length")) +
                                        "\" is not an integer");
  // TaskSorting.fromString: the short names in lower case, else the enum names in any case.
  std::string sortBy = request.value("sortBy", "ID");
  std::string sortName = lower(sortBy) == "runtime"    ? "INCREASING_RUNTIME"
                         : lower(sortBy) == "-runtime" ? "DECREASING_RUNTIME"
                                                       : upper(sortBy);
  if (sortName != "ID" && sortName != "INCREASING_RUNTIME" && sortName != "DECREASING_RUNTIME") {
    return apiError(400, "Bad value for parameter \"sortBy\": \"" + shown(sortBy) +
                             "\"; use ID, INCREASING_RUNTIME (runtime) or DECREASING_RUNTIME (-runtime)");
  }
  std::optional<std::vector<std::string>> statuses = parseTaskStatuses(request.values("status"), "status", error);
  if (!statuses) return error;

  std::vector<core::TaskAttempt> tasks = loadStageTasks(store, app, stageId, stageAttemptId);
  if (sortName != "ID") {
    // Spark's runtime index orders by the stored value, then by task id; descending reverses both.
    std::stable_sort(tasks.begin(), tasks.end(), [](const core::TaskAttempt& left, const core::TaskAttempt& right) {
      int64_t leftKey = storedRunTime(left);
      int64_t rightKey = storedRunTime(right);
      return leftKey != rightKey ? leftKey < rightKey : left.taskId < right.taskId;
    });
    if (sortName == "DECREASING_RUNTIME") std::reverse(tasks.begin(), tasks.end());
  }
  OrderedJson list = OrderedJson::array();
  int64_t matched = 0;
  int64_t first = std::max<int64_t>(*offset, 0);
  for (const core::TaskAttempt& task : tasks) {
    if (!taskStatusMatches(task, *statuses)) continue;
    if (matched++ < first) continue;
    if (static_cast<int64_t>(list.size()) >= *length) break;
    list.push_back(taskDataJson(task, context));
  }
  ApiResponse response;
  response.body = std::move(list);
  return response;
}

std::optional<std::vector<double>> quantilesParameter(const ApiRequest& request, const std::string& fallback,
                                                      ApiResponse& error) {
  std::string text = request.value("quantiles", fallback);
  try {
    return core::parseQuantiles(text);
  } catch (const core::UserError&) {
    error = apiError(400, "Bad value for parameter \"quantiles\".  Expected comma-separated numbers between 0 and 1, "
                          "got \"" + shown(text) + "\"");
    return std::nullopt;
  }
}

ApiResponse answerTaskSummary(const Store& store, const AppAttemptRef& app, int32_t stageId, int32_t stageAttemptId,
                              const ApiRequest& request, int64_t lastUpdateTimeMs) {
  ApiResponse error;
  std::optional<std::vector<double>> quantiles = quantilesParameter(request, "0.05,0.25,0.5,0.75,0.95", error);
  if (!quantiles) return error;
  core::TaskSummaryBuilder builder;
  if (lastUpdateTimeMs > 0) builder.setLastUpdateTimeMs(lastUpdateTimeMs);
  store.forEachTask(app.appId, app.attemptId, stageId, stageAttemptId,
                    [&](const core::TaskAttempt& task) { builder.add(task); });
  std::optional<OrderedJson> summary = builder.toOrderedHistoryServerJson(*quantiles);
  if (!summary) {
    return apiError(404, "No tasks reported metrics for " + std::to_string(stageId) + " / " +
                             std::to_string(stageAttemptId) + " yet.");
  }
  ApiResponse response;
  response.body = std::move(*summary);
  return response;
}

}  // namespace jobtuner::collector
