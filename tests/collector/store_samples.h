#pragma once

// Sample apps, tasks and copies for the store's tests, and ways to look at what a store holds.
// Every field of the model is set to something other than its default, so a field the store drops
// shows up in the round trip.

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "collector/sqlite_statement.h"
#include "collector/store.h"
#include "support/test_support.h"

namespace jobtuner::collector::samples {

// ---- A sample app with every field set to something distinct from its default ----------------

inline core::TaskAttempt sampleTask(int64_t taskId, int32_t stageId, int32_t stageAttemptId) {
  core::TaskAttempt task;
  int64_t n = taskId;
  task.taskId = taskId;
  task.stageId = stageId;
  task.stageAttemptId = stageAttemptId;
  task.index = static_cast<int32_t>(n % 7);
  task.attempt = static_cast<int32_t>(n % 2);
  task.partitionId = n % 3 == 0 ? -1 : n + 100;
  task.executorId = std::to_string(n % 3 + 1);
  task.host = "host-" + std::to_string(n % 2) + ".example.com";
  task.locality = n % 2 == 0 ? "PROCESS_LOCAL" : "NODE_LOCAL";
  task.taskType = n % 2 == 0 ? "ShuffleMapTask" : "ResultTask";
  task.speculative = n % 5 == 0;
  task.launchTimeMs = 1'700'000'000'000 + n * 10;
  task.finishTimeMs = task.launchTimeMs + 1000 + n;
  task.gettingResultTimeMs = n % 4 == 0 ? task.finishTimeMs - 5 : 0;
  task.status = n % 6 == 1 ? core::TaskStatus::Failed : n % 6 == 2 ? core::TaskStatus::Killed : core::TaskStatus::Success;
  task.endReason = task.status == core::TaskStatus::Failed ? "ExceptionFailure" : "Success";
  task.failureMessage = task.status == core::TaskStatus::Failed ? "java.lang.OutOfMemoryError: 'heap' \"space\"" : "";
  task.endReasonJson = R"({"Reason":"Success","n":)" + std::to_string(n) + "}";
  task.accumulablesJson = R"([{"ID":1,"Name":"internal.metrics.x","Update":)" + std::to_string(n) + "}]";
  task.addedToStageTotals = n % 4 != 3;
  core::TaskMetrics& m = task.metrics;
  m.hasMetrics = n % 9 != 8;
  int64_t v = n * 1000;
  m.executorDeserializeTimeMs = v + 1;
  m.executorDeserializeCpuTimeNs = v + 2;
  m.executorRunTimeMs = v + 3;
  m.executorCpuTimeNs = v * 1'000'000 + 4;
  m.resultSizeBytes = v + 5;
  m.jvmGcTimeMs = v + 6;
  m.resultSerializationTimeMs = v + 7;
  m.memoryBytesSpilled = v + 8;
  m.diskBytesSpilled = v + 9;
  m.peakExecutionMemoryBytes = (int64_t{1} << 40) + v;
  m.inputBytes = v + 11;
  m.inputRecords = v + 12;
  m.outputBytes = v + 13;
  m.outputRecords = v + 14;
  m.shuffleRemoteBlocksFetched = v + 15;
  m.shuffleLocalBlocksFetched = v + 16;
  m.shuffleFetchWaitTimeMs = v + 17;
  m.shuffleRemoteBytesRead = v + 18;
  m.shuffleRemoteBytesReadToDisk = v + 19;
  m.shuffleLocalBytesRead = v + 20;
  m.shuffleRecordsRead = v + 21;
  m.shuffleRemoteReqsDurationMs = v + 22;
  m.shuffleCorruptMergedBlockChunks = v + 26;
  m.shuffleMergedFetchFallbackCount = v + 27;
  m.shuffleRemoteMergedBlocksFetched = v + 28;
  m.shuffleLocalMergedBlocksFetched = v + 29;
  m.shuffleRemoteMergedChunksFetched = v + 30;
  m.shuffleLocalMergedChunksFetched = v + 31;
  m.shuffleRemoteMergedBytesRead = v + 32;
  m.shuffleLocalMergedBytesRead = v + 33;
  m.shuffleRemoteMergedReqsDurationMs = v + 34;
  m.shuffleBytesWritten = v + 23;
  m.shuffleWriteTimeNs = v * 1'000'000 + 24;
  m.shuffleRecordsWritten = v + 25;
  return task;
}

inline core::AppAttempt sampleApp(const std::string& appId, const std::string& attemptId) {
  core::AppAttempt app;
  app.source = core::AppSource::Runtime;
  app.appId = appId;
  app.attemptId = attemptId;
  app.name = "daily-etl \xE2\x9C\x93 'quoted' \"double\"";
  app.user = "etl";
  app.engineVersion = "3.5.1";
  app.startTimeMs = 1'700'000'000'000;
  app.endTimeMs = 1'700'000'100'000;
  app.completed = true;
  app.streaming = true;
  app.jobKey = "daily-etl-<date>";

  core::Job second;
  second.jobId = 1;
  second.name = "collect at etl.py:42";
  second.description = "load";
  second.jobGroup = "group-1";
  second.sqlExecutionId = 7;
  second.submissionTimeMs = 1'700'000'001'000;
  second.completionTimeMs = 1'700'000'002'000;
  second.stageIds = {2, 1};
  second.numTasks = 9;
  second.status = core::JobStatus::Failed;
  second.failureReason = "Job aborted due to stage failure";
  second.properties = {{"spark.job.description", "load"}, {"spark.sql.execution.id", "7"}};
  core::Job first;
  first.jobId = 0;
  first.name = "count at etl.py:10";
  first.stageIds = {0};
  first.status = core::JobStatus::Succeeded;
  app.jobs = {second, first};  // not in id order: the log's order must come back

  for (int32_t stageId = 0; stageId < 3; ++stageId) {
    core::StageAttempt stage;
    stage.stageId = stageId;
    stage.attemptId = 0;
    stage.name = "stage " + std::to_string(stageId);
    stage.details = "org.apache.spark.rdd.RDD.count\nline two";
    stage.numTasks = 4 + stageId;
    stage.parentIds = stageId == 0 ? std::vector<int32_t>{} : std::vector<int32_t>{stageId - 1, 0};
    stage.jobIds = {stageId == 0 ? 0 : 1};
    stage.submissionTimeMs = 1'700'000'000'500 + stageId;
    stage.completionTimeMs = stageId == 2 ? 0 : 1'700'000'009'000 + stageId;
    stage.status = stageId == 2 ? core::StageStatus::Active : core::StageStatus::Complete;
    stage.failureReason = stageId == 1 ? "FetchFailed" : "";
    stage.runtimeStageName = "aggregate-" + std::to_string(stageId);
    stage.rddInfoJson = R"([{"RDD ID":)" + std::to_string(stageId) + "}]";
    stage.accumulablesJson = "[]";
    stage.properties = {{"spark.scheduler.pool", "etl"}};
    stage.resourceProfileId = stageId;
    stage.shufflePushEnabled = stageId == 1;
    stage.shuffleMergersCount = 3 + stageId;
    stage.numActiveTasks = stageId == 2 ? 2 : 0;
    stage.numCompleteTasks = 3 + stageId;
    stage.numFailedTasks = stageId;
    stage.numKilledTasks = 1;
    stage.numCompletedIndices = 2 + stageId;
    stage.firstTaskLaunchedTimeMs = 1'700'000'000'600 + stageId;
    stage.killedTasksSummary = {{"another attempt succeeded", 1}};
    core::StageExecutorSummary onWorker;
    onWorker.executorId = "10";
    onWorker.taskTimeMs = 12'345 + stageId;
    onWorker.failedTasks = stageId;
    onWorker.succeededTasks = 3;
    onWorker.killedTasks = 1;
    onWorker.excluded = stageId == 1;
    onWorker.peakMemoryMetrics.emplace();
    for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) onWorker.peakMemoryMetrics->values[i] = int64_t(i) * 7;
    core::StageExecutorSummary onDriver;  // touched only by its peaks being unset: every field default
    onDriver.executorId = "driver";
    stage.executorSummaries = {onWorker, onDriver};
    if (stageId != 0) stage.peakExecutorMetrics = onWorker.peakMemoryMetrics;
    if (stageId == 2) stage.speculationSummary = core::SpeculationStageSummary{2, 1, 1, 0, 0};
    app.stages.push_back(stage);
  }
  core::StageAttempt retry = app.stages[1];
  retry.attemptId = 1;
  retry.status = core::StageStatus::Failed;
  app.stages.push_back(retry);

