#include "collector/store.h"

#include <algorithm>
#include <map>
#include <optional>
#include <catch2/catch.hpp>

#include "collector/store_samples.h"
#include "core/errors.h"

namespace jobtuner::collector {
namespace {

using namespace samples;
using jobtuner::testing::TempDir;

// The model as the store maps it (store_rows.cpp). When a field is added to core/model.h these
// sizes differ: store the field (a column in store_schema.cpp, a line in store_rows.cpp), set it in
// store_samples.h and describe it there, then update the copy here.
struct TaskMetricsAsStored {
  bool hasMetrics;
  int64_t values[34];
};
struct TaskAttemptAsStored {
  int64_t taskId;
  int32_t stageId, stageAttemptId, index, attempt;
  int64_t partitionId;
  std::string executorId, host, locality, taskType;
  bool speculative;
  int64_t launchTimeMs, finishTimeMs, gettingResultTimeMs;
  core::TaskStatus status;
  std::string endReason, failureMessage, endReasonJson, accumulablesJson;
  bool addedToStageTotals;
  TaskMetricsAsStored metrics;
};
struct JobAsStored {
  int32_t jobId;
  std::string name, description, jobGroup;
  std::optional<int64_t> sqlExecutionId;
  int64_t submissionTimeMs, completionTimeMs;
  std::vector<int32_t> stageIds;
  int32_t numTasks;
  core::JobStatus status;
  std::string failureReason;
  std::map<std::string, std::string> properties;
};
struct StageExecutorSummaryAsStored {
  std::string executorId;
  int64_t taskTimeMs;
  int32_t failedTasks, succeededTasks, killedTasks;
  bool excluded;
  std::optional<core::ExecutorMetrics> peakMemoryMetrics;
};
struct SpeculationStageSummaryAsStored {
  int32_t numTasks, numActiveTasks, numCompletedTasks, numFailedTasks, numKilledTasks;
};
struct StageAttemptAsStored {
  int32_t stageId, attemptId;
  std::string name, details;
  int32_t numTasks;
  std::vector<int32_t> parentIds, jobIds;
  int64_t submissionTimeMs, completionTimeMs;
  core::StageStatus status;
  std::string failureReason, runtimeStageName, rddInfoJson, accumulablesJson;
  std::map<std::string, std::string> properties;
  int32_t resourceProfileId;
  bool shufflePushEnabled;
  int32_t shuffleMergersCount;
  int32_t numActiveTasks, numCompleteTasks, numFailedTasks, numKilledTasks, numCompletedIndices;
  int64_t firstTaskLaunchedTimeMs;
  std::map<std::string, int32_t> killedTasksSummary;
  std::vector<core::StageExecutorSummary> executorSummaries;
  std::optional<core::ExecutorMetrics> peakExecutorMetrics;
  std::optional<core::SpeculationStageSummary> speculationSummary;
};
struct ExecutorAsStored {
  std::string executorId, host;
  int32_t totalCores;
  int64_t maxMemoryBytes;
  std::optional<int64_t> maxOnHeapMemoryBytes, maxOffHeapMemoryBytes;
  std::string hostPort;
  int64_t addTimeMs, removeTimeMs;
  std::string removeReason;
  bool excluded;
  std::vector<int32_t> excludedInStages;
  std::string logUrlsJson, attributesJson, resourcesJson;
  int32_t resourceProfileId;
  std::optional<core::ExecutorMetrics> peakMetrics;
};
struct AppAttemptAsStored {
  core::AppSource source;
  std::string appId, attemptId, name, user, engineVersion;
  int64_t startTimeMs, endTimeMs;
  bool completed, streaming;
  std::string jobKey;
  std::vector<core::Job> jobs;
  std::vector<core::StageAttempt> stages;
  std::vector<core::Executor> executors;
  std::vector<core::ResourceProfile> resourceProfiles;
  std::vector<core::MiscellaneousProcess> miscellaneousProcesses;
  std::vector<core::PersistedRdd> persistedRdds;
  std::vector<core::ShuffleKey> shuffleKeys;
  std::vector<std::pair<std::string, std::string>> environment[6];
};

TEST_CASE("store maps every field the model has", "[collector][store]") {
  CHECK(sizeof(core::TaskMetrics) == sizeof(TaskMetricsAsStored));
  CHECK(sizeof(core::TaskAttempt) == sizeof(TaskAttemptAsStored));
  CHECK(sizeof(core::Job) == sizeof(JobAsStored));
  CHECK(sizeof(core::StageAttempt) == sizeof(StageAttemptAsStored));
  CHECK(sizeof(core::StageExecutorSummary) == sizeof(StageExecutorSummaryAsStored));
  CHECK(sizeof(core::SpeculationStageSummary) == sizeof(SpeculationStageSummaryAsStored));
  CHECK(sizeof(core::Executor) == sizeof(ExecutorAsStored));
  CHECK(sizeof(core::AppAttempt) == sizeof(AppAttemptAsStored));
  struct ShuffleKeyAsStored {
    int32_t shuffleId, stageId;
    std::string key;
    int64_t records, bytes;
  };
  CHECK(sizeof(core::ShuffleKey) == sizeof(ShuffleKeyAsStored));
}

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

}  // namespace
}  // namespace jobtuner::collector
