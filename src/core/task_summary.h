#pragma once

// Stage task-metric quantiles computed exactly as the Spark History Server's `taskSummary`
// (AppStatusStore.taskSummary, Spark 3.x). Spark stores every task attempt of a stage once, with
// the metrics of tasks that did not succeed stored negated (-v - 1), and scans each metric's
// index from 0. So:
//   - the task count n is the number of successful task attempts with metrics;
//   - quantile q takes, for each metric sorted on its own, the value at index
//     min(floor(q * n), n - 1);
//   - most metrics see only the counted tasks, but `duration` is never negated (it sees failed,
//     killed and running attempts too) and `schedulerDelay` / `gettingResultTime` are derived
//     from the un-negated metrics (they see every attempt with metrics). Spark's own answers do
//     this, so ours do too.
// Every module that shows stage quantiles uses this, so our numbers and Spark's agree exactly.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/model.h"

namespace jobtuner::core {

/// The quantiles of the History Server's `taskSummary` endpoint when none are asked for.
std::vector<double> defaultQuantiles();

/// The quantiles of `stages/...?withSummaries=true` when none are asked for (0, .25, .5, .75, 1).
std::vector<double> stageSummaryDefaultQuantiles();

/// Parses "0.05,0.25,0.5" (each in [0, 1]). Throws UserError naming the bad item.
std::vector<double> parseQuantiles(const std::string& text);

/// True when the History Server counts this task attempt (the `n` of the index rule): it
/// succeeded and reported metrics.
bool countsForTaskSummary(const TaskAttempt& task);

/// Returns, for each quantile in the given order, the value at the History Server's index
/// min(floor(q * n), n - 1) of `values`, which is sorted in place. Zeros when `values` is empty,
/// as Spark's AppStatusUtils.getQuantilesValue answers.
std::vector<double> historyServerQuantiles(std::vector<double>& values, const std::vector<double>& quantiles);

/// Collects the task attempts of one stage attempt and renders the summary. Add every attempt
/// the log has for the stage (failed, killed and running ones too): which of them count for
/// which metric is decided here, as Spark decides it.
class TaskSummaryBuilder {
 public:
  /// The metrics of the summary, in Spark's JSON order.
  enum Metric : int {
    kDuration,
    kExecutorDeserializeTime,
    kExecutorDeserializeCpuTime,
    kExecutorRunTime,
    kExecutorCpuTime,
    kResultSize,
    kJvmGcTime,
    kResultSerializationTime,
    kGettingResultTime,
    kSchedulerDelay,
    kPeakExecutionMemory,
    kMemoryBytesSpilled,
    kDiskBytesSpilled,
    kInputBytesRead,
    kInputRecordsRead,
    kOutputBytesWritten,
    kOutputRecordsWritten,
    kShuffleReadBytes,
    kShuffleReadRecords,
    kShuffleRemoteBlocksFetched,
    kShuffleLocalBlocksFetched,
    kShuffleFetchWaitTime,
    kShuffleRemoteBytesRead,
    kShuffleRemoteBytesReadToDisk,
    kShuffleTotalBlocksFetched,
    kShuffleRemoteReqsDuration,
    kShuffleCorruptMergedBlockChunks,
    kShuffleMergedFetchFallbackCount,
    kShuffleRemoteMergedBlocksFetched,
    kShuffleLocalMergedBlocksFetched,
    kShuffleRemoteMergedChunksFetched,
    kShuffleLocalMergedChunksFetched,
    kShuffleRemoteMergedBytesRead,
    kShuffleLocalMergedBytesRead,
    kShuffleRemoteMergedReqsDuration,
    kShuffleWriteBytes,
    kShuffleWriteRecords,
    kShuffleWriteTime,
    kNumMetrics
  };

  void add(const TaskAttempt& task);

  /// The History Server gives a running attempt the duration (log last-modified time - launch
  /// time). Without this, running attempts stay out of `duration`.
  void setLastUpdateTimeMs(int64_t lastUpdateTimeMs) { lastUpdateTimeMs_ = lastUpdateTimeMs; }

  /// The number of counted task attempts (n).
  int64_t count() const { return count_; }

  /// One metric at the (sorted) quantiles; NaN where Spark's index scan runs off the end (a
  /// metric with fewer non-negative values than n, which only odd logs produce).
  std::vector<double> quantilesOf(Metric metric, const std::vector<double>& sortedQuantiles) const;

  /// Spark's TaskMetricDistributions JSON with its field names, nesting and order; quantiles are
  /// sorted as Spark sorts them. nullopt when no task counts (Spark answers 404 then).
  std::optional<nlohmann::ordered_json> toOrderedHistoryServerJson(const std::vector<double>& quantiles) const;

  /// The same content as a plain (key-sorted) json, for callers that embed it in their own output.
  std::optional<nlohmann::json> toHistoryServerJson(const std::vector<double>& quantiles) const;

 private:
  // Only the values Spark's index scan from 0 would reach: values below 0 are never stored.
  std::vector<int64_t> values_[kNumMetrics];
  std::vector<int64_t> runningLaunchTimesMs_;
  std::optional<int64_t> lastUpdateTimeMs_;
  int64_t count_ = 0;
};

}  // namespace jobtuner::core
