#include "collector/hs_stages.h"

#include <catch2/catch.hpp>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "collector/ingest.h"
#include "collector/store.h"
#include "support/event_log_builder.h"
#include "support/test_support.h"

namespace jobtuner::collector {
namespace {

using jobtuner::testing::EventLogBuilder;
using jobtuner::testing::TaskSpec;
using jobtuner::testing::TempDir;
using Json = nlohmann::json;

// A request below /applications/{app}[/{attempt}], e.g. "stages/1/0?details=true&taskStatus=failed",
// built without the API's own path parser so these tests depend only on the stage endpoints.
ApiRequest requestFor(const std::string& appId, const std::string& attemptId, const std::string& path) {
  ApiRequest request;
  request.original = "/applications/" + appId + (attemptId.empty() ? "" : "/" + attemptId) + "/" + path;
  request.segments = {"applications", appId};
  if (!attemptId.empty()) request.segments.push_back(attemptId);
  std::string route = path.substr(0, path.find('?'));
  size_t start = 0;
  while (start <= route.size()) {
    size_t slash = route.find('/', start);
    std::string segment = route.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!segment.empty()) request.segments.push_back(segment);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (size_t question = path.find('?'); question != std::string::npos) {
    std::string query = path.substr(question + 1);
    size_t begin = 0;
    while (begin < query.size()) {
      size_t amp = query.find('&', begin);
      std::string pair = query.substr(begin, amp == std::string::npos ? std::string::npos : amp - begin);
      size_t equals = pair.find('=');
      request.query.emplace(pair.substr(0, equals), equals == std::string::npos ? "" : pair.substr(equals + 1));
      if (amp == std::string::npos) break;
      begin = amp + 1;
    }
  }
  return request;
}

size_t stagesSegment(const ApiRequest& request) {
  for (size_t i = 0; i < request.segments.size(); ++i) {
    if (request.segments[i] == "stages") return i;
  }
  return request.segments.size();
}

ApiResponse ask(const Store& store, const std::string& appId, const std::string& attemptId, const std::string& path) {
  ApiRequest request = requestFor(appId, attemptId, path);
  return answerStagesRequest(store, AppAttemptRef{appId, attemptId}, request, stagesSegment(request));
}

Json plain(const nlohmann::ordered_json& body) { return Json::parse(body.dump()); }

// ---- Small logs ------------------------------------------------------------------------------

struct SmallApp {
  TempDir dir;
  std::unique_ptr<Store> store;

