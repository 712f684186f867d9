#include "collector/store_rows.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <utility>

#include "core/errors.h"

namespace jobtuner::collector {

namespace {

// Binds consecutive parameters, so a row's binds read as a plain list of fields.
class RowBinder {
 public:
  RowBinder(SqliteStatement& statement, int first, const RowColumns& columns)
      : statement_(statement), first_(first), next_(first), columns_(columns) {}

  template <typename T>
  RowBinder& operator<<(T&& value) {
    statement_.bind(next_++, std::forward<T>(value));
    return *this;
  }

  // A column list and its binds that disagree is a bug in this file; the store tests hit it.
  void finish() const {
    if (next_ - first_ != columns_.count()) throw std::logic_error("store: row binds do not match the columns");
  }

 private:
  SqliteStatement& statement_;
  int first_;
  int next_;
  const RowColumns& columns_;
};

class RowReader {
 public:
  RowReader(const SqliteStatement& statement, int first) : statement_(statement), next_(first) {}

  int64_t int64() { return statement_.int64At(next_++); }
  int32_t int32() { return statement_.int32At(next_++); }
  bool boolean() { return statement_.boolAt(next_++); }
  std::string text() { return statement_.textAt(next_++); }
  std::optional<int64_t> optionalInt64() { return statement_.optionalInt64At(next_++); }

 private:
  const SqliteStatement& statement_;
  int next_;
};

template <typename Enum, size_t N>
Enum enumFromText(const std::string& text, const Enum (&values)[N], Enum fallback) {
  for (Enum value : values) {
    if (text == core::toString(value)) return value;
  }
  return fallback;
}

core::AppSource appSourceFromText(const std::string& text) {
  static constexpr core::AppSource kValues[] = {core::AppSource::Spark, core::AppSource::Runtime};
  return enumFromText(text, kValues, core::AppSource::Spark);
}

core::TaskStatus taskStatusFromText(const std::string& text) {
  static constexpr core::TaskStatus kValues[] = {core::TaskStatus::Running, core::TaskStatus::Success,
                                                 core::TaskStatus::Failed, core::TaskStatus::Killed};
  return enumFromText(text, kValues, core::TaskStatus::Running);
}

core::StageStatus stageStatusFromText(const std::string& text) {
  static constexpr core::StageStatus kValues[] = {core::StageStatus::Pending, core::StageStatus::Active,
                                                  core::StageStatus::Complete, core::StageStatus::Failed,
                                                  core::StageStatus::Skipped};
  return enumFromText(text, kValues, core::StageStatus::Pending);
}

core::JobStatus jobStatusFromText(const std::string& text) {
  static constexpr core::JobStatus kValues[] = {core::JobStatus::Running, core::JobStatus::Succeeded,
                                                core::JobStatus::Failed, core::JobStatus::Unknown};
  return enumFromText(text, kValues, core::JobStatus::Unknown);
}

// Lists and maps are stored as JSON text: they are read whole with their row and never queried
// on their own, and SQLite's json_each() still reaches into them when a query must.
std::string idsToJson(const std::vector<int32_t>& ids) { return nlohmann::json(ids).dump(); }

nlohmann::json parseStoredJson(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw core::SystemError(std::string("store: a stored list is not valid JSON (damaged store?): ") + error.what());
  }
}

std::vector<int32_t> idsFromJson(const std::string& text) {
  std::vector<int32_t> ids;
  nlohmann::json parsed = parseStoredJson(text);
  if (!parsed.is_array()) return ids;
  for (const auto& item : parsed) {
    if (item.is_number_integer()) ids.push_back(item.get<int32_t>());
  }
  return ids;
}

std::string propertiesToJson(const std::map<std::string, std::string>& properties) {
  // The parser hands over valid UTF-8 (simdjson validates); replacing stray bytes keeps a runtime
  // bug from failing a whole ingest.
  return nlohmann::json(properties).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::map<std::string, std::string> propertiesFromJson(const std::string& text) {
  std::map<std::string, std::string> properties;
  nlohmann::json parsed = parseStoredJson(text);
  if (!parsed.is_object()) return properties;
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_string()) properties.emplace(key, value.get<std::string>());
  }
  return properties;
}

