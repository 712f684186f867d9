#include "core/task_summary.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/errors.h"

namespace jobtuner::core {

namespace {

using Metric = TaskSummaryBuilder::Metric;

// Spark keeps a failed, killed or running attempt's metrics as -v - 1 so that an index scan
// starting at 0 never reaches them (LiveEntity.scala, makeNegative, SPARK-26260).
int64_t storedValue(bool successful, int64_t value) { return successful ? value : -value - 1; }

// What Spark's index scan from 0 sees of the shuffle sums: it adds the *stored* values, so a
// non-successful attempt's sum is negative and stays out, like the plain metrics.
int64_t storedSum(bool successful, int64_t first, int64_t second) {
  return storedValue(successful, first) + storedValue(successful, second);
}

// The JSON layout of v1.TaskMetricDistributions (api.scala): top-level metrics, then nested groups.
struct Field {
  const char* name;
  Metric metric;
};

constexpr Field kTopLevel[] = {
    {"duration", Metric::kDuration},
    {"executorDeserializeTime", Metric::kExecutorDeserializeTime},
    {"executorDeserializeCpuTime", Metric::kExecutorDeserializeCpuTime},
    {"executorRunTime", Metric::kExecutorRunTime},
    {"executorCpuTime", Metric::kExecutorCpuTime},
    {"resultSize", Metric::kResultSize},
    {"jvmGcTime", Metric::kJvmGcTime},
    {"resultSerializationTime", Metric::kResultSerializationTime},
    {"gettingResultTime", Metric::kGettingResultTime},
    {"schedulerDelay", Metric::kSchedulerDelay},
    {"peakExecutionMemory", Metric::kPeakExecutionMemory},
    {"memoryBytesSpilled", Metric::kMemoryBytesSpilled},
    {"diskBytesSpilled", Metric::kDiskBytesSpilled},
};
constexpr Field kInput[] = {
    {"bytesRead", Metric::kInputBytesRead},
    {"recordsRead", Metric::kInputRecordsRead},
};
constexpr Field kOutput[] = {
    {"bytesWritten", Metric::kOutputBytesWritten},
    {"recordsWritten", Metric::kOutputRecordsWritten},
};
constexpr Field kShuffleRead[] = {
    {"readBytes", Metric::kShuffleReadBytes},
    {"readRecords", Metric::kShuffleReadRecords},
    {"remoteBlocksFetched", Metric::kShuffleRemoteBlocksFetched},
    {"localBlocksFetched", Metric::kShuffleLocalBlocksFetched},
    {"fetchWaitTime", Metric::kShuffleFetchWaitTime},
    {"remoteBytesRead", Metric::kShuffleRemoteBytesRead},
    {"remoteBytesReadToDisk", Metric::kShuffleRemoteBytesReadToDisk},
    {"totalBlocksFetched", Metric::kShuffleTotalBlocksFetched},
    {"remoteReqsDuration", Metric::kShuffleRemoteReqsDuration},
};
constexpr Field kShufflePushRead[] = {
    {"corruptMergedBlockChunks", Metric::kShuffleCorruptMergedBlockChunks},
    {"mergedFetchFallbackCount", Metric::kShuffleMergedFetchFallbackCount},
    {"remoteMergedBlocksFetched", Metric::kShuffleRemoteMergedBlocksFetched},
    {"localMergedBlocksFetched", Metric::kShuffleLocalMergedBlocksFetched},
    {"remoteMergedChunksFetched", Metric::kShuffleRemoteMergedChunksFetched},
    {"localMergedChunksFetched", Metric::kShuffleLocalMergedChunksFetched},
    {"remoteMergedBytesRead", Metric::kShuffleRemoteMergedBytesRead},
    {"localMergedBytesRead", Metric::kShuffleLocalMergedBytesRead},
    {"remoteMergedReqsDuration", Metric::kShuffleRemoteMergedReqsDuration},
};
constexpr Field kShuffleWrite[] = {
    {"writeBytes", Metric::kShuffleWriteBytes},
    {"writeRecords", Metric::kShuffleWriteRecords},
    {"writeTime", Metric::kShuffleWriteTime},
};

// Spark computes the index as (q * count).toLong: a truncation of the double product, which for
// q in [0, 1] is the floor. The product is done in double exactly as the JVM does it.
int64_t quantileIndex(double quantile, int64_t count) {
  return std::min(static_cast<int64_t>(quantile * static_cast<double>(count)), count - 1);
}

std::string boundedForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) shown += "...";
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return shown;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<double> defaultQuantiles() { return {0.05, 0.25, 0.5, 0.75, 0.95}; }

std::vector<double> stageSummaryDefaultQuantiles() { return {0.0, 0.25, 0.5, 0.75, 1.0}; }

std::vector<double> parseQuantiles(const std::string& text) {
  std::vector<double> quantiles;
  std::string_view rest = text;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = trimmed(rest.substr(0, comma));
    std::string_view number = item;
    // from_chars takes no leading '+', which Spark's Double parsing (and people) accept.
    if (!number.empty() && number.front() == '+') number.remove_prefix(1);
    double value = std::numeric_limits<double>::quiet_NaN();
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
        !(value >= 0.0 && value <= 1.0)) {
      throw UserError(SourceLocation{},
                      "--quantiles: '" + boundedForMessage(item) + "' is not a number between 0 and 1",
                      "give comma-separated numbers such as 0.05,0.5,0.95");
    }
    quantiles.push_back(value);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return quantiles;
}