  explicit SmallApp(const EventLogBuilder& log) {
    jobtuner::testing::writeFile(dir / "app.log", log.text());
    store = Store::open(dir / "store.db");
    ingestPath(*store, dir / "app.log", IngestOptions{});
  }
  Json get(const std::string& path, int expectedStatus = 200) const {
    ApiResponse response = ask(*store, "app-1", "", path);
    INFO(path << " -> " << response.status << " " << response.error);
    REQUIRE(response.status == expectedStatus);
    return plain(response.body);
  }
  std::string error(const std::string& path, int expectedStatus) const {
    ApiResponse response = ask(*store, "app-1", "", path);
    INFO(path << " -> " << response.status << " " << response.error);
    REQUIRE(response.status == expectedStatus);
    return response.error;
  }
};

TaskSpec spec(int64_t taskId, int index, int64_t launchMs, int64_t durationMs, const std::string& reason = "Success",
              int64_t runTimeMs = -1) {
  TaskSpec task;
  task.taskId = taskId;
  task.index = index;
  task.launchTimeMs = launchMs;
  task.durationMs = durationMs;
  task.reason = reason;
  task.runTimeMs = runTimeMs >= 0 ? runTimeMs : durationMs - 10;
  return task;
}

EventLogBuilder twoStageApp() {
  EventLogBuilder log("app-1", "two stages");
  log.executor("1", "host-1", 4, 1'700'000'000'000);
  // Stage 0: four tasks, one failed then retried, one killed (a speculative copy).
  log.stage(0, 0, "map at job.py:1",
            {spec(0, 0, 1'700'000'001'000, 300), spec(1, 1, 1'700'000'001'000, 500, "ExceptionFailure"),
             spec(2, 1, 1'700'000'001'600, 200), spec(3, 2, 1'700'000'001'000, 900),
             spec(4, 2, 1'700'000'001'500, 100, "TaskKilled")});
  log.stage(1, 1, "collect at job.py:2", {spec(5, 0, 1'700'000'003'000, 50), spec(6, 1, 1'700'000'003'000, 70)});
  return log;
}

TEST_CASE("stage list: newest stage first, counts and totals as Spark's listener keeps them",
          "[collector][history-server][stages]") {
  SmallApp app(twoStageApp());
  Json stages = app.get("stages");
  REQUIRE(stages.size() == 2);
  CHECK(stages[0]["stageId"] == 1);
  CHECK(stages[1]["stageId"] == 0);
  const Json& first = stages[1];
  CHECK(first["status"] == "COMPLETE");
  CHECK(first["numTasks"] == 5);
  CHECK(first["numCompleteTasks"] == 3);
  CHECK(first["numFailedTasks"] == 1);
  CHECK(first["numKilledTasks"] == 1);
  CHECK(first["numActiveTasks"] == 0);
  CHECK(first["numCompletedIndices"] == 3);
  CHECK(first["killedTasksSummary"] == Json{{"another attempt succeeded", 1}});
  // Every attempt that reported metrics counts in the totals, failed and killed ones too.
  CHECK(first["executorRunTime"] == (290 + 490 + 190 + 890 + 90));
  CHECK(first["firstTaskLaunchedTime"] == "2023-11-14T22:13:21.000GMT");
  CHECK_FALSE(first.contains("tasks"));
  CHECK(first["schedulingPool"] == "default");
  CHECK(first["peakExecutorMetrics"]["JVMHeapMemory"] == 0);  // TaskEnds without metrics count as zeros
}

TEST_CASE("stage list filters by status, and with details by task status", "[collector][history-server][stages]") {
  SmallApp app(twoStageApp());
  CHECK(app.get("stages?status=complete").size() == 2);
  CHECK(app.get("stages?status=FAILED").empty());
  CHECK(app.get("stages?status=failed&status=complete").size() == 2);
  Json withFailed = app.get("stages?details=true&taskStatus=FAILED");
  REQUIRE(withFailed.size() == 1);
  CHECK(withFailed[0]["stageId"] == 0);
  REQUIRE(withFailed[0]["tasks"].size() == 1);
  CHECK(withFailed[0]["tasks"]["1"]["status"] == "FAILED");
  CHECK(withFailed[0]["tasks"]["1"]["errorMessage"] == "java.lang.RuntimeException: boom");
  // Without details the task status does not filter stages.
  CHECK(app.get("stages?taskStatus=FAILED").size() == 2);
  CHECK(app.error("stages?status=done", 400).find("status") != std::string::npos);
}

TEST_CASE("one stage answers its attempts with details by default", "[collector][history-server][stages]") {
  SmallApp app(twoStageApp());
  Json attempts = app.get("stages/0");
  REQUIRE(attempts.is_array());
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0]["tasks"].size() == 5);
  REQUIRE(attempts[0]["executorSummary"].contains("1"));
  const Json& onOne = attempts[0]["executorSummary"]["1"];
  CHECK(onOne["succeededTasks"] == 3);
  CHECK(onOne["failedTasks"] == 1);
  CHECK(onOne["killedTasks"] == 1);
  CHECK(onOne["taskTime"] == 300 + 500 + 200 + 900 + 100);
  CHECK(app.get("stages/0?details=false")[0].contains("tasks") == false);

  Json attempt = app.get("stages/0/0?taskStatus=killed");
  CHECK(attempt.is_object());
  REQUIRE(attempt["tasks"].size() == 1);
  CHECK(attempt["tasks"]["4"]["errorMessage"] == "another attempt succeeded");
  CHECK(attempt["tasks"]["4"]["status"] == "KILLED");

  Json summaries = app.get("stages/0/0?withSummaries=true&quantiles=0.5,0");
  CHECK(summaries["taskMetricsDistributions"]["quantiles"] == Json{0.0, 0.5});
  CHECK(summaries["executorMetricsDistributions"]["succeededTasks"] == Json{3.0, 3.0});
}

