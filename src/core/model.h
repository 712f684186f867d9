#pragma once

// The normalized model of one application attempt, shared by every module.
//
// Both sources fill it: real Spark event logs (through the collector) and the bundled runtime
// (whose driver writes the same event-log format). Field names carry their unit. Where Spark
// records a finer unit than the model's (CPU times and shuffle write time in nanoseconds), the
// Spark-native value is kept so History-Server answers can be reproduced exactly; accessors give
// the model's unit.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jobtuner::core {

/// Where an app attempt came from.
enum class AppSource { Spark, Runtime };

/// Per-task metrics, as Spark's `Task Metrics` object records them. A task that ended without
/// metrics (killed before it ran, some failures) has hasMetrics == false and all values zero.
struct TaskMetrics {
  bool hasMetrics = false;

  int64_t executorDeserializeTimeMs = 0;
  int64_t executorDeserializeCpuTimeNs = 0;
  int64_t executorRunTimeMs = 0;
  int64_t executorCpuTimeNs = 0;
  int64_t resultSizeBytes = 0;
  int64_t jvmGcTimeMs = 0;  // gc_time_ms: JVM GC for Spark; memory-manager blocking for the runtime
  int64_t resultSerializationTimeMs = 0;
  int64_t memoryBytesSpilled = 0;
  int64_t diskBytesSpilled = 0;
  int64_t peakExecutionMemoryBytes = 0;

  int64_t inputBytes = 0;
  int64_t inputRecords = 0;
  int64_t outputBytes = 0;
  int64_t outputRecords = 0;

  int64_t shuffleRemoteBlocksFetched = 0;
  int64_t shuffleLocalBlocksFetched = 0;
  int64_t shuffleFetchWaitTimeMs = 0;
  int64_t shuffleRemoteBytesRead = 0;
  int64_t shuffleRemoteBytesReadToDisk = 0;
  int64_t shuffleLocalBytesRead = 0;
  int64_t shuffleRecordsRead = 0;
  int64_t shuffleRemoteReqsDurationMs = 0;

  int64_t shuffleBytesWritten = 0;
  int64_t shuffleWriteTimeNs = 0;
  int64_t shuffleRecordsWritten = 0;

  int64_t shuffleReadBytes() const { return shuffleRemoteBytesRead + shuffleLocalBytesRead; }
  int64_t executorCpuTimeMs() const { return executorCpuTimeNs / 1'000'000; }
  int64_t shuffleWriteTimeMs() const { return shuffleWriteTimeNs / 1'000'000; }
};

/// How a task attempt ended. Running means no TaskEnd was seen (in-progress or cut logs).
enum class TaskStatus { Running, Success, Failed, Killed };

struct TaskAttempt {
  int64_t taskId = 0;
  int32_t stageId = 0;
  int32_t stageAttemptId = 0;
  int32_t index = 0;          // the partition index within the stage
  int32_t attempt = 0;        // retry number of this index
  int64_t partitionId = -1;   // Spark 3.3+ writes "Partition ID"; -1 when absent
  std::string executorId;
  std::string host;
  std::string locality;       // PROCESS_LOCAL, NODE_LOCAL, ...
  std::string taskType;       // ResultTask, ShuffleMapTask
  bool speculative = false;
  int64_t launchTimeMs = 0;
  int64_t finishTimeMs = 0;      // 0 while running
  int64_t gettingResultTimeMs = 0;  // the moment the driver began fetching the result, 0 if never
  TaskStatus status = TaskStatus::Running;
  std::string endReason;         // "Success", "ExceptionFailure", "ExecutorLostFailure", ...
  std::string failureMessage;    // a readable one-line reason for failures, empty on success
  std::string endReasonJson;     // the raw `Task End Reason` object, for History-Server answers
  std::string accumulablesJson;  // the raw `Task Info.Accumulables` array
  TaskMetrics metrics;

  int64_t durationMs() const { return finishTimeMs > 0 ? finishTimeMs - launchTimeMs : 0; }
};

enum class StageStatus { Pending, Active, Complete, Failed, Skipped };