// Metrics by name, so a store stays readable if Spark's list of metrics grows; '' when unset.
std::string peakMetricsToJson(const std::optional<core::ExecutorMetrics>& metrics) {
  if (!metrics) return "";
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) object[core::executorMetricNames()[i]] = metrics->values[i];
  return object.dump();
}

std::optional<core::ExecutorMetrics> peakMetricsFromJson(const std::string& text) {
  if (text.empty()) return std::nullopt;
  nlohmann::json parsed = parseStoredJson(text);
  core::ExecutorMetrics metrics;
  for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) {
    auto found = parsed.find(core::executorMetricNames()[i]);
    if (found != parsed.end() && found->is_number_integer()) metrics.values[i] = found->get<int64_t>();
  }
  return metrics;
}

std::string executorRequestsToJson(const std::vector<core::ExecutorResourceRequest>& requests) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& request : requests) {
    list.push_back({{"resourceName", request.resourceName},
                    {"amount", request.amount},
                    {"discoveryScript", request.discoveryScript},
                    {"vendor", request.vendor}});
  }
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<core::ExecutorResourceRequest> executorRequestsFromJson(const std::string& text) {
  std::vector<core::ExecutorResourceRequest> requests;
  for (const auto& item : parseStoredJson(text)) {
    if (!item.is_object()) continue;
    core::ExecutorResourceRequest& request = requests.emplace_back();
    request.resourceName = item.value("resourceName", "");
    request.amount = item.value("amount", int64_t{0});
    request.discoveryScript = item.value("discoveryScript", "");
    request.vendor = item.value("vendor", "");
  }
  return requests;
}

std::string taskRequestsToJson(const std::vector<core::TaskResourceRequest>& requests) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& request : requests) list.push_back({{"resourceName", request.resourceName}, {"amount", request.amount}});
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<core::TaskResourceRequest> taskRequestsFromJson(const std::string& text) {
  std::vector<core::TaskResourceRequest> requests;
  for (const auto& item : parseStoredJson(text)) {
    if (!item.is_object()) continue;
    requests.push_back({item.value("resourceName", ""), item.value("amount", 0.0)});
  }
  return requests;
}

std::string countsToJson(const std::map<std::string, int32_t>& counts) {
  return nlohmann::json(counts).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::map<std::string, int32_t> countsFromJson(const std::string& text) {
  std::map<std::string, int32_t> counts;
  nlohmann::json parsed = parseStoredJson(text);
  if (!parsed.is_object()) return counts;
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_number_integer()) counts.emplace(key, value.get<int32_t>());
  }
  return counts;
}

std::string stageExecutorSummariesToJson(const std::vector<core::StageExecutorSummary>& summaries) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const core::StageExecutorSummary& summary : summaries) {
    nlohmann::ordered_json item = {{"executorId", summary.executorId},     {"taskTimeMs", summary.taskTimeMs},
                                   {"failedTasks", summary.failedTasks},   {"succeededTasks", summary.succeededTasks},
                                   {"killedTasks", summary.killedTasks},   {"excluded", summary.excluded}};
    if (summary.peakMemoryMetrics) item["peakMemoryMetrics"] = nlohmann::ordered_json::parse(peakMetricsToJson(summary.peakMemoryMetrics));
    list.push_back(std::move(item));
  }
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<core::StageExecutorSummary> stageExecutorSummariesFromJson(const std::string& text) {
  std::vector<core::StageExecutorSummary> summaries;
  nlohmann::json parsed = parseStoredJson(text);
  if (!parsed.is_array()) return summaries;
  for (const auto& item : parsed) {
    if (!item.is_object()) continue;
    core::StageExecutorSummary& summary = summaries.emplace_back();
    summary.executorId = item.value("executorId", "");
    summary.taskTimeMs = item.value("taskTimeMs", int64_t{0});
    summary.failedTasks = item.value("failedTasks", 0);
    summary.succeededTasks = item.value("succeededTasks", 0);
    summary.killedTasks = item.value("killedTasks", 0);
    summary.excluded = item.value("excluded", false);
    if (auto peaks = item.find("peakMemoryMetrics"); peaks != item.end() && peaks->is_object()) {
      core::ExecutorMetrics& metrics = summary.peakMemoryMetrics.emplace();
      for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) {
        auto found = peaks->find(core::executorMetricNames()[i]);
        if (found != peaks->end() && found->is_number_integer()) metrics.values[i] = found->get<int64_t>();
      }
    }
  }
  return summaries;
}