TEST_CASE("unknown stages and attempts answer 404 with Spark's messages", "[collector][history-server][stages]") {
  SmallApp app(twoStageApp());
  CHECK(app.error("stages/7", 404) == "unknown stage: 7");
  CHECK(app.error("stages/7/0", 404) == "unknown stage: 7");
  CHECK(app.error("stages/0/3", 404) == "unknown attempt for stage 0.  Found attempts: [0]");
  CHECK(app.error("stages/0/3/taskSummary", 404) == "No tasks reported metrics for 0 / 3 yet.");
  CHECK(app.get("stages/0/3/taskList").empty());
  ApiResponse response = ask(*app.store, "app-1", "", "stages/x");
  CHECK(response.status == 404);
  CHECK(response.unknownPath);
  CHECK(ask(*app.store, "app-1", "", "stages/0/0/taskTable").unknownPath);
}

TEST_CASE("taskList pages, filters and sorts as Spark's task index does", "[collector][history-server][stages]") {
  SmallApp app(twoStageApp());
  auto ids = [](const Json& tasks) {
    std::vector<int64_t> result;
    for (const Json& task : tasks) result.push_back(task["taskId"].get<int64_t>());
    return result;
  };
  CHECK(ids(app.get("stages/0/0/taskList")) == std::vector<int64_t>{0, 1, 2, 3, 4});
  CHECK(ids(app.get("stages/0/0/taskList?offset=1&length=2")) == std::vector<int64_t>{1, 2});
  CHECK(ids(app.get("stages/0/0/taskList?status=success&offset=1")) == std::vector<int64_t>{2, 3});
  // Attempts that did not succeed sort below every success: Spark stores their run time negated.
  CHECK(ids(app.get("stages/0/0/taskList?sortBy=runtime")) == std::vector<int64_t>{1, 4, 2, 0, 3});
  CHECK(ids(app.get("stages/0/0/taskList?sortBy=-runtime")) == std::vector<int64_t>{3, 0, 2, 4, 1});
  CHECK(ids(app.get("stages/0/0/taskList?sortBy=decreasing_runtime&length=1")) == std::vector<int64_t>{3});
  CHECK(app.error("stages/0/0/taskList?sortBy=slowest", 400).find("sortBy") != std::string::npos);
  CHECK(app.error("stages/0/0/taskList?offset=ten", 400).find("offset") != std::string::npos);
  CHECK(app.error("stages/0/0/taskList?status=lost", 400).find("status") != std::string::npos);
}

TEST_CASE("taskSummary counts only successful attempts, as the History Server does", "[collector][history-server][stages]") {
  SmallApp app(twoStageApp());
  Json summary = app.get("stages/0/0/taskSummary?quantiles=0,1");
  CHECK(summary["quantiles"] == Json{0.0, 1.0});
  CHECK(summary["executorRunTime"] == Json{190.0, 890.0});
  // Indices come from the 3 successes; duration sees every finished attempt, so the last index
  // (2) of the 5 durations is 300.
  CHECK(summary["duration"] == Json{100.0, 300.0});
  CHECK(app.error("stages/0/0/taskSummary?quantiles=2", 400).find("quantiles") != std::string::npos);
}

// ---- Spark's listener rules, on hand-written events ----------------------------------------

Json taskInfo(int64_t taskId, int index, const std::string& executor, int64_t launchMs, int64_t finishMs,
              bool speculative = false) {
  return Json{{"Task ID", taskId},        {"Index", index},
              {"Attempt", 0},             {"Partition ID", index},
              {"Launch Time", launchMs},  {"Executor ID", executor},
              {"Host", "host-" + executor}, {"Locality", "PROCESS_LOCAL"},
              {"Speculative", speculative}, {"Getting Result Time", 0},
              {"Finish Time", finishMs},  {"Failed", false},
              {"Killed", false},          {"Accumulables", Json::array()}};
}

std::string taskStart(int64_t taskId, int index, const std::string& executor, int64_t launchMs,
                      bool speculative = false) {
  return Json{{"Event", "SparkListenerTaskStart"}, {"Stage ID", 5}, {"Stage Attempt ID", 0},
              {"Task Info", taskInfo(taskId, index, executor, launchMs, 0, speculative)}}
      .dump();
}