struct StageAttempt {
  int32_t stageId = 0;
  int32_t attemptId = 0;
  std::string name;
  std::string details;       // call site / description detail
  int32_t numTasks = 0;
  std::vector<int32_t> parentIds;
  std::vector<int32_t> jobIds;   // jobs that list this stage
  int64_t submissionTimeMs = 0;  // 0 when unknown
  int64_t completionTimeMs = 0;
  StageStatus status = StageStatus::Pending;
  std::string failureReason;
  std::string runtimeStageName;  // the bundled runtime's stable name; empty for Spark
  std::string rddInfoJson;       // raw `RDD Info` array
  std::string accumulablesJson;  // raw `Accumulables` array of the completed stage
  std::map<std::string, std::string> properties;  // the submission's local properties
  int32_t resourceProfileId = 0;
};

enum class JobStatus { Running, Succeeded, Failed, Unknown };

struct Job {
  int32_t jobId = 0;
  std::string name;              // the last stage's name, as Spark's UI shows it
  std::string description;       // spark.job.description
  std::string jobGroup;          // spark.jobGroup.id
  std::optional<int64_t> sqlExecutionId;  // spark.sql.execution.id
  int64_t submissionTimeMs = 0;
  int64_t completionTimeMs = 0;
  std::vector<int32_t> stageIds;
  JobStatus status = JobStatus::Running;
  std::string failureReason;     // from `Job Result.Exception`
  std::map<std::string, std::string> properties;
};

struct Executor {
  std::string executorId;
  std::string host;
  int32_t totalCores = 0;
  int64_t maxMemoryBytes = 0;     // storage memory from BlockManagerAdded
  std::optional<int64_t> maxOnHeapMemoryBytes;   // Spark 2.3+ BlockManagerAdded; unset before
  std::optional<int64_t> maxOffHeapMemoryBytes;
  std::string hostPort;           // the block manager's "host:port", as the History Server lists it
  int64_t addTimeMs = 0;
  int64_t removeTimeMs = 0;       // 0 while alive
  std::string removeReason;       // Spark's text, verbatim
  bool excluded = false;          // excluded (blacklisted) at some point
  std::vector<int32_t> excludedInStages;
  std::string logUrlsJson;        // raw `Executor Info.Log Urls`
  std::string attributesJson;
  std::string resourcesJson;
  int32_t resourceProfileId = 0;
};

/// Spark's environment as EnvironmentUpdate sends it. Values of keys matching the redaction
/// pattern are already redacted when stored here.
struct Environment {
  std::vector<std::pair<std::string, std::string>> sparkProperties;
  std::vector<std::pair<std::string, std::string>> hadoopProperties;
  std::vector<std::pair<std::string, std::string>> systemProperties;
  std::vector<std::pair<std::string, std::string>> metricsProperties;
  std::vector<std::pair<std::string, std::string>> classpathEntries;
  std::vector<std::pair<std::string, std::string>> jvmInformation;
};

/// One attempt of one application, keyed by (appId, attemptId). attemptId is empty when the
/// application has no attempts (local mode, standalone); YARN and friends number them "1", "2".
struct AppAttempt {
  AppSource source = AppSource::Spark;
  std::string appId;
  std::string attemptId;
  std::string name;
  std::string user;
  std::string engineVersion;      // Spark version, or jobtuner's version for the runtime
  int64_t startTimeMs = 0;
  int64_t endTimeMs = 0;          // 0 when the log has no ApplicationEnd
  bool completed = false;         // ApplicationEnd seen (and, for rolling logs, appstatus done)
  bool streaming = false;         // Structured Streaming or DStreams events seen
  std::string jobKey;             // ties runs of the same job across days; see job_key.h

  std::vector<Job> jobs;
  std::vector<StageAttempt> stages;
  std::vector<Executor> executors;
  Environment environment;
  // Tasks are not held here: the collector streams them to the store as it reads.
};

const char* toString(AppSource source);
const char* toString(TaskStatus status);
const char* toString(StageStatus status);
const char* toString(JobStatus status);

}  // namespace jobtuner::core
