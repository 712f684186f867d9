#include "collector/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <iostream>
#include <map>
#include <sstream>

#include "collector/sqlite_statement.h"
#include "core/errors.h"
#include "support/test_support.h"

namespace jobtuner::collector {
namespace {

using jobtuner::testing::TempDir;

// ---- A sample app with every field set to something distinct from its default ----------------

core::TaskAttempt sampleTask(int64_t taskId, int32_t stageId, int32_t stageAttemptId) {
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
  m.shuffleBytesWritten = v + 23;
  m.shuffleWriteTimeNs = v * 1'000'000 + 24;
  m.shuffleRecordsWritten = v + 25;
  return task;
}

core::AppAttempt sampleApp(const std::string& appId, const std::string& attemptId) {
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
  worker.addTimeMs = 1'700'000'000'100;
  worker.removeTimeMs = 1'700'000'050'000;
  worker.removeReason = "Container killed by jobtuner: exceeded memory limit 2.0 GB (used 2.1 GB)";
  worker.excluded = true;
  worker.excludedInStages = {1, 2};
  worker.logUrlsJson = R"({"stdout":"http://x/stdout"})";
  worker.attributesJson = R"({"CONTAINER_ID":"c1"})";
  worker.resourcesJson = R"({"gpu":{"name":"gpu","addresses":["0"]}})";
  worker.resourceProfileId = 1;
  app.executors = {driver, worker};

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

std::string describe(const core::TaskAttempt& t) {
  const core::TaskMetrics& m = t.metrics;
  std::ostringstream out;
  out << "task " << t.taskId << " stage " << t.stageId << "." << t.stageAttemptId << " index=" << t.index
      << " attempt=" << t.attempt << " partition=" << t.partitionId << " executor=" << t.executorId
      << " host=" << t.host << " locality=" << t.locality << " type=" << t.taskType << " speculative=" << t.speculative
      << " launch=" << t.launchTimeMs << " finish=" << t.finishTimeMs << " gettingResult=" << t.gettingResultTimeMs
      << " status=" << core::toString(t.status) << " endReason=" << t.endReason << " failure=" << t.failureMessage
      << " endReasonJson=" << t.endReasonJson << " accumulables=" << t.accumulablesJson
      << " | hasMetrics=" << m.hasMetrics << " " << m.executorDeserializeTimeMs << " "
      << m.executorDeserializeCpuTimeNs << " " << m.executorRunTimeMs << " " << m.executorCpuTimeNs << " "
      << m.resultSizeBytes << " " << m.jvmGcTimeMs << " " << m.resultSerializationTimeMs << " "
      << m.memoryBytesSpilled << " " << m.diskBytesSpilled << " " << m.peakExecutionMemoryBytes << " "
      << m.inputBytes << " " << m.inputRecords << " " << m.outputBytes << " " << m.outputRecords << " "
      << m.shuffleRemoteBlocksFetched << " " << m.shuffleLocalBlocksFetched << " " << m.shuffleFetchWaitTimeMs
      << " " << m.shuffleRemoteBytesRead << " " << m.shuffleRemoteBytesReadToDisk << " "
      << m.shuffleLocalBytesRead << " " << m.shuffleRecordsRead << " " << m.shuffleRemoteReqsDurationMs << " "
      << m.shuffleBytesWritten << " " << m.shuffleWriteTimeNs << " " << m.shuffleRecordsWritten;
  return out.str();
}

template <typename T>
std::string describeList(const std::vector<T>& values) {
  std::string text = "[";
  for (const auto& value : values) text += std::to_string(value) + ",";
  return text + "]";
}

std::string describeMap(const std::map<std::string, std::string>& values) {
  std::string text = "{";
  for (const auto& [key, value] : values) text += key + "=" + value + ",";
  return text + "}";
}

std::string describe(const core::AppAttempt& app) {
  std::ostringstream out;
  out << "app " << core::toString(app.source) << " " << app.appId << "/" << app.attemptId << " name=" << app.name
      << " user=" << app.user << " engine=" << app.engineVersion << " start=" << app.startTimeMs
      << " end=" << app.endTimeMs << " completed=" << app.completed << " streaming=" << app.streaming
      << " jobKey=" << app.jobKey << "\n";
  for (const core::Job& j : app.jobs) {
    out << "job " << j.jobId << " name=" << j.name << " description=" << j.description << " group=" << j.jobGroup
        << " sql=" << (j.sqlExecutionId ? std::to_string(*j.sqlExecutionId) : "none")
        << " submitted=" << j.submissionTimeMs << " completed=" << j.completionTimeMs
        << " stages=" << describeList(j.stageIds) << " status=" << core::toString(j.status)
        << " failure=" << j.failureReason << " properties=" << describeMap(j.properties) << "\n";
  }
  for (const core::StageAttempt& s : app.stages) {
    out << "stage " << s.stageId << "." << s.attemptId << " name=" << s.name << " details=" << s.details
        << " tasks=" << s.numTasks << " parents=" << describeList(s.parentIds) << " jobs=" << describeList(s.jobIds)
        << " submitted=" << s.submissionTimeMs << " completed=" << s.completionTimeMs
        << " status=" << core::toString(s.status) << " failure=" << s.failureReason
        << " runtimeName=" << s.runtimeStageName << " rdd=" << s.rddInfoJson << " accumulables=" << s.accumulablesJson
        << " properties=" << describeMap(s.properties) << " profile=" << s.resourceProfileId << "\n";
  }
  for (const core::Executor& e : app.executors) {
    out << "executor " << e.executorId << " host=" << e.host << " cores=" << e.totalCores
        << " memory=" << e.maxMemoryBytes << " added=" << e.addTimeMs << " removed=" << e.removeTimeMs
        << " reason=" << e.removeReason << " excluded=" << e.excluded << " in=" << describeList(e.excludedInStages)
        << " logs=" << e.logUrlsJson << " attributes=" << e.attributesJson << " resources=" << e.resourcesJson
        << " profile=" << e.resourceProfileId << "\n";
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

Copy makeCopy(const std::string& path, const std::string& appId, bool completed, int64_t events, int64_t mtimeMs,
              int numTasks) {
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

AppWriter::Outcome ingest(Store& store, const Copy& copy) {
  std::unique_ptr<AppWriter> writer = store.beginApp();
  for (const core::TaskAttempt& task : copy.tasks) writer->addTask(task);
  return writer->commit(copy.app, copy.file);
}

std::vector<std::string> taskIdsOf(const Store& store, const std::string& appId, int32_t stageId = -1,
                                   int32_t stageAttemptId = 0) {
  std::vector<std::string> ids;
  store.forEachTask(appId, "", stageId, stageAttemptId,
                    [&](const core::TaskAttempt& task) { ids.push_back(std::to_string(task.taskId)); });
  return ids;
}

std::string statusOf(const Store& store, const std::string& path) {
  for (const IngestedFile& file : store.listFiles()) {
    if (file.path == path) return file.status;
  }
  return "absent";
}

int64_t queryInt(const Store& store, const std::string& sql) {
  SqliteStatement query(store.handle(), sql);
  REQUIRE(query.step());
  return query.int64At(0);
}

void rawSql(const std::filesystem::path& path, const char* sql) {
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

// ---- Tests -------------------------------------------------------------------------------------

TEST_CASE("store round-trips an app with jobs, stages, executors, properties and every task field",
          "[collector][store]") {
  TempDir dir;
  auto store = Store::open(dir / "nested" / "folder" / "jobtuner.db");
  REQUIRE(std::filesystem::exists(dir / "nested" / "folder" / "jobtuner.db"));

  core::AppAttempt app = sampleApp("app-20240301-0001", "1");
  std::vector<core::TaskAttempt> tasks;
  for (int64_t id : {5, 3, 9, 0, 1, 7, 2, 8, 4, 6, 10, 11}) tasks.push_back(sampleTask(id, static_cast<int32_t>(id % 3), 0));
  tasks.push_back(sampleTask(12, 1, 1));  // the retried stage attempt
  tasks[0].accumulablesJson = std::string("with\0nul", 8);
  tasks[1].host = "";  // empty strings stay empty, not NULL

  IngestedFile file;
  file.path = "/logs/app-20240301-0001_1";
  file.rank = CopyRank{true, 1234, 1'700'000'200'000, file.path};
  file.taskEndEvents = 13;
  file.stages = 4;
  file.warnings = 2;
  {
    auto writer = store->beginApp();
    for (const auto& task : tasks) writer->addTask(task);
    AppWriter::Outcome outcome = writer->commit(app, file);
    CHECK(outcome.kept);
    CHECK(outcome.keptPath == file.path);
    CHECK(outcome.supersededPaths.empty());
  }

  std::optional<core::AppAttempt> loaded = store->loadApp("app-20240301-0001", "1");
  REQUIRE(loaded);
  CHECK(describe(*loaded) == describe(app));

  std::vector<core::TaskAttempt> expected = tasks;
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.taskId < b.taskId; });
  std::vector<core::TaskAttempt> all;
  store->forEachTask("app-20240301-0001", "1", -1, 0, [&](const core::TaskAttempt& task) { all.push_back(task); });
  REQUIRE(all.size() == expected.size());
  for (size_t i = 0; i < all.size(); ++i) CHECK(describe(all[i]) == describe(expected[i]));

  std::vector<std::string> stageOne;
  store->forEachTask("app-20240301-0001", "1", 1, 0,
                     [&](const core::TaskAttempt& task) { stageOne.push_back(std::to_string(task.taskId)); });
  CHECK(stageOne == std::vector<std::string>{"1", "4", "7", "10"});
  CHECK(taskIdsOf(*store, "app-20240301-0001", 1, 1) == std::vector<std::string>{"12"});

  std::vector<AppRow> apps = store->listApps();
  REQUIRE(apps.size() == 1);
  CHECK(apps[0].appId == app.appId);
  CHECK(apps[0].attemptId == "1");
  CHECK(apps[0].name == app.name);
  CHECK(apps[0].source == "runtime");
  CHECK(apps[0].jobs == 2);
  CHECK(apps[0].stages == 4);
  CHECK(apps[0].tasks == 13);
  CHECK(apps[0].failedTasks == std::count_if(tasks.begin(), tasks.end(), [](const auto& t) {
          return t.status == core::TaskStatus::Failed;
        }));
  CHECK(apps[0].executors == 2);
  CHECK(apps[0].path == file.path);
  CHECK(apps[0].completed);
  CHECK(apps[0].streaming);

  std::vector<IngestedFile> files = store->listFiles();
  REQUIRE(files.size() == 1);
  CHECK(files[0].status == "kept");
  CHECK(files[0].appId == app.appId);
  CHECK(files[0].attemptId == "1");
  CHECK(files[0].rank.events == 1234);
  CHECK(files[0].rank.fileMtimeMs == 1'700'000'200'000);
  CHECK(files[0].rank.completed);
  CHECK(files[0].taskEndEvents == 13);
  CHECK(files[0].stages == 4);
  CHECK(files[0].warnings == 2);

  // The model's derived metrics are columns too, for analyzers that query in SQL.
  const core::TaskAttempt& nine = expected[9];
  std::string where = " FROM task_metrics WHERE task_id = 9";
  CHECK(queryInt(*store, "SELECT duration_ms" + where) == nine.durationMs());
  CHECK(queryInt(*store, "SELECT executor_cpu_time_ms" + where) == nine.metrics.executorCpuTimeMs());
  CHECK(queryInt(*store, "SELECT shuffle_read_bytes" + where) == nine.metrics.shuffleReadBytes());
  CHECK(queryInt(*store, "SELECT shuffle_write_time_ms" + where) == nine.metrics.shuffleWriteTimeMs());
  CHECK(queryInt(*store, "SELECT gc_time_ms" + where) == nine.metrics.jvmGcTimeMs);
  // Task 0 ran 1000 ms: 3 running, 1 deserializing, 7 serializing, and its result took 5 ms to fetch.
  CHECK(queryInt(*store, "SELECT scheduler_delay_ms FROM task_metrics WHERE task_id = 0") == 1000 - 3 - 1 - 7 - 5);
  CHECK(queryInt(*store, "SELECT getting_result_time_ms FROM task_metrics WHERE task_id = 0") == 5);
}

TEST_CASE("store finds attempts in numeric order and picks the last one for an empty attempt id",
          "[collector][store]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  for (const char* attempt : {"2", "10", "1", "9"}) {
    Copy copy = makeCopy(std::string("/logs/app-1_") + attempt, "app-1", true, 10, 1, 2);
    copy.app.attemptId = attempt;
    copy.app.name = std::string("attempt ") + attempt;
    ingest(*store, copy);
  }
  CHECK(store->attemptsOf("app-1") == std::vector<std::string>{"1", "2", "9", "10"});
  CHECK(store->attemptsOf("app-2").empty());
  REQUIRE(store->loadApp("app-1", ""));
  CHECK(store->loadApp("app-1", "")->name == "attempt 10");
  CHECK(store->loadApp("app-1", "9")->name == "attempt 9");
  CHECK_FALSE(store->loadApp("app-1", "3"));
  CHECK_FALSE(store->loadApp("app-2", ""));
  CHECK(taskIdsOf(*store, "app-1") == std::vector<std::string>{"0", "1"});
}

TEST_CASE("store lists apps by start time, newest first, then by app id", "[collector][store]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  auto add = [&](const std::string& appId, int64_t start) {
    Copy copy = makeCopy("/logs/" + appId, appId, true, 10, 1, 1);
    copy.app.startTimeMs = start;
    ingest(*store, copy);
  };
  add("app-b", 100);
  add("app-c", 300);
  add("app-a", 100);
  std::vector<std::string> order;
  for (const AppRow& row : store->listApps()) order.push_back(row.appId);
  CHECK(order == std::vector<std::string>{"app-c", "app-a", "app-b"});
}

TEST_CASE("store is unchanged when ingest throws before commit", "[collector][store]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  ingest(*store, makeCopy("/logs/a", "app-a", true, 10, 1, 5));
  std::string before = store->dumpForComparison();

  try {
    auto writer = store->beginApp();
    for (int i = 0; i < 100; ++i) writer->addTask(sampleTask(i, 0, 0));
    throw std::runtime_error("the parser failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(store->dumpForComparison() == before);
  CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 5);

  SECTION("a commit that fails rolls back too, and the store takes a new writer") {
    auto writer = store->beginApp();
    writer->addTask(sampleTask(1, 0, 0));
    Copy nameless = makeCopy("/logs/b", "", true, 10, 1, 0);
    CHECK_THROWS_AS(writer->commit(nameless.app, nameless.file), std::invalid_argument);
    CHECK_THROWS_AS(writer->addTask(sampleTask(2, 0, 0)), std::logic_error);
    CHECK(store->dumpForComparison() == before);
    ingest(*store, makeCopy("/logs/c", "app-c", true, 10, 1, 2));
    CHECK(store->listApps().size() == 2);
  }
}

TEST_CASE("store is unchanged when a writer is destroyed without commit", "[collector][store]") {
  TempDir dir;
  auto path = dir / "jobtuner.db";
  std::string before;
  {
    auto store = Store::open(path);
    ingest(*store, makeCopy("/logs/a", "app-a", true, 10, 1, 5));
    before = store->dumpForComparison();
    {
      auto writer = store->beginApp();
      for (int i = 0; i < 50; ++i) writer->addTask(sampleTask(i, 0, 0));
      CHECK_THROWS_AS(store->beginApp(), std::logic_error);  // one writer at a time
    }
    CHECK(store->dumpForComparison() == before);
    CHECK(store->listApps().size() == 1);
  }
  auto reopened = Store::open(path);
  CHECK(reopened->dumpForComparison() == before);
}

TEST_CASE("store keeps a completed copy over an in-progress one in either order", "[collector][store][duplicates]") {
  Copy inProgress = makeCopy("/logs/app-1.inprogress", "app-1", false, 5000, 9, 8);
  Copy completed = makeCopy("/logs/app-1", "app-1", true, 100, 1, 3);
  std::string dumps[2];
  for (int order = 0; order < 2; ++order) {
    TempDir dir;
    auto store = Store::open(dir / "jobtuner.db");
    const Copy& firstCopy = order == 0 ? inProgress : completed;
    const Copy& secondCopy = order == 0 ? completed : inProgress;
    ingest(*store, firstCopy);
    AppWriter::Outcome outcome = ingest(*store, secondCopy);
    if (order == 0) {
      CHECK(outcome.kept);
      CHECK(outcome.supersededPaths == std::vector<std::string>{inProgress.file.path});
    } else {
      CHECK_FALSE(outcome.kept);
      CHECK(outcome.supersededPaths.empty());
    }
    CHECK(outcome.keptPath == completed.file.path);
    CHECK(store->loadApp("app-1", "")->name == completed.app.name);
    CHECK(taskIdsOf(*store, "app-1") == std::vector<std::string>{"0", "1", "2"});
    CHECK(statusOf(*store, completed.file.path) == "kept");
    CHECK(statusOf(*store, inProgress.file.path) == "superseded");
    CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 3);
    dumps[order] = store->dumpForComparison();
  }
  CHECK(dumps[0] == dumps[1]);
}

TEST_CASE("store breaks ties between copies by events, then file time, then path", "[collector][store][duplicates]") {
  struct Case {
    const char* name;
    Copy winner;
    Copy loser;
  };
  std::vector<Case> cases = {
      {"more events", makeCopy("/a/log", "app-1", true, 200, 1, 2), makeCopy("/b/log", "app-1", true, 100, 9, 4)},
      {"newer file", makeCopy("/a/log", "app-1", false, 100, 9, 2), makeCopy("/b/log", "app-1", false, 100, 1, 4)},
      {"path sorting last", makeCopy("/b/log", "app-1", true, 100, 5, 2),
       makeCopy("/a/log", "app-1", true, 100, 5, 4)},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      CHECK(c.winner.file.rank.beats(c.loser.file.rank));
      CHECK_FALSE(c.loser.file.rank.beats(c.winner.file.rank));
      std::string dumps[2];
      for (int order = 0; order < 2; ++order) {
        TempDir dir;
        auto store = Store::open(dir / "jobtuner.db");
        ingest(*store, order == 0 ? c.winner : c.loser);
        AppWriter::Outcome outcome = ingest(*store, order == 0 ? c.loser : c.winner);
        CHECK(outcome.kept == (order == 1));
        CHECK(outcome.keptPath == c.winner.file.path);
        CHECK(store->loadApp("app-1", "")->name == c.winner.app.name);
        CHECK(statusOf(*store, c.winner.file.path) == "kept");
        CHECK(statusOf(*store, c.loser.file.path) == "superseded");
        CHECK(taskIdsOf(*store, "app-1").size() == 2);
        dumps[order] = store->dumpForComparison();
      }
      CHECK(dumps[0] == dumps[1]);
    }
  }
}

TEST_CASE("CopyRank never lets a copy beat itself", "[collector][store][duplicates]") {
  CopyRank rank{true, 10, 5, "/x"};
  CHECK_FALSE(rank.beats(rank));
  CHECK(CopyRank{true, 1, 1, "/a"}.beats(CopyRank{false, 99, 99, "/z"}));
}

TEST_CASE("store content does not depend on the order of three copies", "[collector][store][duplicates]") {
  std::array<Copy, 3> copies = {
      makeCopy("/logs/app-1.inprogress", "app-1", false, 900, 3, 6),
      makeCopy("/logs/app-1", "app-1", true, 500, 2, 4),
      makeCopy("/archive/app-1", "app-1", true, 500, 1, 5),
  };
  // Another app beside them shows that the others' rows are never touched.
  Copy bystander = makeCopy("/logs/app-2", "app-2", true, 10, 1, 3);

  std::array<int, 3> order = {0, 1, 2};
  std::vector<std::string> dumps;
  do {
    TempDir dir;
    auto store = Store::open(dir / "jobtuner.db");
    ingest(*store, bystander);
    for (int i : order) ingest(*store, copies[i]);
    INFO("order " << order[0] << order[1] << order[2]);
    CHECK(store->loadApp("app-1", "")->name == copies[1].app.name);
    CHECK(statusOf(*store, "/logs/app-1") == "kept");
    CHECK(statusOf(*store, "/logs/app-1.inprogress") == "superseded");
    CHECK(statusOf(*store, "/archive/app-1") == "superseded");
    CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 4 + 3);
    CHECK(queryInt(*store, "SELECT count(*) FROM apps") == 2);
    dumps.push_back(store->dumpForComparison());
  } while (std::next_permutation(order.begin(), order.end()));
  REQUIRE(dumps.size() == 6);
  for (const std::string& dump : dumps) CHECK(dump == dumps.front());
  CHECK(dumps.front().find("app_pk") == std::string::npos);
}

TEST_CASE("store replaces what an earlier reading of the same path stored", "[collector][store][duplicates]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  Copy early = makeCopy("/logs/app-1.inprogress", "app-1", false, 100, 1, 3);
  Copy grown = makeCopy("/logs/app-1.inprogress", "app-1", false, 300, 2, 7);
  ingest(*store, early);
  AppWriter::Outcome outcome = ingest(*store, grown);
  CHECK(outcome.kept);
  CHECK(outcome.supersededPaths.empty());  // a path does not supersede itself
  CHECK(store->listFiles().size() == 1);
  CHECK(store->listFiles()[0].rank.events == 300);
  CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 7);

