// For every stage attempt of every corpus log and of a generated log, the History-Server answer
// `taskSummary` agrees with the quantiles recomputed, by Spark's rule, from the same stage's
// `taskList`. The recomputation here reads only the TaskData JSON, so it checks the store, the
// task rendering and the summary against each other, in process (no process per stage).

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "collector/hs_stages.h"
#include "collector/ingest.h"
#include "collector/store.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using jobtuner::collector::ApiRequest;
using jobtuner::collector::ApiResponse;
using jobtuner::collector::AppAttemptRef;
using jobtuner::collector::Store;
// The answers are read as they are built (ordered), without a text round trip.
using Json = nlohmann::ordered_json;

namespace {

ApiResponse ask(const Store& store, const AppAttemptRef& app, int32_t stageId, int32_t attemptId,
                const std::string& endpoint, const std::string& queryName, const std::string& queryValue) {
  ApiRequest request;
  request.segments = {"applications", app.appId};
  if (!app.attemptId.empty()) request.segments.push_back(app.attemptId);
  size_t first = request.segments.size();
  for (const std::string& segment : {std::string("stages"), std::to_string(stageId), std::to_string(attemptId), endpoint}) {
    request.segments.push_back(segment);
  }
  request.query.emplace(queryName, queryValue);
  request.original = "/applications/" + app.appId + "/stages/" + std::to_string(stageId) + "/" +
                     std::to_string(attemptId) + "/" + endpoint;
  return jobtuner::collector::answerStagesRequest(store, app, request, first);
}

int64_t number(const Json& object, const char* key) {
  auto found = object.find(key);
  return found == object.end() ? 0 : found->get<int64_t>();
}

// Spark's AppStatusStore.taskSummary, restated over TaskData: n successful attempts with metrics;
// each metric sorted on its own; quantile q reads index min(floor(q * n), n - 1), NaN past the
// end, and a repeated index repeats the last value read.
struct Recomputed {
  int64_t count = 0;
  std::vector<std::pair<std::string, std::vector<int64_t>>> metrics;  // JSON pointer -> values
};

Recomputed recompute(const Json& tasks) {
  using Getter = std::function<int64_t(const Json& task, const Json& metrics)>;
  struct Metric {
    const char* pointer;
    Getter value;
    bool everyAttempt;  // duration, schedulerDelay, gettingResultTime: not only the successful ones
  };
  auto field = [](const char* group, const char* name) -> Getter {
    return [=](const Json&, const Json& m) { return group ? number(m.at(group), name) : number(m, name); };
  };
  auto shuffleRead = [](const char* name) -> Getter {
    return [=](const Json&, const Json& m) { return number(m.at("shuffleReadMetrics"), name); };
  };
  auto pushRead = [](const char* name) -> Getter {
    return [=](const Json&, const Json& m) { return number(m.at("shuffleReadMetrics").at("shufflePushReadMetrics"), name); };
  };
  const std::vector<Metric> metrics = {
      {"/executorDeserializeTime", field(nullptr, "executorDeserializeTime"), false},
      {"/executorDeserializeCpuTime", field(nullptr, "executorDeserializeCpuTime"), false},
      {"/executorRunTime", field(nullptr, "executorRunTime"), false},
      {"/executorCpuTime", field(nullptr, "executorCpuTime"), false},
      {"/resultSize", field(nullptr, "resultSize"), false},
      {"/jvmGcTime", field(nullptr, "jvmGcTime"), false},
      {"/resultSerializationTime", field(nullptr, "resultSerializationTime"), false},
      {"/gettingResultTime", [](const Json& t, const Json&) { return number(t, "gettingResultTime"); }, true},
      {"/schedulerDelay", [](const Json& t, const Json&) { return number(t, "schedulerDelay"); }, true},
      {"/peakExecutionMemory", field(nullptr, "peakExecutionMemory"), false},
      {"/memoryBytesSpilled", field(nullptr, "memoryBytesSpilled"), false},
      {"/diskBytesSpilled", field(nullptr, "diskBytesSpilled"), false},
      {"/inputMetrics/bytesRead", field("inputMetrics", "bytesRead"), false},
      {"/inputMetrics/recordsRead", field("inputMetrics", "recordsRead"), false},
      {"/outputMetrics/bytesWritten", field("outputMetrics", "bytesWritten"), false},
      {"/outputMetrics/recordsWritten", field("outputMetrics", "recordsWritten"), false},
      {"/shuffleReadMetrics/readBytes",
       [](const Json&, const Json& m) {
         return number(m.at("shuffleReadMetrics"), "localBytesRead") + number(m.at("shuffleReadMetrics"), "remoteBytesRead");
       },
       false},
      {"/shuffleReadMetrics/readRecords", shuffleRead("recordsRead"), false},
      {"/shuffleReadMetrics/remoteBlocksFetched", shuffleRead("remoteBlocksFetched"), false},
      {"/shuffleReadMetrics/localBlocksFetched", shuffleRead("localBlocksFetched"), false},
      {"/shuffleReadMetrics/fetchWaitTime", shuffleRead("fetchWaitTime"), false},
      {"/shuffleReadMetrics/remoteBytesRead", shuffleRead("remoteBytesRead"), false},
      {"/shuffleReadMetrics/remoteBytesReadToDisk", shuffleRead("remoteBytesReadToDisk"), false},
      {"/shuffleReadMetrics/totalBlocksFetched",
       [](const Json&, const Json& m) {
         return number(m.at("shuffleReadMetrics"), "localBlocksFetched") +
                number(m.at("shuffleReadMetrics"), "remoteBlocksFetched");
       },
       false},
      {"/shuffleReadMetrics/remoteReqsDuration", shuffleRead("remoteReqsDuration"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/corruptMergedBlockChunks", pushRead("corruptMergedBlockChunks"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/mergedFetchFallbackCount", pushRead("mergedFetchFallbackCount"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/remoteMergedBlocksFetched", pushRead("remoteMergedBlocksFetched"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/localMergedBlocksFetched", pushRead("localMergedBlocksFetched"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/remoteMergedChunksFetched", pushRead("remoteMergedChunksFetched"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/localMergedChunksFetched", pushRead("localMergedChunksFetched"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/remoteMergedBytesRead", pushRead("remoteMergedBytesRead"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/localMergedBytesRead", pushRead("localMergedBytesRead"), false},
      {"/shuffleReadMetrics/shufflePushReadMetricsDist/remoteMergedReqsDuration", pushRead("remoteMergedReqsDuration"), false},
      {"/shuffleWriteMetrics/writeBytes", field("shuffleWriteMetrics", "bytesWritten"), false},
      {"/shuffleWriteMetrics/writeRecords", field("shuffleWriteMetrics", "recordsWritten"), false},
      {"/shuffleWriteMetrics/writeTime", field("shuffleWriteMetrics", "writeTime"), false},
  };

  Recomputed result;
  std::vector<int64_t> durations;
  for (const Json& task : tasks) {
    const std::string status = task.at("status");
    bool successful = status == "SUCCESS" && task.contains("taskMetrics");
    if (successful) ++result.count;
    // TaskData leaves out a duration that is not positive; a finished attempt's is then 0.
    if (task.contains("duration")) {
      durations.push_back(task.at("duration").get<int64_t>());
    } else if (status == "SUCCESS" || status == "FAILED" || status == "KILLED") {
      durations.push_back(0);
    }
  }
  result.metrics.emplace_back("/duration", std::move(durations));
  for (const Metric& metric : metrics) {
    std::vector<int64_t> values;
    for (const Json& task : tasks) {
      if (!task.contains("taskMetrics")) continue;
      if (!metric.everyAttempt && task.at("status") != "SUCCESS") continue;
      int64_t value = metric.value(task, task.at("taskMetrics"));
      if (value >= 0) values.push_back(value);
    }
    result.metrics.emplace_back(metric.pointer, std::move(values));
  }
  return result;
}

Json quantilesOf(std::vector<int64_t> values, int64_t count, const std::vector<double>& sortedQuantiles) {
  std::sort(values.begin(), values.end());
  Json result = Json::array();
  int64_t current = -1;
  Json last = nullptr;
  for (double q : sortedQuantiles) {
    int64_t index = std::min(static_cast<int64_t>(q * static_cast<double>(count)), count - 1);
    if (index == current) {
      result.push_back(last);
      continue;
    }
    current = index;
    if (index < static_cast<int64_t>(values.size())) {
      last = static_cast<double>(values[index]);
      result.push_back(last);
    } else {
      result.push_back(nullptr);  // NaN, which JSON writers without NaN write as null
    }
  }
  return result;
}

// Checks every stage attempt of every app the store keeps; returns how many were compared.
int64_t checkStore(const Store& store, const std::vector<std::pair<std::string, std::vector<double>>>& quantileSets) {
  int64_t compared = 0;
  for (const auto& row : store.listApps()) {
    AppAttemptRef app{row.appId, row.attemptId};
    auto loaded = store.loadApp(row.appId, row.attemptId);
    REQUIRE(loaded);
    for (const auto& stage : loaded->stages) {
      ApiResponse list = ask(store, app, stage.stageId, stage.attemptId, "taskList", "length", "2000000000");
      INFO(row.appId << "/" << row.attemptId << " stage " << stage.stageId << "." << stage.attemptId << " "
                     << list.error);
      REQUIRE(list.status == 200);
      const Json& tasks = list.body;
      Recomputed expected = recompute(tasks);
      for (const auto& [text, sorted] : quantileSets) {
        ApiResponse summary = ask(store, app, stage.stageId, stage.attemptId, "taskSummary", "quantiles", text);
        INFO("quantiles=" << text << " successful attempts " << expected.count);
        if (expected.count == 0) {
          CHECK(summary.status == 404);
          continue;
        }
        REQUIRE(summary.status == 200);
        const Json& actual = summary.body;
        CHECK(actual.at("quantiles") == Json(sorted));
        for (const auto& [pointer, values] : expected.metrics) {
          INFO(pointer);
          CHECK(actual.at(Json::json_pointer(pointer)) == quantilesOf(values, expected.count, sorted));
        }
      }
      ++compared;
    }
  }
  return compared;
}

const std::vector<std::pair<std::string, std::vector<double>>> kQuantileSets = {
    {"0.05,0.25,0.5,0.75,0.95", {0.05, 0.25, 0.5, 0.75, 0.95}},
    {"1,0,0.5,0.5,0.01,0.999", {0.0, 0.01, 0.5, 0.5, 0.999, 1.0}},
};

}  // namespace

TEST_CASE("taskSummary equals the quantiles of taskList for every corpus stage attempt",
          "[e2e][history-server][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  TempDir dir;
  auto store = Store::open(dir / "store.db");
  jobtuner::collector::ingestPath(*store, *corpus, jobtuner::collector::IngestOptions{});
  REQUIRE(store->listApps().size() >= 40);
  int64_t compared = checkStore(*store, kQuantileSets);
  CHECK(compared > 500);
}

TEST_CASE("taskSummary equals the quantiles of taskList for a generated log", "[e2e][history-server]") {
  TempDir dir;
  CommandResult generated = runProgram(JOBTUNER_GENERATOR_BINARY,
                                       {"--output", (dir / "generated.log").string(), "--size-mb", "20", "--seed", "7"});
  INFO(generated.err);
  REQUIRE(generated.exitCode == 0);
  auto store = Store::open(dir / "store.db");
  jobtuner::collector::ingestPath(*store, dir / "generated.log", jobtuner::collector::IngestOptions{});
  REQUIRE(store->listApps().size() == 1);
  int64_t compared = checkStore(*store, kQuantileSets);
  CHECK(compared >= 10);
}
