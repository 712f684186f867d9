#include "collector/hs_stage_data.h"

#include <algorithm>

#include "collector/hs_accumulables.h"
#include "collector/sqlite_statement.h"
#include "core/task_summary.h"

namespace jobtuner::collector {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// The tasks columns of MetricTotals, in its order.
constexpr const char* kMetricColumns[] = {
    "executor_deserialize_time_ms",
    "executor_deserialize_cpu_time_ns",
    "executor_run_time_ms",
    "executor_cpu_time_ns",
    "result_size_bytes",
    "jvm_gc_time_ms",
    "result_serialization_time_ms",
    "memory_bytes_spilled",
    "disk_bytes_spilled",
    "peak_execution_memory_bytes",
    "input_bytes",
    "input_records",
    "output_bytes",
    "output_records",
    "shuffle_remote_blocks_fetched",
    "shuffle_local_blocks_fetched",
    "shuffle_fetch_wait_time_ms",
    "shuffle_remote_bytes_read",
    "shuffle_remote_bytes_read_to_disk",
    "shuffle_local_bytes_read",
    "shuffle_records_read",
    "shuffle_corrupt_merged_block_chunks",
    "shuffle_merged_fetch_fallback_count",
    "shuffle_remote_merged_blocks_fetched",
    "shuffle_local_merged_blocks_fetched",
    "shuffle_remote_merged_chunks_fetched",
    "shuffle_local_merged_chunks_fetched",
    "shuffle_remote_merged_bytes_read",
    "shuffle_local_merged_bytes_read",
    "shuffle_remote_reqs_duration_ms",
    "shuffle_remote_merged_reqs_duration_ms",
    "shuffle_bytes_written",
    "shuffle_write_time_ns",
    "shuffle_records_written",
};
static_assert(std::size(kMetricColumns) == std::tuple_size_v<MetricTotals>);

enum Total : size_t {
  kDeserializeTime, kDeserializeCpuTime, kRunTime, kCpuTime, kResultSize, kGcTime, kSerializationTime,
  kMemorySpilled, kDiskSpilled, kPeakMemory, kInputBytes, kInputRecords, kOutputBytes, kOutputRecords,
  kRemoteBlocks, kLocalBlocks, kFetchWait, kRemoteBytes, kRemoteBytesToDisk, kLocalBytes, kReadRecords,
  kCorruptMergedChunks, kMergedFallbacks, kRemoteMergedBlocks, kLocalMergedBlocks, kRemoteMergedChunks,
  kLocalMergedChunks, kRemoteMergedBytes, kLocalMergedBytes, kRemoteReqsDuration, kRemoteMergedReqsDuration,
  kWriteBytes, kWriteTime, kWriteRecords,
};

MetricTotals sumOf(const std::map<std::string, MetricTotals>& byExecutor) {
  MetricTotals sum{};
  for (const auto& [executor, totals] : byExecutor) {
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += totals[i];
  }
  return sum;
}

std::optional<std::string> property(const core::StageAttempt& stage, const char* key) {
  auto found = stage.properties.find(key);
  if (found == stage.properties.end()) return std::nullopt;
  return found->second;
}

OrderedJson rddIdsJson(const std::string& rddInfoJson) {
  OrderedJson ids = OrderedJson::array();
  Json infos = Json::parse(rddInfoJson.empty() ? "[]" : rddInfoJson, nullptr, false);
  if (infos.is_discarded() || !infos.is_array()) return ids;
  for (const Json& info : infos) {
    if (!info.is_object()) continue;
    auto id = info.find("RDD ID");
    if (id != info.end() && id->is_number_integer()) ids.push_back(id->get<int64_t>());
  }
  return ids;
}

bool peaksSet(const std::optional<core::ExecutorMetrics>& peaks) { return peaks && peaks->values[0] > -1; }

OrderedJson peaksJson(const core::ExecutorMetrics& peaks) {
  OrderedJson json = OrderedJson::object();
  for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) json[core::executorMetricNames()[i]] = peaks.values[i];
  return json;
}

