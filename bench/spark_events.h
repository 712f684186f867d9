#pragma once

// The Spark 3.3 event shapes the generator writes, field for field as Spark's JsonProtocol writes
// them (core/src/main/scala/org/apache/spark/util/JsonProtocol.scala). The simulation in
// eventlog_generator.cpp decides the values; this file only knows the format.

#include <cstdint>
#include <string>
#include <vector>

#include "json_line_writer.h"

namespace jobtuner::bench {

/// One task attempt's `Task Metrics`, in Spark's units (CPU and write times in nanoseconds).
struct TaskMetricValues {
  int64_t executorDeserializeTime = 0;
  int64_t executorDeserializeCpuTime = 0;
  int64_t executorRunTime = 0;
  int64_t executorCpuTime = 0;
  int64_t resultSize = 0;
  int64_t jvmGcTime = 0;
  int64_t resultSerializationTime = 0;
  int64_t memoryBytesSpilled = 0;
  int64_t diskBytesSpilled = 0;
  int64_t peakExecutionMemory = 0;
  int64_t remoteBlocksFetched = 0;
  int64_t localBlocksFetched = 0;
  int64_t remoteBytesRead = 0;
  int64_t remoteBytesReadToDisk = 0;
  int64_t localBytesRead = 0;
  int64_t fetchWaitTime = 0;
  int64_t recordsRead = 0;
  int64_t shuffleBytesWritten = 0;
  int64_t shuffleRecordsWritten = 0;
  int64_t shuffleWriteTime = 0;
  int64_t inputBytesRead = 0;
  int64_t inputRecordsRead = 0;
  int64_t outputBytesWritten = 0;
  int64_t outputRecordsWritten = 0;
};

enum class TaskOutcome { kSuccess, kExceptionFailure, kExecutorLost, kKilled };

struct TaskRecord {
  int64_t taskId = 0;
  int32_t index = 0;
  int32_t attempt = 0;
  int32_t executor = 0;  // position in the generator's executor table
  int64_t launchTime = 0;
  int64_t finishTime = 0;
  int64_t gettingResultTime = 0;
  bool speculative = false;
  const char* locality = "PROCESS_LOCAL";
  TaskOutcome outcome = TaskOutcome::kSuccess;
  TaskMetricValues metrics;
};

struct ExecutorRecord {
  std::string id;
  std::string host;
  int32_t cores = 0;
  int64_t maxMemory = 0;
  int32_t blockManagerPort = 0;
  int64_t addTime = 0;
  int64_t removeTime = 0;
  std::string removeReason;
};

/// A SQL metric accumulator of a stage ("number of output rows", ...), with the task metric its
/// per-task update follows.
struct SqlMetric {
  int64_t id = 0;
  const char* name = "";
  int64_t TaskMetricValues::*source = nullptr;
  int64_t divisor = 1;
};

/// Spark registers one accumulator per internal task metric for each stage, in this order
/// (TaskMetrics.scala); the stage's block of ids starts at internalAccumulatorBase.
inline constexpr int kInternalAccumulatorsPerStage = 25;

struct StageRecord {
  int32_t stageId = 0;
  int32_t attemptId = 0;
  bool readsInput = false;     // a scan of files: input metrics
  bool readsShuffle = false;   // reads its parents' shuffle output
  bool writesShuffle = false;  // ShuffleMapTask when set, ResultTask otherwise
  std::string name;
  int32_t numTasks = 0;
  std::vector<int32_t> parentIds;
  int32_t firstRddId = 0;
  int32_t numRdds = 0;
  int64_t internalAccumulatorBase = 0;
  std::vector<SqlMetric> sqlMetrics;
  int64_t submissionTime = 0;
  int64_t completionTime = 0;
  std::string jobDescription;
  int64_t sqlExecutionId = -1;
  // Running accumulator values, in TaskEnd order, as the driver reports them in `Value`.
  std::vector<int64_t> internalTotals = std::vector<int64_t>(kInternalAccumulatorsPerStage, 0);
  std::vector<int64_t> sqlTotals;
};

/// Byte counts the generator reports: how much of the TaskEnd lines the accumulables take.
struct TaskEndStats {
  int64_t events = 0;
  int64_t lineBytes = 0;
  int64_t accumulableBytes = 0;
};

struct AppInfo {
  std::string appId;
  std::string appName;
  std::string user = "etl";
  int64_t startTime = 0;
  int64_t endTime = 0;
  int32_t executorCores = 4;
  std::string executorMemory = "8g";
  int32_t shufflePartitions = 200;
};

void writeLogStart(JsonLineWriter& out);
void writeResourceProfileAdded(JsonLineWriter& out, const AppInfo& app);
void writeEnvironmentUpdate(JsonLineWriter& out, const AppInfo& app, int32_t numExecutors);
void writeApplicationStart(JsonLineWriter& out, const AppInfo& app);
void writeApplicationEnd(JsonLineWriter& out, const AppInfo& app);
void writeExecutorAdded(JsonLineWriter& out, const ExecutorRecord& executor, const AppInfo& app);
void writeBlockManagerAdded(JsonLineWriter& out, const ExecutorRecord& executor);
void writeExecutorRemoved(JsonLineWriter& out, const ExecutorRecord& executor);
void writeBlockManagerRemoved(JsonLineWriter& out, const ExecutorRecord& executor);
void writeJobStart(JsonLineWriter& out, int32_t jobId, int64_t time, const std::vector<const StageRecord*>& stages);
void writeJobEnd(JsonLineWriter& out, int32_t jobId, int64_t time);
void writeStageSubmitted(JsonLineWriter& out, const StageRecord& stage);
void writeStageCompleted(JsonLineWriter& out, const StageRecord& stage);
void writeTaskStart(JsonLineWriter& out, const StageRecord& stage, const TaskRecord& task,
                    const std::vector<ExecutorRecord>& executors);
/// Writes the TaskEnd and folds the task's updates into the stage's running totals first, as
/// the driver does before it posts the event.
void writeTaskEnd(JsonLineWriter& out, StageRecord& stage, const TaskRecord& task,
                  const std::vector<ExecutorRecord>& executors, TaskEndStats& stats);

}  // namespace jobtuner::bench