  core::Executor driver;
  driver.executorId = "driver";
  driver.host = "10.0.0.1";
  driver.totalCores = 0;
  driver.maxMemoryBytes = 1'000'000;
  core::Executor worker;
  worker.executorId = "10";
  worker.host = "10.0.0.2";
  worker.totalCores = 4;
  worker.maxMemoryBytes = int64_t{8} << 30;
  worker.maxOnHeapMemoryBytes = int64_t{6} << 30;
  worker.maxOffHeapMemoryBytes = 0;  // zero, not unset: must not come back as unset
  worker.hostPort = "10.0.0.2:40001";
  worker.addTimeMs = 1'700'000'000'100;
  worker.removeTimeMs = 1'700'000'050'000;
  worker.removeReason = "Container killed by jobtuner: exceeded memory limit 2.0 GB (used 2.1 GB)";
  worker.excluded = true;
  worker.excludedInStages = {1, 2};
  worker.logUrlsJson = R"({"stdout":"http://x/stdout"})";
  worker.attributesJson = R"({"CONTAINER_ID":"c1"})";
  worker.resourcesJson = R"({"gpu":{"name":"gpu","addresses":["0"]}})";
  worker.resourceProfileId = 1;
  worker.peakMetrics.emplace();
  for (size_t i = 0; i < core::ExecutorMetrics::kCount; ++i) worker.peakMetrics->values[i] = (int64_t{1} << 33) + int64_t(i);
  app.executors = {driver, worker};
  core::ResourceProfile custom;
  custom.id = 3;
  custom.executorResources = {{"cores", 4, "", ""}, {"gpu", 1, "/opt/getGpus", "nvidia.com"}};
  custom.taskResources = {{"cpus", 2.0}, {"gpu", 0.5}};
  app.resourceProfiles = {custom, core::ResourceProfile{}};  // an empty profile comes back too
  app.miscellaneousProcesses = {{"yarn-am", "10.0.0.3:8042", 1, 1'700'000'000'050, R"({"stdout":"http://am/stdout"})"}};
  app.persistedRdds = {{7, "cached orders", 12, true, true, true, true, 2}, {3, "", 1, false, false, false, false, 0}};
  app.shuffleKeys = {{0, 1, "42", 300'000, 1 << 24}, {0, 1, "", 5, 50}, {2, 4, "de\tx", 1, 9}};

  app.environment.sparkProperties = {{"spark.executor.memory", "4g"}, {"spark.app.name", "etl"},
                                     {"spark.executor.memory", "8g"}};  // a repeated key stays
  app.environment.hadoopProperties = {{"fs.defaultFS", "hdfs://nn"}};
  app.environment.systemProperties = {{"java.version", "17"}, {"user.name", std::string("nul\0byte", 8)}};
  app.environment.metricsProperties = {{"*.sink.servlet.class", "org.apache.spark.metrics.sink.MetricsServlet"}};
  app.environment.classpathEntries = {{"/opt/spark/jars/a.jar", "System Classpath"}};
  app.environment.jvmInformation = {{"Java Version", "17.0.2"}};
  return app;
}

// ---- Text forms of the model, so a difference shows the field by name -------------------------

inline std::string describe(const core::TaskAttempt& t) {
  const core::TaskMetrics& m = t.metrics;
  std::ostringstream out;
  out << "task " << t.taskId << " stage " << t.stageId << "." << t.stageAttemptId << " index=" << t.index
      << " attempt=" << t.attempt << " partition=" << t.partitionId << " executor=" << t.executorId
      << " host=" << t.host << " locality=" << t.locality << " type=" << t.taskType << " speculative=" << t.speculative
      << " launch=" << t.launchTimeMs << " finish=" << t.finishTimeMs << " gettingResult=" << t.gettingResultTimeMs
      << " status=" << core::toString(t.status) << " endReason=" << t.endReason << " failure=" << t.failureMessage
      << " endReasonJson=" << t.endReasonJson << " accumulables=" << t.accumulablesJson
      << " inStageTotals=" << t.addedToStageTotals << " | hasMetrics=" << m.hasMetrics << " " << m.executorDeserializeTimeMs << " "
      << m.executorDeserializeCpuTimeNs << " " << m.executorRunTimeMs << " " << m.executorCpuTimeNs << " "
      << m.resultSizeBytes << " " << m.jvmGcTimeMs << " " << m.resultSerializationTimeMs << " "
      << m.memoryBytesSpilled << " " << m.diskBytesSpilled << " " << m.peakExecutionMemoryBytes << " "
      << m.inputBytes << " " << m.inputRecords << " " << m.outputBytes << " " << m.outputRecords << " "
      << m.shuffleRemoteBlocksFetched << " " << m.shuffleLocalBlocksFetched << " " << m.shuffleFetchWaitTimeMs
      << " " << m.shuffleRemoteBytesRead << " " << m.shuffleRemoteBytesReadToDisk << " "
      << m.shuffleLocalBytesRead << " " << m.shuffleRecordsRead << " " << m.shuffleRemoteReqsDurationMs << " "
      << m.shuffleCorruptMergedBlockChunks << " " << m.shuffleMergedFetchFallbackCount << " "
      << m.shuffleRemoteMergedBlocksFetched << " " << m.shuffleLocalMergedBlocksFetched << " "
      << m.shuffleRemoteMergedChunksFetched << " " << m.shuffleLocalMergedChunksFetched << " "
      << m.shuffleRemoteMergedBytesRead << " " << m.shuffleLocalMergedBytesRead << " "
      << m.shuffleRemoteMergedReqsDurationMs << " " << m.shuffleBytesWritten << " " << m.shuffleWriteTimeNs << " " << m.shuffleRecordsWritten;
  return out.str();
}

template <typename T>
std::string describeList(const std::vector<T>& values) {
  std::string text = "[";
  for (const auto& value : values) text += std::to_string(value) + ",";
  return text + "]";
}

inline std::string describeOptional(const std::optional<int64_t>& value) {
  return value ? std::to_string(*value) : "unset";
}

inline std::string describeMap(const std::map<std::string, std::string>& values) {
  std::string text = "{";
  for (const auto& [key, value] : values) text += key + "=" + value + ",";
  return text + "}";
}

inline std::string describePeaks(const std::optional<core::ExecutorMetrics>& peaks) {
  if (!peaks) return "unset";
  std::string text;
  for (int64_t value : peaks->values) text += std::to_string(value) + ",";
  return text;
}

inline std::string describe(const core::AppAttempt& app) {
  std::ostringstream out;
  out << "app " << core::toString(app.source) << " " << app.appId << "/" << app.attemptId << " name=" << app.name
      << " user=" << app.user << " engine=" << app.engineVersion << " start=" << app.startTimeMs
      << " end=" << app.endTimeMs << " completed=" << app.completed << " streaming=" << app.streaming
      << " jobKey=" << app.jobKey << "\n";
  for (const core::Job& j : app.jobs) {
    out << "job " << j.jobId << " name=" << j.name << " description=" << j.description << " group=" << j.jobGroup
        << " sql=" << describeOptional(j.sqlExecutionId)
        << " submitted=" << j.submissionTimeMs << " completed=" << j.completionTimeMs
        << " stages=" << describeList(j.stageIds) << " numTasks=" << j.numTasks << " status=" << core::toString(j.status)
        << " failure=" << j.failureReason << " properties=" << describeMap(j.properties) << "\n";
  }
  for (const core::StageAttempt& s : app.stages) {
    out << "stage " << s.stageId << "." << s.attemptId << " name=" << s.name << " details=" << s.details
        << " tasks=" << s.numTasks << " parents=" << describeList(s.parentIds) << " jobs=" << describeList(s.jobIds)
        << " submitted=" << s.submissionTimeMs << " completed=" << s.completionTimeMs
        << " status=" << core::toString(s.status) << " failure=" << s.failureReason
        << " runtimeName=" << s.runtimeStageName << " rdd=" << s.rddInfoJson << " accumulables=" << s.accumulablesJson
        << " properties=" << describeMap(s.properties) << " profile=" << s.resourceProfileId
        << " push=" << s.shufflePushEnabled << "/" << s.shuffleMergersCount << " counts=" << s.numActiveTasks << ","
        << s.numCompleteTasks << "," << s.numFailedTasks << "," << s.numKilledTasks << "," << s.numCompletedIndices
        << " firstLaunch=" << s.firstTaskLaunchedTimeMs << " killed={";
    for (const auto& [reason, count] : s.killedTasksSummary) out << reason << "=" << count << ",";
    out << "} peaks=" << describePeaks(s.peakExecutorMetrics) << " speculation=";
    if (s.speculationSummary) {
      const core::SpeculationStageSummary& x = *s.speculationSummary;
      out << x.numTasks << "," << x.numActiveTasks << "," << x.numCompletedTasks << "," << x.numFailedTasks << ","
          << x.numKilledTasks;
    } else {
      out << "unset";
    }
    out << "\n";
    for (const core::StageExecutorSummary& e : s.executorSummaries) {
      out << "  on " << e.executorId << " time=" << e.taskTimeMs << " failed=" << e.failedTasks
          << " succeeded=" << e.succeededTasks << " killed=" << e.killedTasks << " excluded=" << e.excluded
          << " peaks=" << describePeaks(e.peakMemoryMetrics) << "\n";
    }
  }
  for (const core::Executor& e : app.executors) {
    out << "executor " << e.executorId << " host=" << e.host << " cores=" << e.totalCores
        << " memory=" << e.maxMemoryBytes << " onHeap=" << describeOptional(e.maxOnHeapMemoryBytes)
        << " offHeap=" << describeOptional(e.maxOffHeapMemoryBytes) << " hostPort=" << e.hostPort
        << " added=" << e.addTimeMs << " removed=" << e.removeTimeMs
        << " reason=" << e.removeReason << " excluded=" << e.excluded << " in=" << describeList(e.excludedInStages)
        << " logs=" << e.logUrlsJson << " attributes=" << e.attributesJson << " resources=" << e.resourcesJson
        << " profile=" << e.resourceProfileId << " peaks=";
    if (e.peakMetrics) {
      for (int64_t value : e.peakMetrics->values) out << value << ",";
    } else {
      out << "unset";
    }
    out << "\n";
  }
  for (const core::MiscellaneousProcess& p : app.miscellaneousProcesses) {
    out << "process " << p.processId << " hostPort=" << p.hostPort << " cores=" << p.totalCores
        << " added=" << p.addTimeMs << " logs=" << p.logUrlsJson << "\n";
  }
  for (const core::PersistedRdd& r : app.persistedRdds) {
    out << "rdd " << r.rddId << " name=" << r.name << " partitions=" << r.numPartitions << " level=" << r.useDisk
        << r.useMemory << r.useOffHeap << r.deserialized << " x" << r.replication << "\n";
  }
  for (const core::ShuffleKey& k : app.shuffleKeys) {
    out << "shuffle key " << k.shuffleId << " stage=" << k.stageId << " key=" << k.key << " records=" << k.records
        << " bytes=" << k.bytes << "\n";
  }
  for (const core::ResourceProfile& p : app.resourceProfiles) {
    out << "profile " << p.id << " executor:";
    for (const auto& r : p.executorResources) out << " " << r.resourceName << "=" << r.amount << "/" << r.discoveryScript << "/" << r.vendor;
    out << " task:";
    for (const auto& r : p.taskResources) out << " " << r.resourceName << "=" << r.amount;
    out << "\n";
  }
  auto properties = [&](const char* name, const std::vector<std::pair<std::string, std::string>>& entries) {
    for (const auto& [key, value] : entries) out << name << " " << key << "=" << value << "\n";
  };
  properties("spark", app.environment.sparkProperties);
  properties("hadoop", app.environment.hadoopProperties);
  properties("system", app.environment.systemProperties);
  properties("metrics", app.environment.metricsProperties);
  properties("classpath", app.environment.classpathEntries);
  properties("jvm", app.environment.jvmInformation);
  return out.str();
}

// ---- Writing copies ----------------------------------------------------------------------------

struct Copy {
  core::AppAttempt app;
  std::vector<core::TaskAttempt> tasks;
  IngestedFile file;
};

inline Copy makeCopy(const std::string& path, const std::string& appId, bool completed, int64_t events,
                     int64_t mtimeMs, int numTasks) {
  Copy copy;
  copy.app = sampleApp(appId, "");
  copy.app.completed = completed;
  copy.app.name = "copy from " + path;
  for (int i = 0; i < numTasks; ++i) copy.tasks.push_back(sampleTask(i, i % 3, 0));
  copy.file.path = path;
  copy.file.appId = appId;
  copy.file.rank = CopyRank{completed, events, mtimeMs, path};
  copy.file.taskEndEvents = numTasks;
  copy.file.stages = static_cast<int64_t>(copy.app.stages.size());
  copy.file.warnings = events % 3;
  return copy;
}

inline AppWriter::Outcome ingest(Store& store, const Copy& copy) {
  std::unique_ptr<AppWriter> writer = store.beginApp();
  for (const core::TaskAttempt& task : copy.tasks) writer->addTask(task);
  return writer->commit(copy.app, copy.file);
}

inline std::vector<std::string> taskIdsOf(const Store& store, const std::string& appId, int32_t stageId = -1,
                                          int32_t stageAttemptId = 0) {
  std::vector<std::string> ids;
  store.forEachTask(appId, "", stageId, stageAttemptId,
                    [&](const core::TaskAttempt& task) { ids.push_back(std::to_string(task.taskId)); });
  return ids;
}

inline std::string statusOf(const Store& store, const std::string& path) {
  for (const IngestedFile& file : store.listFiles()) {
    if (file.path == path) return file.status;
  }
  return "absent";
}

inline int64_t queryInt(const Store& store, const std::string& sql) {
  SqliteStatement query(store.handle(), sql);
  REQUIRE(query.step());
  return query.int64At(0);
}

inline void rawSql(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace jobtuner::collector::samples