bool countsForTaskSummary(const TaskAttempt& task) {
  // Spark counts the attempts whose stored executor run time is >= 0 (AppStatusStore.taskSummary).
  return task.status == TaskStatus::Success && task.metrics.hasMetrics && task.metrics.executorRunTimeMs >= 0;
}

std::vector<double> historyServerQuantiles(std::vector<double>& values, const std::vector<double>& quantiles) {
  std::vector<double> result;
  result.reserve(quantiles.size());
  if (values.empty()) {
    result.assign(quantiles.size(), 0.0);
    return result;
  }
  std::sort(values.begin(), values.end());
  const auto count = static_cast<int64_t>(values.size());
  for (double quantile : quantiles) result.push_back(values[quantileIndex(quantile, count)]);
  return result;
}

void TaskSummaryBuilder::add(const TaskAttempt& task) {
  const TaskMetrics& m = task.metrics;
  const bool finished = task.status != TaskStatus::Running;
  const bool successful = task.status == TaskStatus::Success;

  // `duration` is stored as is for every attempt (LiveTask.doUpdate): finish - launch once
  // finished, time running until the log's last update otherwise.
  if (finished) {
    int64_t duration = task.finishTimeMs - task.launchTimeMs;
    if (duration >= 0) values_[kDuration].push_back(duration);
  } else {
    runningLaunchTimesMs_.push_back(task.launchTimeMs);
  }

  // Without metrics Spark stores -1 everywhere else, which no scan from 0 reaches.
  if (!m.hasMetrics) return;
  if (countsForTaskSummary(task)) ++count_;

  auto put = [&](Metric metric, int64_t stored) {
    if (stored >= 0) values_[metric].push_back(stored);
  };
  auto putMetric = [&](Metric metric, int64_t value) { put(metric, storedValue(successful, value)); };

  putMetric(kExecutorDeserializeTime, m.executorDeserializeTimeMs);
  putMetric(kExecutorDeserializeCpuTime, m.executorDeserializeCpuTimeNs);
  putMetric(kExecutorRunTime, m.executorRunTimeMs);
  putMetric(kExecutorCpuTime, m.executorCpuTimeNs);
  putMetric(kResultSize, m.resultSizeBytes);
  putMetric(kJvmGcTime, m.jvmGcTimeMs);
  putMetric(kResultSerializationTime, m.resultSerializationTimeMs);
  putMetric(kPeakExecutionMemory, m.peakExecutionMemoryBytes);
  putMetric(kMemoryBytesSpilled, m.memoryBytesSpilled);
  putMetric(kDiskBytesSpilled, m.diskBytesSpilled);
  putMetric(kInputBytesRead, m.inputBytes);
  putMetric(kInputRecordsRead, m.inputRecords);
  putMetric(kOutputBytesWritten, m.outputBytes);
  putMetric(kOutputRecordsWritten, m.outputRecords);
  put(kShuffleReadBytes, storedSum(successful, m.shuffleLocalBytesRead, m.shuffleRemoteBytesRead));
  putMetric(kShuffleReadRecords, m.shuffleRecordsRead);
  putMetric(kShuffleRemoteBlocksFetched, m.shuffleRemoteBlocksFetched);
  putMetric(kShuffleLocalBlocksFetched, m.shuffleLocalBlocksFetched);
  putMetric(kShuffleFetchWaitTime, m.shuffleFetchWaitTimeMs);
  putMetric(kShuffleRemoteBytesRead, m.shuffleRemoteBytesRead);
  putMetric(kShuffleRemoteBytesReadToDisk, m.shuffleRemoteBytesReadToDisk);
  put(kShuffleTotalBlocksFetched,
      storedSum(successful, m.shuffleLocalBlocksFetched, m.shuffleRemoteBlocksFetched));
  putMetric(kShuffleRemoteReqsDuration, m.shuffleRemoteReqsDurationMs);
  putMetric(kShuffleCorruptMergedBlockChunks, m.shuffleCorruptMergedBlockChunks);
  putMetric(kShuffleMergedFetchFallbackCount, m.shuffleMergedFetchFallbackCount);
  putMetric(kShuffleRemoteMergedBlocksFetched, m.shuffleRemoteMergedBlocksFetched);
  putMetric(kShuffleLocalMergedBlocksFetched, m.shuffleLocalMergedBlocksFetched);
  putMetric(kShuffleRemoteMergedChunksFetched, m.shuffleRemoteMergedChunksFetched);
  putMetric(kShuffleLocalMergedChunksFetched, m.shuffleLocalMergedChunksFetched);
  putMetric(kShuffleRemoteMergedBytesRead, m.shuffleRemoteMergedBytesRead);
  putMetric(kShuffleLocalMergedBytesRead, m.shuffleLocalMergedBytesRead);
  putMetric(kShuffleRemoteMergedReqsDuration, m.shuffleRemoteMergedReqsDurationMs);
  putMetric(kShuffleWriteBytes, m.shuffleBytesWritten);
  putMetric(kShuffleWriteRecords, m.shuffleRecordsWritten);
  putMetric(kShuffleWriteTime, m.shuffleWriteTimeNs);

  // The derived metrics are computed from the real (un-negated) values of every attempt with
  // metrics, failed and killed ones included (TaskDataWrapper.schedulerDelay/gettingResultTime
  // and AppStatusUtils).
  const int64_t duration = finished ? task.finishTimeMs - task.launchTimeMs
                                    : (lastUpdateTimeMs_ ? *lastUpdateTimeMs_ - task.launchTimeMs : 0);
  int64_t gettingResultTime = 0;
  // Spark keeps the fetch start only when "Getting Result Time" is non-zero, and uses it only
  // when positive.
  if (task.gettingResultTimeMs > 0) {
    // For duration <= 0 Spark uses the wall clock of the request, which no replay can reproduce;
    // 0 is the honest stand-in.
    gettingResultTime = duration > 0 ? task.launchTimeMs + duration - task.gettingResultTimeMs : 0;
  }
  put(kGettingResultTime, gettingResultTime);
  put(kSchedulerDelay, std::max<int64_t>(0, duration - m.executorRunTimeMs - m.executorDeserializeTimeMs -
                                                m.resultSerializationTimeMs - gettingResultTime));
}

