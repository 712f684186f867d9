#pragma once

// The normalized model of one application attempt, shared by every module.
//
// Both sources fill it: real Spark event logs (through the collector) and the bundled runtime
// (whose driver writes the same event-log format). Field names carry their unit. Where Spark
// records a finer unit than the model's (CPU times and shuffle write time in nanoseconds), the
// Spark-native value is kept so History-Server answers can be reproduced exactly; accessors give
// the model's unit.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jobtuner::core {

/// Sums and differences of values read from logs wrap around as the JVM's long arithmetic does: a
/// log with absurd times gives Spark's absurd numbers, never undefined behaviour.
inline int64_t wrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t wrappingSubtract(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

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
  // Push-based shuffle (Spark 3.2+, `Shuffle Read Metrics.Shuffle Push Read Metrics`).
  int64_t shuffleCorruptMergedBlockChunks = 0;
  int64_t shuffleMergedFetchFallbackCount = 0;
  int64_t shuffleRemoteMergedBlocksFetched = 0;
  int64_t shuffleLocalMergedBlocksFetched = 0;
  int64_t shuffleRemoteMergedChunksFetched = 0;
  int64_t shuffleLocalMergedChunksFetched = 0;
  int64_t shuffleRemoteMergedBytesRead = 0;
  int64_t shuffleLocalMergedBytesRead = 0;
  int64_t shuffleRemoteMergedReqsDurationMs = 0;

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
  // `Task Info.Accumulables` as a JSON array, verbatim but for the internal.metrics.* entries that
  // repeat `metrics` (collector/task_accumulables.h).
  std::string accumulablesJson;
  // Spark's listener added this attempt's metrics to its stage attempt's totals: the attempt had
  // started, this was its first end, and the stage attempt was still live (AppStatusListener).
  bool addedToStageTotals = false;
  TaskMetrics metrics;

  int64_t durationMs() const { return finishTimeMs > 0 ? wrappingSubtract(finishTimeMs, launchTimeMs) : 0; }
};

/// Spark's executor-level memory and GC gauges (ExecutorMetricType), in Spark's order; see
/// executorMetricNames(). Used as peaks: each value is the highest seen.
struct ExecutorMetrics {
  static constexpr size_t kCount = 23;
  std::array<int64_t, kCount> values{};

  /// Raises every value to `other`'s where that is higher; returns true if any rose.
  bool raiseTo(const ExecutorMetrics& other);
};

/// The names of ExecutorMetrics::values, as Spark writes them ("JVMHeapMemory", ...).
const std::array<const char*, ExecutorMetrics::kCount>& executorMetricNames();

enum class StageStatus { Pending, Active, Complete, Failed, Skipped };

/// What Spark's listener counted for one executor within one stage attempt (ExecutorStageSummary);
/// the metric totals come from the tasks with addedToStageTotals.
struct StageExecutorSummary {
  std::string executorId;
  int64_t taskTimeMs = 0;       // sum of the durations of the task ends counted
  int32_t failedTasks = 0;
  int32_t succeededTasks = 0;
  int32_t killedTasks = 0;
  bool excluded = false;        // excluded (blacklisted) for this stage
  std::optional<ExecutorMetrics> peakMemoryMetrics;
};

/// The speculative attempts of a stage attempt, counted as Spark counts them.
struct SpeculationStageSummary {
  int32_t numTasks = 0;
  int32_t numActiveTasks = 0;
  int32_t numCompletedTasks = 0;
  int32_t numFailedTasks = 0;
  int32_t numKilledTasks = 0;
};

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
  bool shufflePushEnabled = false;
  int32_t shuffleMergersCount = 0;

  // Task counts as Spark's listener keeps them while the stage attempt is live: every TaskEnd
  // counts (a second end of a task id too), none after the stage attempt finished and its last
  // running task ended.
  int32_t numActiveTasks = 0;
  int32_t numCompleteTasks = 0;
  int32_t numFailedTasks = 0;
  int32_t numKilledTasks = 0;
  int32_t numCompletedIndices = 0;
  int64_t firstTaskLaunchedTimeMs = 0;             // 0 when no task started while it was live
  std::map<std::string, int32_t> killedTasksSummary;  // kill reason -> tasks
  std::vector<StageExecutorSummary> executorSummaries;  // in the order Spark first touched them
  std::optional<ExecutorMetrics> peakExecutorMetrics;
  std::optional<SpeculationStageSummary> speculationSummary;  // only when a speculative task ran
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
  int32_t numTasks = 0;          // Spark's estimate at submission: tasks of the listed stages not yet run
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
  bool excluded = false;          // excluded (blacklisted) at the end of the log
  std::vector<int32_t> excludedInStages;  // stages it is still excluded for at the end, as Spark keeps them
  std::string logUrlsJson;        // raw `Executor Info.Log Urls`
  std::string attributesJson;
  std::string resourcesJson;
  int32_t resourceProfileId = 0;
  // Peaks of the executor metrics Spark saw while the executor lived (task ends, stage executor
  // metrics, heartbeats); unset when it saw none, as Spark leaves them.
  std::optional<ExecutorMetrics> peakMetrics;
};

/// A resource request of a resource profile (SparkListenerResourceProfileAdded).
struct ExecutorResourceRequest {
  std::string resourceName;
  int64_t amount = 0;
  std::string discoveryScript;
  std::string vendor;
};

struct TaskResourceRequest {
  std::string resourceName;
  double amount = 0;
};

struct ResourceProfile {
  int32_t id = 0;
  std::vector<ExecutorResourceRequest> executorResources;  // in the log's order
  std::vector<TaskResourceRequest> taskResources;
};

/// A process Spark lists beside the executors (SparkListenerMiscellaneousProcessAdded), such as
/// YARN's application master.
struct MiscellaneousProcess {
  std::string processId;
  std::string hostPort;
  int32_t totalCores = 0;
  int64_t addTimeMs = 0;
  std::string logUrlsJson;        // raw `info.logUrlInfo`
};

/// An RDD a submitted stage marked for caching (its `RDD Info` has a valid storage level) and
/// not unpersisted since: what the History Server's storage pages start from.
struct PersistedRdd {
  int32_t rddId = 0;
  std::string name;
  int32_t numPartitions = 0;
  bool useDisk = false;
  bool useMemory = false;
  bool useOffHeap = false;
  bool deserialized = false;
  int32_t replication = 0;
};

/// One of a shuffle's heaviest keys, from jobtuner's runtime (the org.jobtuner.KeySketch event): a
/// bounded heavy-hitter sketch merged over the map tasks of the stage that wrote the shuffle, so a
/// skewed reduce stage can be traced to the keys behind it. Counts are lower bounds (Misra–Gries).
struct ShuffleKey {
  int32_t shuffleId = 0;
  int32_t stageId = 0;       // the map stage that wrote the shuffle
  std::string key;           // the key's values, as text
  int64_t records = 0;
  int64_t bytes = 0;
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
  std::vector<ResourceProfile> resourceProfiles;
  std::vector<MiscellaneousProcess> miscellaneousProcesses;
  std::vector<PersistedRdd> persistedRdds;
  std::vector<ShuffleKey> shuffleKeys;   // per shuffle, heaviest first
  Environment environment;
  // Tasks are not held here: the collector streams them to the store as it reads.
};

const char* toString(AppSource source);
const char* toString(TaskStatus status);
const char* toString(StageStatus status);
const char* toString(JobStatus status);

}  // namespace jobtuner::core
