#pragma once

// What the advisor measures of one stored app: per stage, the task times and the bytes behind
// them; per executor, how it ended; the configuration it ran with; and its wall time, outcome and
// cost. Read once from the store, then every piece of advice works from it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "advisor/advisor_config.h"
#include "core/model.h"

namespace jobtuner::collector {
class Store;
}

namespace jobtuner::advisor {

/// One task of a stage: the attempt that counted (the successful one, else the last).
struct TaskSample {
  int32_t index = 0;
  double durationMs = 0;
  int64_t bytesRead = 0;  // input plus shuffle read
  int64_t shuffleReadBytes = 0;
  int64_t memorySpilledBytes = 0;
  int64_t diskSpilledBytes = 0;
  int64_t peakExecutionMemoryBytes = 0;
  bool succeeded = false;
};

struct StageMeasurement {
  int32_t stageId = 0;
  int32_t attemptId = 0;  // the last attempt
  std::string name;       // the runtime's stable stage name, else Spark's stage name
  std::string step;       // the runtime's job step whose settings shape this stage ("" for Spark)
  std::vector<int32_t> parents;
  core::StageStatus status = core::StageStatus::Pending;
  int64_t submissionMs = 0;
  int64_t completionMs = 0;
  int64_t attempts = 1;
  std::vector<TaskSample> tasks;  // one per index, by index
  int64_t failedTaskAttempts = 0;
  int64_t inputBytes = 0;
  int64_t shuffleReadBytes = 0;
  int64_t shuffleWriteBytes = 0;
  int64_t memorySpilledBytes = 0;
  int64_t diskSpilledBytes = 0;
  int64_t maxPeakExecutionMemoryBytes = 0;

  int64_t durationMs() const { return completionMs > submissionMs && submissionMs > 0 ? completionMs - submissionMs : 0; }
  bool readsShuffle() const { return shuffleReadBytes > 0; }
  double medianTaskMs() const;
  double maxTaskMs() const;
  int64_t maxTaskShuffleReadBytes() const;
  int64_t medianTaskShuffleReadBytes() const;
};

/// An executor removed because it went over its memory limit, with what it used.
struct MemoryKill {
  std::string executorId;
  int64_t limitBytes = 0;
  int64_t usedBytes = 0;
};

struct AppMeasurements {
  core::AppAttempt app;  // without tasks
  std::map<std::string, std::string> conf;
  bool runtime = false;  // the bundled runtime's app (its conf holds the profile it ran with)
  bool succeeded = false;
  int64_t wallMs = 0;
  std::vector<StageMeasurement> stages;  // by stage id
  int64_t executorsLost = 0;
  std::vector<MemoryKill> memoryKills;
  // The executors the app was configured with (or the most that were alive at once) and their size.
  int64_t executors = 0;
  int64_t executorCores = 0;
  int64_t executorMemoryBytes = 0;
  int64_t memoryOverheadBytes = 0;
  double memoryFraction = 0.6;
  // The most memory an executor was seen to use: the JVM heap's peak for Spark, the tasks'
  // execution memory running at once for the runtime (which reports no executor gauges).
  int64_t peakExecutorMemoryBytes = 0;
  double cost = 0;
  double coreHours = 0;
  double memoryGbHours = 0;

  // The first task's launch and the last task's end: the time before and after them is start-up
  // and shutdown, not stage work.
  int64_t firstLaunchMs = 0;
  int64_t lastFinishMs = 0;

  const StageMeasurement* stage(int32_t stageId) const;
  /// The heaviest keys of the shuffles a stage reads, heaviest (by bytes) first.
  std::vector<core::ShuffleKey> keysReadBy(const StageMeasurement& stage) const;
};

/// The heaviest keys of the shuffles written by `parents` (the stages a stage reads from), heaviest
/// (by bytes) first; a key two shuffles share is listed once per shuffle.
std::vector<core::ShuffleKey> keysReadBy(const core::AppAttempt& app, const std::vector<int32_t>& parents);

/// Reads an app attempt and its tasks from the store. Throws core::UserError if it is not stored.
AppMeasurements measureApp(const collector::Store& store, const std::string& appId, const std::string& attemptId,
                           const Prices& prices);

/// "exceeded memory limit 48.0 MB (used 52.1 MB)" in a removal reason, as bytes; nullopt otherwise.
std::optional<MemoryKill> parseMemoryKill(const std::string& reason);

/// The step a runtime stage name belongs to: "revenue-by-customer-salted" and
/// "sort-by-revenue-exchange" belong to "revenue-by-customer" and "sort-by-revenue".
std::string stepOfStageName(const std::string& stageName);

}  // namespace jobtuner::advisor
