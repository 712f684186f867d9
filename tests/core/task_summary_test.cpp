#include "core/task_summary.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/errors.h"
#include "support/test_support.h"

using namespace jobtuner::core;
using jobtuner::testing::requireCorpus;
using Metric = TaskSummaryBuilder::Metric;

namespace {

TaskAttempt task(TaskStatus status, int64_t runTimeMs, int64_t launchMs = 1000, int64_t finishMs = 0) {
  TaskAttempt attempt;
  attempt.status = status;
  attempt.launchTimeMs = launchMs;
  attempt.finishTimeMs = status == TaskStatus::Running ? 0 : (finishMs ? finishMs : launchMs + runTimeMs);
  attempt.metrics.hasMetrics = status != TaskStatus::Running;
  attempt.metrics.executorRunTimeMs = runTimeMs;
  return attempt;
}

// A few TaskEnd fields decoded with nlohmann, on purpose independent of the collector's parser:
// this test checks the quantile rule, not the parser.
struct DecodedTask {
  TaskAttempt attempt;
};

int64_t field(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  return found == object.end() || found->is_null() ? 0 : found->get<int64_t>();
}

DecodedTask decodeTaskEnd(const nlohmann::json& event) {
  DecodedTask decoded;
  TaskAttempt& t = decoded.attempt;
  const auto& info = event.at("Task Info");
  t.taskId = info.at("Task ID").get<int64_t>();
  t.stageId = event.at("Stage ID").get<int32_t>();
  t.stageAttemptId = event.at("Stage Attempt ID").get<int32_t>();
  t.launchTimeMs = field(info, "Launch Time");
  t.finishTimeMs = field(info, "Finish Time");
  t.gettingResultTimeMs = field(info, "Getting Result Time");
  // Spark derives the status from Task Info (TaskInfo.status), not from the end reason.
  bool failed = info.value("Failed", false);
  bool killed = info.value("Killed", false);
  t.status = t.finishTimeMs == 0 ? TaskStatus::Running
             : failed            ? TaskStatus::Failed
             : killed            ? TaskStatus::Killed
                                 : TaskStatus::Success;
  auto metricsFound = event.find("Task Metrics");
  if (metricsFound == event.end() || metricsFound->is_null()) return decoded;
  const auto& m = *metricsFound;
  TaskMetrics& out = t.metrics;
  out.hasMetrics = true;
  out.executorDeserializeTimeMs = field(m, "Executor Deserialize Time");
  out.executorDeserializeCpuTimeNs = field(m, "Executor Deserialize CPU Time");
  out.executorRunTimeMs = field(m, "Executor Run Time");
  out.executorCpuTimeNs = field(m, "Executor CPU Time");
  out.peakExecutionMemoryBytes = field(m, "Peak Execution Memory");
  out.resultSizeBytes = field(m, "Result Size");
  out.jvmGcTimeMs = field(m, "JVM GC Time");
  out.resultSerializationTimeMs = field(m, "Result Serialization Time");
  out.memoryBytesSpilled = field(m, "Memory Bytes Spilled");
  out.diskBytesSpilled = field(m, "Disk Bytes Spilled");
  if (m.contains("Input Metrics")) {
    out.inputBytes = field(m["Input Metrics"], "Bytes Read");
    out.inputRecords = field(m["Input Metrics"], "Records Read");
  }
  if (m.contains("Output Metrics")) {
    out.outputBytes = field(m["Output Metrics"], "Bytes Written");
    out.outputRecords = field(m["Output Metrics"], "Records Written");
  }
  if (m.contains("Shuffle Read Metrics")) {
    const auto& r = m["Shuffle Read Metrics"];
    out.shuffleRemoteBlocksFetched = field(r, "Remote Blocks Fetched");
    out.shuffleLocalBlocksFetched = field(r, "Local Blocks Fetched");
    out.shuffleFetchWaitTimeMs = field(r, "Fetch Wait Time");
    out.shuffleRemoteBytesRead = field(r, "Remote Bytes Read");
    out.shuffleRemoteBytesReadToDisk = field(r, "Remote Bytes Read To Disk");
    out.shuffleLocalBytesRead = field(r, "Local Bytes Read");
    out.shuffleRecordsRead = field(r, "Total Records Read");
    out.shuffleRemoteReqsDurationMs = field(r, "Remote Requests Duration");
    if (r.contains("Shuffle Push Read Metrics")) {
      const auto& p = r["Shuffle Push Read Metrics"];
      out.shuffleCorruptMergedBlockChunks = field(p, "Corrupt Merged Block Chunks");
      out.shuffleMergedFetchFallbackCount = field(p, "Merged Fallback Count");
      out.shuffleRemoteMergedBlocksFetched = field(p, "Merged Remote Blocks Fetched");
      out.shuffleLocalMergedBlocksFetched = field(p, "Merged Local Blocks Fetched");
      out.shuffleRemoteMergedChunksFetched = field(p, "Merged Remote Chunks Fetched");
      out.shuffleLocalMergedChunksFetched = field(p, "Merged Local Chunks Fetched");
      out.shuffleRemoteMergedBytesRead = field(p, "Merged Remote Bytes Read");
      out.shuffleLocalMergedBytesRead = field(p, "Merged Local Bytes Read");
      out.shuffleRemoteMergedReqsDurationMs = field(p, "Merged Remote Requests Duration");
    }
  }
  if (m.contains("Shuffle Write Metrics")) {
    const auto& w = m["Shuffle Write Metrics"];
    out.shuffleBytesWritten = field(w, "Shuffle Bytes Written");
    out.shuffleWriteTimeNs = field(w, "Shuffle Write Time");
    out.shuffleRecordsWritten = field(w, "Shuffle Records Written");
  }
  return decoded;
}

TaskSummaryBuilder builderForStage(const std::filesystem::path& log, int stageId, int stageAttemptId) {
  std::ifstream in(log);
  REQUIRE(in);
  TaskSummaryBuilder builder;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"SparkListenerTaskEnd\"") == std::string::npos) continue;
    auto event = nlohmann::json::parse(line);
    if (event.at("Stage ID") != stageId || event.at("Stage Attempt ID") != stageAttemptId) continue;
    DecodedTask decoded = decodeTaskEnd(event);
    builder.add(decoded.attempt);
  }
  return builder;
}