  TempDir freshDir;
  auto fresh = Store::open(freshDir / "jobtuner.db");
  ingest(*fresh, grown);
  CHECK(store->dumpForComparison() == fresh->dumpForComparison());

  SECTION("re-reading a superseded path keeps it superseded") {
    Copy best = makeCopy("/logs/app-1", "app-1", true, 50, 1, 2);
    ingest(*store, best);
    ingest(*store, grown);
    CHECK(statusOf(*store, grown.file.path) == "superseded");
    CHECK(store->listFiles().size() == 2);
    CHECK(store->loadApp("app-1", "")->name == best.app.name);
  }
  SECTION("a path that now holds another app drops the old app") {
    Copy other = makeCopy("/logs/app-1.inprogress", "app-9", true, 50, 1, 2);
    ingest(*store, other);
    CHECK_FALSE(store->loadApp("app-1", ""));
    CHECK(store->listApps().size() == 1);
    CHECK(store->listFiles().size() == 1);
    CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 2);
  }
}

TEST_CASE("store reopens without running a migration twice", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "jobtuner.db";
  {
    auto store = Store::open(path);
    CHECK(store->schemaVersion() == Store::currentSchemaVersion());
    ingest(*store, makeCopy("/logs/a", "app-a", true, 10, 1, 3));
  }
  for (int i = 0; i < 2; ++i) {
    auto store = Store::open(path);
    CHECK(store->schemaVersion() == Store::currentSchemaVersion());
    CHECK(queryInt(*store, "SELECT count(*) FROM schema_migrations") == Store::currentSchemaVersion());
    CHECK(store->listApps().size() == 1);
    SqliteStatement journal(store->handle(), "PRAGMA journal_mode");
    REQUIRE(journal.step());
    CHECK(journal.textAt(0) == "wal");
  }
}