std::string speculationSummaryToJson(const std::optional<core::SpeculationStageSummary>& summary) {
  if (!summary) return "";
  return nlohmann::ordered_json{{"numTasks", summary->numTasks},
                                {"numActiveTasks", summary->numActiveTasks},
                                {"numCompletedTasks", summary->numCompletedTasks},
                                {"numFailedTasks", summary->numFailedTasks},
                                {"numKilledTasks", summary->numKilledTasks}}
      .dump();
}

std::optional<core::SpeculationStageSummary> speculationSummaryFromJson(const std::string& text) {
  if (text.empty()) return std::nullopt;
  nlohmann::json parsed = parseStoredJson(text);
  core::SpeculationStageSummary summary;
  summary.numTasks = parsed.value("numTasks", 0);
  summary.numActiveTasks = parsed.value("numActiveTasks", 0);
  summary.numCompletedTasks = parsed.value("numCompletedTasks", 0);
  summary.numFailedTasks = parsed.value("numFailedTasks", 0);
  summary.numKilledTasks = parsed.value("numKilledTasks", 0);
  return summary;
}

}  // namespace

std::string RowColumns::list(const char* prefix) const {
  std::string text;
  for (const char* name : names) {
    if (!text.empty()) text += ", ";
    text += prefix;
    text += name;
  }
  return text;
}