nlohmann::ordered_json readOrderedJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return nlohmann::ordered_json::parse(in);
}

// Collects the object keys in document order, so a failure shows where the order differs.
void collectKeys(const nlohmann::ordered_json& value, const std::string& prefix, std::vector<std::string>& keys) {
  if (!value.is_object()) return;
  for (const auto& [key, child] : value.items()) {
    keys.push_back(prefix + key);
    collectKeys(child, prefix + key + ".", keys);
  }
}

void requireSameAsExpectation(const nlohmann::ordered_json& actual, const nlohmann::ordered_json& expected) {
  // Values compare as JSON numbers, so 1.0 and 1 are equal; the expectation writes doubles.
  CHECK(nlohmann::json(actual) == nlohmann::json(expected));
  std::vector<std::string> actualKeys, expectedKeys;
  collectKeys(actual, "", actualKeys);
  collectKeys(expected, "", expectedKeys);
  CHECK(actualKeys == expectedKeys);
}

}  // namespace

TEST_CASE("quantile index is min(floor(q * n), n - 1) over the sorted values", "[core][quantiles]") {
  std::vector<double> values{40, 10, 30, 20};
  CHECK(historyServerQuantiles(values, {0.0, 0.25, 0.5, 0.74, 0.75, 1.0}) ==
        std::vector<double>{10, 20, 30, 30, 40, 40});
  CHECK(values == std::vector<double>{10, 20, 30, 40});

  std::vector<double> one{7};
  CHECK(historyServerQuantiles(one, {0.0, 0.5, 1.0}) == std::vector<double>{7, 7, 7});
}

TEST_CASE("quantile index truncates the double product as the JVM does", "[core][quantiles]") {
  std::vector<double> values;
  for (int i = 0; i < 100; ++i) values.push_back(i);
  // 0.29 * 100 is 28.999999999999996 in binary floating point, so Spark reads index 28.
  CHECK(historyServerQuantiles(values, {0.29})[0] == 28);
  CHECK(historyServerQuantiles(values, {0.95})[0] == 95);
  CHECK(historyServerQuantiles(values, {0.05})[0] == 5);
}

TEST_CASE("quantiles of no values are zeros, as Spark's getQuantilesValue answers", "[core][quantiles]") {
  std::vector<double> none;
  CHECK(historyServerQuantiles(none, {0.5, 0.95}) == std::vector<double>{0, 0});
}

TEST_CASE("only successful attempts with metrics count for the summary", "[core][quantiles]") {
  CHECK(countsForTaskSummary(task(TaskStatus::Success, 10)));
  CHECK_FALSE(countsForTaskSummary(task(TaskStatus::Failed, 10)));
  CHECK_FALSE(countsForTaskSummary(task(TaskStatus::Killed, 10)));
  CHECK_FALSE(countsForTaskSummary(task(TaskStatus::Running, 10)));
  TaskAttempt noMetrics = task(TaskStatus::Success, 10);
  noMetrics.metrics.hasMetrics = false;
  CHECK_FALSE(countsForTaskSummary(noMetrics));
}