std::string taskEnd(int64_t taskId, int index, const std::string& executor, int64_t launchMs, int64_t finishMs,
                    const Json& reason, bool withMetrics, int64_t heapPeak = -1, bool speculative = false) {
  Json event{{"Event", "SparkListenerTaskEnd"}, {"Stage ID", 5}, {"Stage Attempt ID", 0},
             {"Task Type", "ResultTask"}, {"Task End Reason", reason},
             {"Task Info", taskInfo(taskId, index, executor, launchMs, finishMs, speculative)}};
  if (heapPeak >= 0) event["Task Executor Metrics"] = {{"JVMHeapMemory", heapPeak}};
  if (withMetrics) {
    event["Task Metrics"] = {{"Executor Deserialize Time", 1}, {"Executor Run Time", finishMs - launchMs - 5},
                             {"Result Size", 10}, {"JVM GC Time", 0}, {"Result Serialization Time", 1},
                             {"Memory Bytes Spilled", 0}, {"Disk Bytes Spilled", 0}};
  } else {
    event["Task Metrics"] = nullptr;
  }
  return event.dump();
}

EventLogBuilder listenerRulesApp() {
  const int64_t t0 = 1'700'000'010'000;
  Json stageInfo{{"Stage ID", 5}, {"Stage Attempt ID", 0}, {"Stage Name", "count at rules.scala:5"},
                 {"Number of Tasks", 2}, {"RDD Info", Json::array()}, {"Parent IDs", Json::array()},
                 {"Details", ""}, {"Accumulables", Json::array()}};
  Json submitted = stageInfo;
  submitted["Submission Time"] = t0;
  Json completed = submitted;
  completed["Completion Time"] = t0 + 500;
  EventLogBuilder log("app-1", "listener rules");
  log.rawLine(Json{{"Event", "SparkListenerJobStart"}, {"Job ID", 3}, {"Submission Time", t0},
                   {"Stage Infos", Json::array({stageInfo})}, {"Stage IDs", Json::array({5})}}
                  .dump())
      .rawLine(Json{{"Event", "SparkListenerStageSubmitted"}, {"Stage Info", submitted},
                    {"Properties", {{"spark.job.description", "count rows"}, {"spark.scheduler.pool", "etl"}}}}
                   .dump())
      .rawLine(taskStart(10, 0, "1", t0 + 10))
      .rawLine(taskStart(11, 1, "2", t0 + 10))
      .rawLine(taskStart(12, 1, "1", t0 + 200, true))
      .rawLine(taskEnd(10, 0, "1", t0 + 10, t0 + 300, {{"Reason", "Success"}}, true, 100))
      .rawLine(taskEnd(11, 1, "2", t0 + 10, t0 + 400, {{"Reason", "Success"}}, true))
      .rawLine(Json{{"Event", "SparkListenerStageExecutorMetrics"}, {"Executor ID", "2"}, {"Stage ID", 5},
                    {"Stage Attempt ID", 0}, {"Executor Metrics", {{"JVMHeapMemory", 500}}}}
                   .dump())
      .rawLine(Json{{"Event", "SparkListenerExecutorExcludedForStage"}, {"time", t0 + 450}, {"executorId", "3"},
                    {"taskFailures", 2}, {"stageId", 5}, {"stageAttemptId", 0}}
                   .dump())
      // The stage completes while the speculative copy still runs: it stays live until that ends.
      .rawLine(Json{{"Event", "SparkListenerStageCompleted"}, {"Stage Info", completed}}.dump())
      // A second end of task 10 (its executor was lost): counted as failed, nothing else.
      .rawLine(taskEnd(10, 0, "1", t0 + 10, t0 + 300, {{"Reason", "Resubmitted"}}, false))
      .rawLine(taskEnd(12, 1, "1", t0 + 200, t0 + 600, {{"Reason", "TaskKilled"}, {"Kill Reason", "another attempt succeeded"}},
                       true, -1, true))
      // After its last running task the stage is no longer live: this end counts nowhere.
      .rawLine(taskEnd(11, 1, "2", t0 + 10, t0 + 400, {{"Reason", "Resubmitted"}}, false))
      .rawLine(Json{{"Event", "SparkListenerJobEnd"}, {"Job ID", 3}, {"Completion Time", t0 + 700},
                    {"Job Result", {{"Result", "JobSucceeded"}}}}
                   .dump());
  return log;
}