std::vector<double> TaskSummaryBuilder::quantilesOf(Metric metric, const std::vector<double>& sortedQuantiles) const {
  std::vector<int64_t> values = values_[metric];
  if (metric == kDuration && lastUpdateTimeMs_) {
    for (int64_t launch : runningLaunchTimesMs_) {
      if (*lastUpdateTimeMs_ - launch >= 0) values.push_back(*lastUpdateTimeMs_ - launch);
    }
  }
  std::sort(values.begin(), values.end());

  // Mirrors AppStatusStore.scanTasks: the indices come from n, not from this metric's own number
  // of values; past the end the answer is NaN, and a repeated index repeats the last value read.
  const auto size = static_cast<int64_t>(values.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> result;
  result.reserve(sortedQuantiles.size());
  double last = nan;
  int64_t currentIndex = -1;
  for (double quantile : sortedQuantiles) {
    int64_t index = quantileIndex(quantile, count_);
    if (index == currentIndex) {
      result.push_back(last);
      continue;
    }
    currentIndex = index;
    if (index >= 0 && index < size) {
      last = static_cast<double>(values[index]);
      result.push_back(last);
    } else {
      result.push_back(nan);
    }
  }
  return result;
}

std::optional<nlohmann::ordered_json> TaskSummaryBuilder::toOrderedHistoryServerJson(
    const std::vector<double>& quantiles) const {
  if (count_ <= 0) return std::nullopt;
  std::vector<double> sorted = quantiles;
  std::sort(sorted.begin(), sorted.end());

  auto group = [&](const auto& fields) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const Field& field : fields) object[field.name] = quantilesOf(field.metric, sorted);
    return object;
  };
  nlohmann::ordered_json result = nlohmann::ordered_json::object();
  result["quantiles"] = sorted;
  for (const Field& field : kTopLevel) result[field.name] = quantilesOf(field.metric, sorted);
  result["inputMetrics"] = group(kInput);
  result["outputMetrics"] = group(kOutput);
  nlohmann::ordered_json shuffleRead = group(kShuffleRead);
  shuffleRead["shufflePushReadMetricsDist"] = group(kShufflePushRead);
  result["shuffleReadMetrics"] = std::move(shuffleRead);
  result["shuffleWriteMetrics"] = group(kShuffleWrite);
  return result;
}

std::optional<nlohmann::json> TaskSummaryBuilder::toHistoryServerJson(const std::vector<double>& quantiles) const {
  auto ordered = toOrderedHistoryServerJson(quantiles);
  if (!ordered) return std::nullopt;
  return nlohmann::json(*ordered);
}

}  // namespace jobtuner::core