TEST_CASE("failed, killed and running attempts stay out of the plain metrics", "[core][quantiles]") {
  TaskSummaryBuilder builder;
  builder.add(task(TaskStatus::Success, 10));
  builder.add(task(TaskStatus::Success, 30));
  builder.add(task(TaskStatus::Failed, 1000));
  builder.add(task(TaskStatus::Killed, 2000));
  builder.add(task(TaskStatus::Running, 0));
  TaskAttempt noMetrics = task(TaskStatus::Success, 500);
  noMetrics.metrics.hasMetrics = false;
  builder.add(noMetrics);

  CHECK(builder.count() == 2);
  CHECK(builder.quantilesOf(Metric::kExecutorRunTime, {0.0, 0.5, 1.0}) == std::vector<double>{10, 30, 30});
}

TEST_CASE("duration sees every finished attempt, as Spark never negates it", "[core][quantiles]") {
  // Spark stores `duration` as is for all attempts, so its index scan reaches failed, killed and
  // metric-less attempts too, while the indices still come from the successful count.
  TaskSummaryBuilder builder;
  builder.add(task(TaskStatus::Success, 10, 1000, 1100));  // duration 100
  builder.add(task(TaskStatus::Success, 10, 1000, 1300));  // 300
  builder.add(task(TaskStatus::Failed, 10, 1000, 1050));   // 50
  builder.add(task(TaskStatus::Running, 0, 1000));
  REQUIRE(builder.count() == 2);
  // Sorted durations 50, 100, 300; n = 2 gives indices 0 and 1.
  CHECK(builder.quantilesOf(Metric::kDuration, {0.0, 1.0}) == std::vector<double>{50, 100});

  // The History Server times a running attempt up to the log's last update.
  builder.setLastUpdateTimeMs(1010);
  CHECK(builder.quantilesOf(Metric::kDuration, {0.0, 1.0}) == std::vector<double>{10, 50});
}

TEST_CASE("scheduler delay and getting-result time see every attempt with metrics", "[core][quantiles]") {
  TaskSummaryBuilder builder;
  TaskAttempt success = task(TaskStatus::Success, 60, 1000, 1100);
  success.metrics.executorDeserializeTimeMs = 5;
  success.metrics.resultSerializationTimeMs = 1;
  success.gettingResultTimeMs = 1090;  // 10 ms fetching the result
  builder.add(success);                // delay 100 - 60 - 5 - 1 - 10 = 24
  TaskAttempt failed = task(TaskStatus::Failed, 20, 1000, 1030);
  builder.add(failed);                 // delay 10, gettingResultTime 0
  TaskAttempt failedNoMetrics = task(TaskStatus::Failed, 0, 1000, 2000);
  failedNoMetrics.metrics.hasMetrics = false;
  builder.add(failedNoMetrics);        // no metrics: in neither

  REQUIRE(builder.count() == 1);
  CHECK(builder.quantilesOf(Metric::kSchedulerDelay, {0.0}) == std::vector<double>{10});
  CHECK(builder.quantilesOf(Metric::kGettingResultTime, {0.0}) == std::vector<double>{0});

  TaskSummaryBuilder alone;
  alone.add(success);
  CHECK(alone.quantilesOf(Metric::kSchedulerDelay, {0.5}) == std::vector<double>{24});
  CHECK(alone.quantilesOf(Metric::kGettingResultTime, {0.5}) == std::vector<double>{10});
}

TEST_CASE("scheduler delay is never negative", "[core][quantiles]") {
  TaskSummaryBuilder builder;
  builder.add(task(TaskStatus::Success, 500, 1000, 1100));
  CHECK(builder.quantilesOf(Metric::kSchedulerDelay, {0.5}) == std::vector<double>{0});
}

TEST_CASE("a metric with fewer values than the count reads NaN past its end", "[core][quantiles]") {
  TaskSummaryBuilder builder;
  builder.add(task(TaskStatus::Success, 10));
  TaskAttempt odd = task(TaskStatus::Success, 20);
  odd.metrics.executorCpuTimeNs = -5;  // below 0: Spark's scan from 0 never reaches it
  builder.add(odd);
  auto values = builder.quantilesOf(Metric::kExecutorCpuTime, {0.0, 0.5, 1.0});
  REQUIRE(values.size() == 3);
  CHECK(values[0] == 0);
  CHECK(std::isnan(values[1]));
  // 1.0 maps to the same index as 0.5 (n - 1); Spark then repeats the last value it actually read.
  CHECK(values[2] == 0);
}