std::string RowColumns::placeholders() const {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

std::string RowColumns::assignments() const {
  std::string text;
  for (const char* name : names) {
    if (!text.empty()) text += ", ";
    text += name;
    text += " = ?";
  }
  return text;
}

const RowColumns& appColumns() {
  static const RowColumns columns{{"app_id", "attempt_id", "source", "name", "user", "engine_version",
                                   "start_time_ms", "end_time_ms", "completed", "streaming", "job_key"}};
  return columns;
}

void bindApp(SqliteStatement& statement, int first, const core::AppAttempt& app) {
  RowBinder row(statement, first, appColumns());
  row << app.appId << app.attemptId << core::toString(app.source) << app.name << app.user << app.engineVersion
      << app.startTimeMs << app.endTimeMs << app.completed << app.streaming << app.jobKey;
  row.finish();
}

void readApp(const SqliteStatement& statement, int first, core::AppAttempt& app) {
  RowReader row(statement, first);
  app.appId = row.text();
  app.attemptId = row.text();
  app.source = appSourceFromText(row.text());
  app.name = row.text();
  app.user = row.text();
  app.engineVersion = row.text();
  app.startTimeMs = row.int64();
  app.endTimeMs = row.int64();
  app.completed = row.boolean();
  app.streaming = row.boolean();
  app.jobKey = row.text();
}

const RowColumns& jobColumns() {
  static const RowColumns columns{{"job_id", "name", "description", "job_group", "sql_execution_id",
                                   "submission_time_ms", "completion_time_ms", "stage_ids_json", "num_tasks", "status",
                                   "failure_reason", "properties_json"}};
  return columns;
}

void bindJob(SqliteStatement& statement, int first, const core::Job& job) {
  RowBinder row(statement, first, jobColumns());
  row << job.jobId << job.name << job.description << job.jobGroup << job.sqlExecutionId << job.submissionTimeMs
      << job.completionTimeMs << idsToJson(job.stageIds) << job.numTasks << core::toString(job.status) << job.failureReason
      << propertiesToJson(job.properties);
  row.finish();
}

core::Job readJob(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::Job job;
  job.jobId = row.int32();
  job.name = row.text();
  job.description = row.text();
  job.jobGroup = row.text();
  job.sqlExecutionId = row.optionalInt64();
  job.submissionTimeMs = row.int64();
  job.completionTimeMs = row.int64();
  job.stageIds = idsFromJson(row.text());
  job.numTasks = row.int32();
  job.status = jobStatusFromText(row.text());
  job.failureReason = row.text();
  job.properties = propertiesFromJson(row.text());
  return job;
}

const RowColumns& stageColumns() {
  static const RowColumns columns{{"stage_id", "attempt_id", "name", "details", "num_tasks", "parent_ids_json",
                                   "job_ids_json", "submission_time_ms", "completion_time_ms", "status",
                                   "failure_reason", "runtime_stage_name", "rdd_info_json", "accumulables_json",
                                   "properties_json", "resource_profile_id", "shuffle_push_enabled",
                                   "shuffle_mergers_count", "num_active_tasks", "num_complete_tasks",
                                   "num_failed_tasks", "num_killed_tasks", "num_completed_indices",
                                   "first_task_launched_time_ms", "killed_tasks_summary_json",
                                   "executor_summaries_json", "peak_executor_metrics_json",
                                   "speculation_summary_json"}};
  return columns;
}

void bindStage(SqliteStatement& statement, int first, const core::StageAttempt& stage) {
  RowBinder row(statement, first, stageColumns());
  row << stage.stageId << stage.attemptId << stage.name << stage.details << stage.numTasks
      << idsToJson(stage.parentIds) << idsToJson(stage.jobIds) << stage.submissionTimeMs << stage.completionTimeMs
      << core::toString(stage.status) << stage.failureReason << stage.runtimeStageName << stage.rddInfoJson
      << stage.accumulablesJson << propertiesToJson(stage.properties) << stage.resourceProfileId
      << stage.shufflePushEnabled << stage.shuffleMergersCount << stage.numActiveTasks << stage.numCompleteTasks
      << stage.numFailedTasks << stage.numKilledTasks << stage.numCompletedIndices << stage.firstTaskLaunchedTimeMs
      << countsToJson(stage.killedTasksSummary) << stageExecutorSummariesToJson(stage.executorSummaries)
      << peakMetricsToJson(stage.peakExecutorMetrics) << speculationSummaryToJson(stage.speculationSummary);
  row.finish();
}

core::StageAttempt readStage(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::StageAttempt stage;
  stage.stageId = row.int32();
  stage.attemptId = row.int32();
  stage.name = row.text();
  stage.details = row.text();
  stage.numTasks = row.int32();
  stage.parentIds = idsFromJson(row.text());
  stage.jobIds = idsFromJson(row.text());
  stage.submissionTimeMs = row.int64();
  stage.completionTimeMs = row.int64();
  stage.status = stageStatusFromText(row.text());
  stage.failureReason = row.text();
  stage.runtimeStageName = row.text();
  stage.rddInfoJson = row.text();
  stage.accumulablesJson = row.text();
  stage.properties = propertiesFromJson(row.text());
  stage.resourceProfileId = row.int32();
  stage.shufflePushEnabled = row.boolean();
  stage.shuffleMergersCount = row.int32();
  stage.numActiveTasks = row.int32();
  stage.numCompleteTasks = row.int32();
  stage.numFailedTasks = row.int32();
  stage.numKilledTasks = row.int32();
  stage.numCompletedIndices = row.int32();
  stage.firstTaskLaunchedTimeMs = row.int64();
  stage.killedTasksSummary = countsFromJson(row.text());
  stage.executorSummaries = stageExecutorSummariesFromJson(row.text());
  stage.peakExecutorMetrics = peakMetricsFromJson(row.text());
  stage.speculationSummary = speculationSummaryFromJson(row.text());
  return stage;
}

const RowColumns& executorColumns() {
  static const RowColumns columns{{"executor_id", "host", "total_cores", "max_memory_bytes",
                                   "max_on_heap_memory_bytes", "max_off_heap_memory_bytes", "host_port", "add_time_ms",
                                   "remove_time_ms", "remove_reason", "excluded", "excluded_in_stages_json",
                                   "log_urls_json", "attributes_json", "resources_json", "resource_profile_id",
                                   "peak_metrics_json"}};
  return columns;
}

void bindExecutor(SqliteStatement& statement, int first, const core::Executor& executor) {
  RowBinder row(statement, first, executorColumns());
  row << executor.executorId << executor.host << executor.totalCores << executor.maxMemoryBytes
      << executor.maxOnHeapMemoryBytes << executor.maxOffHeapMemoryBytes << executor.hostPort << executor.addTimeMs
      << executor.removeTimeMs << executor.removeReason << executor.excluded
      << idsToJson(executor.excludedInStages) << executor.logUrlsJson << executor.attributesJson
      << executor.resourcesJson << executor.resourceProfileId << peakMetricsToJson(executor.peakMetrics);
  row.finish();
}

core::Executor readExecutor(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::Executor executor;
  executor.executorId = row.text();
  executor.host = row.text();
  executor.totalCores = row.int32();
  executor.maxMemoryBytes = row.int64();
  executor.maxOnHeapMemoryBytes = row.optionalInt64();
  executor.maxOffHeapMemoryBytes = row.optionalInt64();
  executor.hostPort = row.text();
  executor.addTimeMs = row.int64();
  executor.removeTimeMs = row.int64();
  executor.removeReason = row.text();
  executor.excluded = row.boolean();
  executor.excludedInStages = idsFromJson(row.text());
  executor.logUrlsJson = row.text();
  executor.attributesJson = row.text();
  executor.resourcesJson = row.text();
  executor.resourceProfileId = row.int32();
  executor.peakMetrics = peakMetricsFromJson(row.text());
  return executor;
}

const RowColumns& resourceProfileColumns() {
  static const RowColumns columns{{"profile_id", "executor_resources_json", "task_resources_json"}};
  return columns;
}

void bindResourceProfile(SqliteStatement& statement, int first, const core::ResourceProfile& profile) {
  RowBinder row(statement, first, resourceProfileColumns());
  row << profile.id << executorRequestsToJson(profile.executorResources) << taskRequestsToJson(profile.taskResources);
  row.finish();
}

core::ResourceProfile readResourceProfile(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::ResourceProfile profile;
  profile.id = row.int32();
  profile.executorResources = executorRequestsFromJson(row.text());
  profile.taskResources = taskRequestsFromJson(row.text());
  return profile;
}

const RowColumns& miscellaneousProcessColumns() {
  static const RowColumns columns{{"process_id", "host_port", "total_cores", "add_time_ms", "log_urls_json"}};
  return columns;
}

void bindMiscellaneousProcess(SqliteStatement& statement, int first, const core::MiscellaneousProcess& process) {
  RowBinder row(statement, first, miscellaneousProcessColumns());
  row << process.processId << process.hostPort << process.totalCores << process.addTimeMs << process.logUrlsJson;
  row.finish();
}

core::MiscellaneousProcess readMiscellaneousProcess(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::MiscellaneousProcess process;
  process.processId = row.text();
  process.hostPort = row.text();
  process.totalCores = row.int32();
  process.addTimeMs = row.int64();
  process.logUrlsJson = row.text();
  return process;
}

const RowColumns& shuffleKeyColumns() {
  static const RowColumns columns{{"shuffle_id", "stage_id", "key", "records", "bytes"}};
  return columns;
}

void bindShuffleKey(SqliteStatement& statement, int first, const core::ShuffleKey& key) {
  RowBinder row(statement, first, shuffleKeyColumns());
  row << key.shuffleId << key.stageId << key.key << key.records << key.bytes;
  row.finish();
}

core::ShuffleKey readShuffleKey(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::ShuffleKey key;
  key.shuffleId = row.int32();
  key.stageId = row.int32();
  key.key = row.text();
  key.records = row.int64();
  key.bytes = row.int64();
  return key;
}

const RowColumns& persistedRddColumns() {
  static const RowColumns columns{{"rdd_id", "name", "num_partitions", "use_disk", "use_memory", "use_off_heap",
                                   "deserialized", "replication"}};
  return columns;
}

void bindPersistedRdd(SqliteStatement& statement, int first, const core::PersistedRdd& rdd) {
  RowBinder row(statement, first, persistedRddColumns());
  row << rdd.rddId << rdd.name << rdd.numPartitions << rdd.useDisk << rdd.useMemory << rdd.useOffHeap
      << rdd.deserialized << rdd.replication;
  row.finish();
}

core::PersistedRdd readPersistedRdd(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::PersistedRdd rdd;
  rdd.rddId = row.int32();
  rdd.name = row.text();
  rdd.numPartitions = row.int32();
  rdd.useDisk = row.boolean();
  rdd.useMemory = row.boolean();
  rdd.useOffHeap = row.boolean();
  rdd.deserialized = row.boolean();
  rdd.replication = row.int32();
  return rdd;
}

const RowColumns& taskColumns() {
  static const RowColumns columns{{
      "task_id", "stage_id", "stage_attempt_id", "task_index", "attempt", "partition_id", "executor_id", "host",
      "locality", "task_type", "speculative", "launch_time_ms", "finish_time_ms", "getting_result_start_ms",
      "status", "end_reason", "failure_message", "end_reason_json", "accumulables_json", "added_to_stage_totals",
      "has_metrics",
      "executor_deserialize_time_ms", "executor_deserialize_cpu_time_ns", "executor_run_time_ms",
      "executor_cpu_time_ns", "result_size_bytes", "jvm_gc_time_ms", "result_serialization_time_ms",
      "memory_bytes_spilled", "disk_bytes_spilled", "peak_execution_memory_bytes", "input_bytes", "input_records",
      "output_bytes", "output_records", "shuffle_remote_blocks_fetched", "shuffle_local_blocks_fetched",
      "shuffle_fetch_wait_time_ms", "shuffle_remote_bytes_read", "shuffle_remote_bytes_read_to_disk",
      "shuffle_local_bytes_read", "shuffle_records_read", "shuffle_remote_reqs_duration_ms",
      "shuffle_corrupt_merged_block_chunks", "shuffle_merged_fetch_fallback_count",
      "shuffle_remote_merged_blocks_fetched", "shuffle_local_merged_blocks_fetched",
      "shuffle_remote_merged_chunks_fetched", "shuffle_local_merged_chunks_fetched",
      "shuffle_remote_merged_bytes_read", "shuffle_local_merged_bytes_read", "shuffle_remote_merged_reqs_duration_ms",
      "shuffle_bytes_written", "shuffle_write_time_ns", "shuffle_records_written",
  }};
  return columns;
}

void bindTask(SqliteStatement& statement, int first, const core::TaskAttempt& task) {
  const core::TaskMetrics& m = task.metrics;
  RowBinder row(statement, first, taskColumns());
  row << task.taskId << task.stageId << task.stageAttemptId << task.index << task.attempt << task.partitionId
      << task.executorId << task.host << task.locality << task.taskType << task.speculative << task.launchTimeMs
      << task.finishTimeMs << task.gettingResultTimeMs << core::toString(task.status) << task.endReason
      << task.failureMessage << task.endReasonJson << task.accumulablesJson << task.addedToStageTotals << m.hasMetrics
      << m.executorDeserializeTimeMs << m.executorDeserializeCpuTimeNs << m.executorRunTimeMs
      << m.executorCpuTimeNs << m.resultSizeBytes << m.jvmGcTimeMs << m.resultSerializationTimeMs
      << m.memoryBytesSpilled << m.diskBytesSpilled << m.peakExecutionMemoryBytes << m.inputBytes << m.inputRecords
      << m.outputBytes << m.outputRecords << m.shuffleRemoteBlocksFetched << m.shuffleLocalBlocksFetched
      << m.shuffleFetchWaitTimeMs << m.shuffleRemoteBytesRead << m.shuffleRemoteBytesReadToDisk
      << m.shuffleLocalBytesRead << m.shuffleRecordsRead << m.shuffleRemoteReqsDurationMs
      << m.shuffleCorruptMergedBlockChunks << m.shuffleMergedFetchFallbackCount << m.shuffleRemoteMergedBlocksFetched
      << m.shuffleLocalMergedBlocksFetched << m.shuffleRemoteMergedChunksFetched << m.shuffleLocalMergedChunksFetched
      << m.shuffleRemoteMergedBytesRead << m.shuffleLocalMergedBytesRead << m.shuffleRemoteMergedReqsDurationMs
      << m.shuffleBytesWritten << m.shuffleWriteTimeNs << m.shuffleRecordsWritten;
  row.finish();
}

core::TaskAttempt readTask(const SqliteStatement& statement, int first) {
  RowReader row(statement, first);
  core::TaskAttempt task;
  core::TaskMetrics& m = task.metrics;
  task.taskId = row.int64();
  task.stageId = row.int32();
  task.stageAttemptId = row.int32();
  task.index = row.int32();
  task.attempt = row.int32();
  task.partitionId = row.int64();
  task.executorId = row.text();
  task.host = row.text();
  task.locality = row.text();
  task.taskType = row.text();
  task.speculative = row.boolean();
  task.launchTimeMs = row.int64();
  task.finishTimeMs = row.int64();
  task.gettingResultTimeMs = row.int64();
  task.status = taskStatusFromText(row.text());
  task.endReason = row.text();
  task.failureMessage = row.text();
  task.endReasonJson = row.text();
  task.accumulablesJson = row.text();
  task.addedToStageTotals = row.boolean();
  m.hasMetrics = row.boolean();
  m.executorDeserializeTimeMs = row.int64();
  m.executorDeserializeCpuTimeNs = row.int64();
  m.executorRunTimeMs = row.int64();
  m.executorCpuTimeNs = row.int64();
  m.resultSizeBytes = row.int64();
  m.jvmGcTimeMs = row.int64();
  m.resultSerializationTimeMs = row.int64();
  m.memoryBytesSpilled = row.int64();
  m.diskBytesSpilled = row.int64();
  m.peakExecutionMemoryBytes = row.int64();
  m.inputBytes = row.int64();
  m.inputRecords = row.int64();
  m.outputBytes = row.int64();
  m.outputRecords = row.int64();
  m.shuffleRemoteBlocksFetched = row.int64();
  m.shuffleLocalBlocksFetched = row.int64();
  m.shuffleFetchWaitTimeMs = row.int64();
  m.shuffleRemoteBytesRead = row.int64();
  m.shuffleRemoteBytesReadToDisk = row.int64();
  m.shuffleLocalBytesRead = row.int64();
  m.shuffleRecordsRead = row.int64();
  m.shuffleRemoteReqsDurationMs = row.int64();
  m.shuffleCorruptMergedBlockChunks = row.int64();
  m.shuffleMergedFetchFallbackCount = row.int64();
  m.shuffleRemoteMergedBlocksFetched = row.int64();
  m.shuffleLocalMergedBlocksFetched = row.int64();
  m.shuffleRemoteMergedChunksFetched = row.int64();
  m.shuffleLocalMergedChunksFetched = row.int64();
  m.shuffleRemoteMergedBytesRead = row.int64();
  m.shuffleLocalMergedBytesRead = row.int64();
  m.shuffleRemoteMergedReqsDurationMs = row.int64();
  m.shuffleBytesWritten = row.int64();
  m.shuffleWriteTimeNs = row.int64();
  m.shuffleRecordsWritten = row.int64();
  return task;
}

const RowColumns& analysisTaskColumns() {
  static const RowColumns columns{{
      "task_id", "stage_id", "stage_attempt_id", "task_index", "executor_id", "speculative", "launch_time_ms",
      "finish_time_ms", "getting_result_start_ms", "status", "end_reason", "has_metrics", "executor_deserialize_time_ms",
      "executor_run_time_ms", "executor_cpu_time_ns", "jvm_gc_time_ms", "result_serialization_time_ms",
      "memory_bytes_spilled", "disk_bytes_spilled", "peak_execution_memory_bytes", "input_bytes", "input_records",
      "output_bytes", "output_records", "shuffle_remote_blocks_fetched", "shuffle_local_blocks_fetched",
      "shuffle_fetch_wait_time_ms", "shuffle_remote_bytes_read", "shuffle_local_bytes_read", "shuffle_records_read",
      "shuffle_bytes_written", "shuffle_write_time_ns", "shuffle_records_written", "failure_message",
  }};
  return columns;
}

void readTaskForAnalysis(const SqliteStatement& statement, int first, core::TaskAttempt& task) {
  RowReader row(statement, first);
  core::TaskMetrics& m = task.metrics;
  task.taskId = row.int64();
  task.stageId = row.int32();
  task.stageAttemptId = row.int32();
  task.index = row.int32();
  task.executorId = row.text();
  task.speculative = row.boolean();
  task.launchTimeMs = row.int64();
  task.finishTimeMs = row.int64();
  task.gettingResultTimeMs = row.int64();
  task.status = taskStatusFromText(row.text());
  task.endReason = row.text();
  m.hasMetrics = row.boolean();
  m.executorDeserializeTimeMs = row.int64();
  m.executorRunTimeMs = row.int64();
  m.executorCpuTimeNs = row.int64();
  m.jvmGcTimeMs = row.int64();
  m.resultSerializationTimeMs = row.int64();
  m.memoryBytesSpilled = row.int64();
  m.diskBytesSpilled = row.int64();
  m.peakExecutionMemoryBytes = row.int64();
  m.inputBytes = row.int64();
  m.inputRecords = row.int64();
  m.outputBytes = row.int64();
  m.outputRecords = row.int64();
  m.shuffleRemoteBlocksFetched = row.int64();
  m.shuffleLocalBlocksFetched = row.int64();
  m.shuffleFetchWaitTimeMs = row.int64();
  m.shuffleRemoteBytesRead = row.int64();
  m.shuffleLocalBytesRead = row.int64();
  m.shuffleRecordsRead = row.int64();
  m.shuffleBytesWritten = row.int64();
  m.shuffleWriteTimeNs = row.int64();
  m.shuffleRecordsWritten = row.int64();
  // The last column, read only when needed: most tasks succeed, and their message is empty.
  if (task.status == core::TaskStatus::Failed) {
    task.failureMessage = row.text();
  } else {
    task.failureMessage.clear();
  }
}

const std::vector<PropertyCategory>& propertyCategories() {
  static const std::vector<PropertyCategory> categories = {
      {"spark", &core::Environment::sparkProperties},     {"hadoop", &core::Environment::hadoopProperties},
      {"system", &core::Environment::systemProperties},   {"metrics", &core::Environment::metricsProperties},
      {"classpath", &core::Environment::classpathEntries}, {"jvm", &core::Environment::jvmInformation},
  };
  return categories;
}

}  // namespace jobtuner::collector