OrderedJson executorSummaryJson(const core::StageExecutorSummary& summary, const MetricTotals& t) {
  OrderedJson json = OrderedJson::object();
  json["taskTime"] = summary.taskTimeMs;
  json["failedTasks"] = summary.failedTasks;
  json["succeededTasks"] = summary.succeededTasks;
  json["killedTasks"] = summary.killedTasks;
  json["inputBytes"] = t[kInputBytes];
  json["inputRecords"] = t[kInputRecords];
  json["outputBytes"] = t[kOutputBytes];
  json["outputRecords"] = t[kOutputRecords];
  json["shuffleRead"] = t[kRemoteBytes] + t[kLocalBytes];
  json["shuffleReadRecords"] = t[kReadRecords];
  json["shuffleWrite"] = t[kWriteBytes];
  json["shuffleWriteRecords"] = t[kWriteRecords];
  json["memoryBytesSpilled"] = t[kMemorySpilled];
  json["diskBytesSpilled"] = t[kDiskSpilled];
  json["isBlacklistedForStage"] = summary.excluded;
  if (peaksSet(summary.peakMemoryMetrics)) json["peakMemoryMetrics"] = peaksJson(*summary.peakMemoryMetrics);
  json["isExcludedForStage"] = summary.excluded;
  return json;
}

// AppStatusStore.stageExecutorSummary: each field's values over the stage's executors, sorted,
// read at Spark's quantile indices.
OrderedJson executorMetricsDistributionsJson(const core::StageAttempt& stage,
                                             const std::map<std::string, MetricTotals>& totals,
                                             const std::vector<double>& quantiles) {
  static const MetricTotals kNone{};
  auto totalsOf = [&](const std::string& executorId) -> const MetricTotals& {
    auto found = totals.find(executorId);
    return found == totals.end() ? kNone : found->second;
  };
  auto distribution = [&](auto value) {
    std::vector<double> values;
    for (const core::StageExecutorSummary& summary : stage.executorSummaries) {
      values.push_back(static_cast<double>(value(summary, totalsOf(summary.executorId))));
    }
    return core::historyServerQuantiles(values, quantiles);
  };
  using S = core::StageExecutorSummary;
  using T = MetricTotals;
  OrderedJson json = OrderedJson::object();
  json["quantiles"] = quantiles;
  json["taskTime"] = distribution([](const S& s, const T&) { return s.taskTimeMs; });
  json["failedTasks"] = distribution([](const S& s, const T&) { return s.failedTasks; });
  json["succeededTasks"] = distribution([](const S& s, const T&) { return s.succeededTasks; });
  json["killedTasks"] = distribution([](const S& s, const T&) { return s.killedTasks; });
  json["inputBytes"] = distribution([](const S&, const T& t) { return t[kInputBytes]; });
  json["inputRecords"] = distribution([](const S&, const T& t) { return t[kInputRecords]; });
  json["outputBytes"] = distribution([](const S&, const T& t) { return t[kOutputBytes]; });
  json["outputRecords"] = distribution([](const S&, const T& t) { return t[kOutputRecords]; });
  json["shuffleRead"] = distribution([](const S&, const T& t) { return t[kRemoteBytes] + t[kLocalBytes]; });
  json["shuffleReadRecords"] = distribution([](const S&, const T& t) { return t[kReadRecords]; });
  json["shuffleWrite"] = distribution([](const S&, const T& t) { return t[kWriteBytes]; });
  json["shuffleWriteRecords"] = distribution([](const S&, const T& t) { return t[kWriteRecords]; });
  json["memoryBytesSpilled"] = distribution([](const S&, const T& t) { return t[kMemorySpilled]; });
  json["diskBytesSpilled"] = distribution([](const S&, const T& t) { return t[kDiskSpilled]; });
  // Only executors whose peaks were set take part (ExecutorPeakMetricsDistributions).
  OrderedJson peaks = OrderedJson::object();
  for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) {
    std::vector<double> values;
    for (const core::StageExecutorSummary& summary : stage.executorSummaries) {
      if (peaksSet(summary.peakMemoryMetrics)) values.push_back(static_cast<double>(summary.peakMemoryMetrics->values[i]));
    }
    peaks[core::executorMetricNames()[i]] = core::historyServerQuantiles(values, quantiles);
  }
  json["peakMemoryMetrics"] = std::move(peaks);
  return json;
}

OrderedJson speculationSummaryJson(const core::SpeculationStageSummary& summary) {
  return OrderedJson{{"numTasks", summary.numTasks},
                     {"numActiveTasks", summary.numActiveTasks},
                     {"numCompletedTasks", summary.numCompletedTasks},
                     {"numFailedTasks", summary.numFailedTasks},
                     {"numKilledTasks", summary.numKilledTasks}};
}

}  // namespace