TEST_CASE("store refuses a file that is not an SQLite database, naming it", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "notes.txt";
  std::string content = "these are my notes, not a database\n" + std::string(4096, 'x');
  jobtuner::testing::writeFile(path, content);
  try {
    Store::open(path);
    FAIL("opening a text file as a store succeeded");
  } catch (const core::UserError& error) {
    CHECK_THAT(error.what(), Catch::Contains(path.string()) && Catch::Contains("not a jobtuner store"));
    CHECK_FALSE(error.hint().empty());
  }
  CHECK(jobtuner::testing::readFile(path) == content);
}

TEST_CASE("store refuses an SQLite database of another program and leaves it untouched", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "other.db";
  rawSql(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');");
  std::string before = jobtuner::testing::readFile(path);
  try {
    Store::open(path);
    FAIL("opening a foreign database as a store succeeded");
  } catch (const core::UserError& error) {
    CHECK_THAT(error.what(), Catch::Contains(path.string()) && Catch::Contains("not a jobtuner store"));
  }
  CHECK(jobtuner::testing::readFile(path) == before);
  CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
}

TEST_CASE("store refuses a store written by a newer jobtuner", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "jobtuner.db";
  Store::open(path).reset();
  rawSql(path, ("PRAGMA user_version = " + std::to_string(Store::currentSchemaVersion() + 1)).c_str());
  try {
    Store::open(path);
    FAIL("opening a newer store succeeded");
  } catch (const core::UserError& error) {
    CHECK_THAT(error.what(), Catch::Contains(path.string()) && Catch::Contains("newer"));
    CHECK_THAT(error.hint(), Catch::Contains("upgrade jobtuner"));
  }
}

TEST_CASE("store opens an empty file as a new store", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "empty.db";
  jobtuner::testing::writeFile(path, "");
  auto store = Store::open(path);
  CHECK(store->schemaVersion() == Store::currentSchemaVersion());
  CHECK(store->listApps().empty());
}

// Writes `numTasks` task rows with `accumulablesJson` each and prints the rates.
void measureInsertRate(int numTasks, const std::string& label, const std::string& accumulablesJson) {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  std::vector<core::TaskAttempt> tasks;
  for (int i = 0; i < 1000; ++i) {
    tasks.push_back(sampleTask(i, 0, 0));
    tasks.back().accumulablesJson = accumulablesJson;
  }
  std::clock_t cpuStart = std::clock();
  auto start = std::chrono::steady_clock::now();
  auto writer = store->beginApp();
  for (int i = 0; i < numTasks; ++i) {
    core::TaskAttempt& task = tasks[static_cast<size_t>(i % 1000)];
    task.taskId = i;
    task.stageId = (i / 1000) % 40;  // several stages, as a real app has
    writer->addTask(task);
  }
  auto added = std::chrono::steady_clock::now();
  double addCpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  writer->commit(sampleApp("app-bench", ""), makeCopy("/logs/bench", "app-bench", true, numTasks, 1, 0).file);
  auto committed = std::chrono::steady_clock::now();
  int64_t numRead = 0;
  store->forEachTask("app-bench", "", -1, 0, [&](const core::TaskAttempt&) { ++numRead; });
  auto read = std::chrono::steady_clock::now();
  auto seconds = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
  std::cout << "store, " << numTasks << " task rows, " << label << ": addTask "
            << static_cast<int64_t>(numTasks / seconds(start, added)) << " rows/s ("
            << static_cast<int64_t>(numTasks / addCpuSeconds) << " per CPU second), commit " << seconds(added, committed)
            << " s, overall " << static_cast<int64_t>(numTasks / seconds(start, committed))
            << " rows/s; forEachTask (all stages) " << static_cast<int64_t>(numRead / seconds(committed, read))
            << " rows/s\n";
  CHECK(numRead == numTasks);
}

// Not a test of speed (tests never assert time): prints insert rates, best read from a Release
// or RelWithDebInfo build on an idle machine. Run: collector_tests "[.bench]"
TEST_CASE("store task insert rate", "[collector][store][.bench]") {
  constexpr int kNumTasks = 200'000;
  measureInsertRate(kNumTasks, "short accumulables (runtime-like)", R"([{"ID":1,"Update":3}])");
  // Spark writes ~25 accumulable updates per task, ~2.9 KB of JSON.
  std::string accumulables = "[";
  for (int a = 0; a < 25; ++a) {
    accumulables += R"({"ID":)" + std::to_string(1000 + a) +
                    R"(,"Name":"internal.metrics.shuffle.read.recordsRead","Update":12345,"Value":987654,)"
                    R"("Internal":true,"Count Failed Values":true},)";
  }
  accumulables.back() = ']';
  measureInsertRate(kNumTasks, "Spark-sized accumulables (" + std::to_string(accumulables.size()) + " bytes)",
                    accumulables);
}

}  // namespace
}  // namespace jobtuner::collector