TEST_CASE("stage counts follow AppStatusListener: live stages, repeated ends, speculation, peaks",
          "[collector][history-server][stages]") {
  SmallApp app(listenerRulesApp());
  Json stage = app.get("stages/5/0");
  CHECK(stage["status"] == "COMPLETE");
  CHECK(stage["numCompleteTasks"] == 2);
  CHECK(stage["numFailedTasks"] == 1);
  CHECK(stage["numKilledTasks"] == 1);
  CHECK(stage["numActiveTasks"] == 0);
  CHECK(stage["numCompletedIndices"] == 2);
  CHECK(stage["description"] == "count rows");
  CHECK(stage["schedulingPool"] == "etl");
  CHECK(stage["killedTasksSummary"] == Json{{"another attempt succeeded", 1}});
  // Only first ends of started tasks add metrics: 285 + 385 + 395.
  CHECK(stage["executorRunTime"] == 285 + 385 + 395);
  CHECK(stage["speculationSummary"] ==
        Json{{"numTasks", 1}, {"numActiveTasks", 0}, {"numCompletedTasks", 0}, {"numFailedTasks", 0}, {"numKilledTasks", 1}});
  CHECK(stage["peakExecutorMetrics"]["JVMHeapMemory"] == 500);
  const Json& onOne = stage["executorSummary"]["1"];
  CHECK(onOne["succeededTasks"] == 1);
  CHECK(onOne["failedTasks"] == 1);
  CHECK(onOne["killedTasks"] == 1);
  CHECK(onOne["taskTime"] == 290 + 290 + 400);
  CHECK(onOne["peakMemoryMetrics"]["JVMHeapMemory"] == 100);
  CHECK(stage["executorSummary"]["2"]["succeededTasks"] == 1);
  CHECK(stage["executorSummary"]["2"]["peakMemoryMetrics"]["JVMHeapMemory"] == 500);
  CHECK(stage["executorSummary"]["3"]["isExcludedForStage"] == true);
  CHECK(stage["executorSummary"]["3"]["taskTime"] == 0);
  // The store keeps the first end of each task.
  REQUIRE(stage["tasks"].size() == 3);
  CHECK(stage["tasks"]["10"]["status"] == "SUCCESS");
  CHECK(stage["tasks"]["12"]["speculative"] == true);
}

}  // namespace
// Found by fuzz_event_log_parser: times at the ends of int64 overflowed the executor's task time.
TEST_CASE("absurd task times wrap as Spark's longs do instead of overflowing", "[collector][history-server][stages]") {
  const int64_t early = std::numeric_limits<int64_t>::min() + 1'000;
  const int64_t late = std::numeric_limits<int64_t>::max() - 1'000;
  Json stageInfo{{"Stage ID", 5}, {"Stage Attempt ID", 0}, {"Stage Name", "absurd"}, {"Number of Tasks", 2},
                 {"RDD Info", Json::array()}, {"Parent IDs", Json::array()}, {"Details", ""},
                 {"Accumulables", Json::array()}, {"Submission Time", 1}};
  EventLogBuilder log("app-1", "absurd times");
  log.rawLine(Json{{"Event", "SparkListenerStageSubmitted"}, {"Stage Info", stageInfo}}.dump())
      .rawLine(taskStart(10, 0, "1", early))
      .rawLine(taskStart(11, 1, "1", early))
      .rawLine(taskEnd(10, 0, "1", early, late, {{"Reason", "Success"}}, false))
      .rawLine(taskEnd(11, 1, "1", early, late, {{"Reason", "Success"}}, false));
  SmallApp app(log);
  Json stage = app.get("/stages/5/0");
  CHECK(stage["numCompleteTasks"] == 2);
  const int64_t oneTask = static_cast<int64_t>(static_cast<uint64_t>(late) - static_cast<uint64_t>(early));
  CHECK(stage["executorSummary"]["1"]["taskTime"].get<int64_t>() ==
        static_cast<int64_t>(static_cast<uint64_t>(oneTask) * 2));
  // The task list renders the tasks' durations without overflowing.
  CHECK(app.get("/stages/5/0/taskList").size() == 2);
}

}  // namespace jobtuner::collector