std::optional<StageQueryContext> loadStageQueryContext(const Store& store, const AppAttemptRef& ref, bool withApp) {
  std::string attemptId = ref.attemptId;
  if (attemptId.empty()) {
    // As Store::loadApp does: an app named without an attempt is its last attempt.
    std::vector<std::string> attempts = store.attemptsOf(ref.appId);
    if (attempts.empty()) return std::nullopt;
    attemptId = attempts.back();
  }
  StageQueryContext context;
  context.ref = AppAttemptRef{ref.appId, attemptId};
  int64_t lastUpdateTimeMs = 0;
  {
    SqliteStatement query(store.handle(), "SELECT app_pk, file_mtime_ms FROM apps WHERE app_id = ? AND attempt_id = ?");
    query.bind(1, ref.appId).bind(2, attemptId);
    if (!query.step()) return std::nullopt;
    context.appPk = query.int64At(0);
    lastUpdateTimeMs = query.int64At(1);
  }
  if (withApp) {
    std::optional<core::AppAttempt> app = store.loadApp(ref.appId, attemptId);
    if (!app) return std::nullopt;
    context.app = std::move(*app);
  } else {
    // Tasks show their executor's log links; nothing else of the app.
    SqliteStatement query(store.handle(), "SELECT executor_id, log_urls_json FROM executors WHERE app_pk = ?");
    query.bind(1, context.appPk);
    while (query.step()) {
      core::Executor& executor = context.app.executors.emplace_back();
      executor.executorId = query.textAt(0);
      executor.logUrlsJson = query.textAt(1);
    }
  }
  context.taskContext = taskRenderContext(context.app, lastUpdateTimeMs);
  return context;
}

StageTotals queryStageTotals(const Store& store, int64_t appPk, int32_t stageId, int32_t stageAttemptId) {
  std::string sql = "SELECT stage_id, stage_attempt_id, executor_id";
  for (const char* column : kMetricColumns) sql += std::string(", sum(") + column + ")";
  sql += " FROM tasks WHERE app_pk = ? AND added_to_stage_totals";
  if (stageId >= 0) sql += " AND stage_id = ? AND stage_attempt_id = ?";
  sql += " GROUP BY stage_id, stage_attempt_id, executor_id";
  SqliteStatement query(store.handle(), sql);
  query.bind(1, appPk);
  if (stageId >= 0) query.bind(2, stageId).bind(3, stageAttemptId);
  StageTotals totals;
  while (query.step()) {
    MetricTotals& sums = totals[{query.int32At(0), query.int32At(1)}][query.textAt(2)];
    for (size_t i = 0; i < sums.size(); ++i) sums[i] = query.int64At(static_cast<int>(i) + 3);
  }
  return totals;
}