TEST_CASE("no counted task gives no summary, as Spark answers 404", "[core][quantiles]") {
  TaskSummaryBuilder builder;
  CHECK_FALSE(builder.toHistoryServerJson(defaultQuantiles()));
  builder.add(task(TaskStatus::Failed, 10));
  builder.add(task(TaskStatus::Running, 0));
  CHECK_FALSE(builder.toOrderedHistoryServerJson(defaultQuantiles()));
}

TEST_CASE("the summary lists quantiles sorted, as Spark sorts them", "[core][quantiles]") {
  TaskSummaryBuilder builder;
  for (int64_t runTime : {30, 10, 20}) builder.add(task(TaskStatus::Success, runTime));
  auto json = builder.toOrderedHistoryServerJson({0.9, 0.1});
  REQUIRE(json);
  CHECK((*json)["quantiles"] == nlohmann::ordered_json({0.1, 0.9}));
  CHECK((*json)["executorRunTime"] == nlohmann::ordered_json({10.0, 30.0}));
}

TEST_CASE("default quantiles are the History Server's", "[core][quantiles]") {
  CHECK(defaultQuantiles() == std::vector<double>{0.05, 0.25, 0.5, 0.75, 0.95});
  CHECK(stageSummaryDefaultQuantiles() == std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0});
}

TEST_CASE("quantile lists parse from comma-separated numbers in [0, 1]", "[core][quantiles]") {
  CHECK(parseQuantiles("0.01,0.5,0.99") == std::vector<double>{0.01, 0.5, 0.99});
  CHECK(parseQuantiles(" 0 , 1 ") == std::vector<double>{0.0, 1.0});
  CHECK(parseQuantiles("+.5") == std::vector<double>{0.5});
}

TEST_CASE("a bad quantile is a user error naming the item", "[core][quantiles]") {
  auto messageOf = [](const std::string& text) {
    try {
      parseQuantiles(text);
    } catch (const UserError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK(messageOf("0.5,1.5") == "--quantiles: '1.5' is not a number between 0 and 1");
  CHECK(messageOf("abc") == "--quantiles: 'abc' is not a number between 0 and 1");
  CHECK(messageOf("-0.1") == "--quantiles: '-0.1' is not a number between 0 and 1");
  CHECK(messageOf("0.5,") == "--quantiles: '' is not a number between 0 and 1");
  CHECK(messageOf("") == "--quantiles: '' is not a number between 0 and 1");
  CHECK(messageOf("nan") == "--quantiles: 'nan' is not a number between 0 and 1");
  CHECK(messageOf("0.5x") == "--quantiles: '0.5x' is not a number between 0 and 1");
}

TEST_CASE("stage 0 with custom quantiles matches the History Server's taskSummary", "[core][quantiles]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  auto builder = builderForStage(*corpus / "apache-spark" / "local-1430917381534", 0, 0);
  auto actual = builder.toOrderedHistoryServerJson(parseQuantiles("0.01,0.5,0.99"));
  REQUIRE(actual);
  requireSameAsExpectation(*actual, readOrderedJson(*corpus / "expectations" / "apache-spark" /
                                                    "stage_task_summary_w__custom_quantiles_expectation.json"));
}

TEST_CASE("stage 1 with shuffle read matches the History Server's taskSummary", "[core][quantiles]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  auto builder = builderForStage(*corpus / "apache-spark" / "local-1430917381534", 1, 0);
  auto actual = builder.toOrderedHistoryServerJson(defaultQuantiles());
  REQUIRE(actual);
  requireSameAsExpectation(*actual, readOrderedJson(*corpus / "expectations" / "apache-spark" /
                                                    "stage_task_summary_w_shuffle_read_expectation.json"));
}

TEST_CASE("stage 0 with shuffle write matches the History Server's taskSummary", "[core][quantiles]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  auto builder = builderForStage(*corpus / "apache-spark" / "local-1430917381534", 0, 0);
  auto actual = builder.toOrderedHistoryServerJson(defaultQuantiles());
  REQUIRE(actual);
  requireSameAsExpectation(*actual, readOrderedJson(*corpus / "expectations" / "apache-spark" /
                                                    "stage_task_summary_w_shuffle_write_expectation.json"));
}

TEST_CASE("a stage's withSummaries distributions match the History Server's", "[core][quantiles]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  auto builder = builderForStage(*corpus / "apache-spark" / "app-20200706201101-0003", 2, 0);
  auto actual = builder.toOrderedHistoryServerJson(stageSummaryDefaultQuantiles());
  REQUIRE(actual);
  auto stage = readOrderedJson(*corpus / "expectations" / "apache-spark" / "stage_with_summaries_expectation.json");
  requireSameAsExpectation(*actual, stage.at("taskMetricsDistributions"));
}