OrderedJson stageDataJson(const Store& store, const StageQueryContext& context, const core::StageAttempt& stage,
                          const std::map<std::string, MetricTotals>& totals, const StageDataOptions& options) {
  const MetricTotals t = sumOf(totals);
  OrderedJson json = OrderedJson::object();
  json["status"] = core::toString(stage.status);
  json["stageId"] = stage.stageId;
  json["attemptId"] = stage.attemptId;
  json["numTasks"] = stage.numTasks;
  json["numActiveTasks"] = stage.numActiveTasks;
  json["numCompleteTasks"] = stage.numCompleteTasks;
  json["numFailedTasks"] = stage.numFailedTasks;
  json["numKilledTasks"] = stage.numKilledTasks;
  json["numCompletedIndices"] = stage.numCompletedIndices;
  if (stage.submissionTimeMs > 0) json["submissionTime"] = formatSparkDate(stage.submissionTimeMs);
  if (stage.firstTaskLaunchedTimeMs > 0) json["firstTaskLaunchedTime"] = formatSparkDate(stage.firstTaskLaunchedTimeMs);
  if (stage.completionTimeMs > 0) json["completionTime"] = formatSparkDate(stage.completionTimeMs);
  if (!stage.failureReason.empty()) json["failureReason"] = stage.failureReason;
  json["executorDeserializeTime"] = t[kDeserializeTime];
  json["executorDeserializeCpuTime"] = t[kDeserializeCpuTime];
  json["executorRunTime"] = t[kRunTime];
  json["executorCpuTime"] = t[kCpuTime];
  json["resultSize"] = t[kResultSize];
  json["jvmGcTime"] = t[kGcTime];
  json["resultSerializationTime"] = t[kSerializationTime];
  json["memoryBytesSpilled"] = t[kMemorySpilled];
  json["diskBytesSpilled"] = t[kDiskSpilled];
  json["peakExecutionMemory"] = t[kPeakMemory];
  json["inputBytes"] = t[kInputBytes];
  json["inputRecords"] = t[kInputRecords];
  json["outputBytes"] = t[kOutputBytes];
  json["outputRecords"] = t[kOutputRecords];
  json["shuffleRemoteBlocksFetched"] = t[kRemoteBlocks];
  json["shuffleLocalBlocksFetched"] = t[kLocalBlocks];
  json["shuffleFetchWaitTime"] = t[kFetchWait];
  json["shuffleRemoteBytesRead"] = t[kRemoteBytes];
  json["shuffleRemoteBytesReadToDisk"] = t[kRemoteBytesToDisk];
  json["shuffleLocalBytesRead"] = t[kLocalBytes];
  json["shuffleReadBytes"] = t[kLocalBytes] + t[kRemoteBytes];
  json["shuffleReadRecords"] = t[kReadRecords];
  json["shuffleCorruptMergedBlockChunks"] = t[kCorruptMergedChunks];
  json["shuffleMergedFetchFallbackCount"] = t[kMergedFallbacks];
  json["shuffleMergedRemoteBlocksFetched"] = t[kRemoteMergedBlocks];
  json["shuffleMergedLocalBlocksFetched"] = t[kLocalMergedBlocks];
  json["shuffleMergedRemoteChunksFetched"] = t[kRemoteMergedChunks];
  json["shuffleMergedLocalChunksFetched"] = t[kLocalMergedChunks];
  json["shuffleMergedRemoteBytesRead"] = t[kRemoteMergedBytes];
  json["shuffleMergedLocalBytesRead"] = t[kLocalMergedBytes];
  json["shuffleRemoteReqsDuration"] = t[kRemoteReqsDuration];
  json["shuffleMergedRemoteReqsDuration"] = t[kRemoteMergedReqsDuration];
  json["shuffleWriteBytes"] = t[kWriteBytes];
  json["shuffleWriteTime"] = t[kWriteTime];
  json["shuffleWriteRecords"] = t[kWriteRecords];
  json["name"] = stage.name;
  // The submission's local properties (AppStatusListener.onStageSubmitted).
  if (std::optional<std::string> description = property(stage, "spark.job.description")) {
    json["description"] = *description;
  }
  json["details"] = stage.details;
  json["schedulingPool"] = property(stage, "spark.scheduler.pool").value_or("default");
  json["rddIds"] = rddIdsJson(stage.rddInfoJson);
  json["accumulatorUpdates"] = stageAccumulatorUpdatesJson(stage.accumulablesJson);

  std::vector<core::TaskAttempt> tasks;
  if (options.details || options.withSummaries) {
    tasks = loadStageTasks(store, context.ref, stage.stageId, stage.attemptId);
  }
  if (options.details) {
    OrderedJson byId = OrderedJson::object();
    for (const core::TaskAttempt& task : tasks) {
      if (taskStatusMatches(task, options.taskStatuses)) {
        byId[std::to_string(task.taskId)] = taskDataJson(task, context.taskContext);
      }
    }
    json["tasks"] = std::move(byId);
    OrderedJson executors = OrderedJson::object();
    static const MetricTotals kNone{};
    for (const core::StageExecutorSummary& summary : stage.executorSummaries) {
      auto found = totals.find(summary.executorId);
      executors[summary.executorId] = executorSummaryJson(summary, found == totals.end() ? kNone : found->second);
    }
    json["executorSummary"] = std::move(executors);
    if (stage.speculationSummary) json["speculationSummary"] = speculationSummaryJson(*stage.speculationSummary);
  }
  OrderedJson killed = OrderedJson::object();
  for (const auto& [reason, count] : stage.killedTasksSummary) killed[reason] = count;
  json["killedTasksSummary"] = std::move(killed);
  json["resourceProfileId"] = stage.resourceProfileId;
  if (peaksSet(stage.peakExecutorMetrics)) json["peakExecutorMetrics"] = peaksJson(*stage.peakExecutorMetrics);
  if (options.withSummaries) {
    std::vector<double> quantiles = options.quantiles;
    std::sort(quantiles.begin(), quantiles.end());
    core::TaskSummaryBuilder builder;
    if (context.taskContext.lastUpdateTimeMs > 0) builder.setLastUpdateTimeMs(context.taskContext.lastUpdateTimeMs);
    for (const core::TaskAttempt& task : tasks) builder.add(task);
    if (std::optional<OrderedJson> summary = builder.toOrderedHistoryServerJson(quantiles)) {
      json["taskMetricsDistributions"] = std::move(*summary);
    }
    if (!stage.executorSummaries.empty()) {
      json["executorMetricsDistributions"] = executorMetricsDistributionsJson(stage, totals, quantiles);
    }
  }
  json["isShufflePushEnabled"] = stage.shufflePushEnabled;
  json["shuffleMergersCount"] = stage.shuffleMergersCount;
  return json;
}

}  // namespace jobtuner::collector
