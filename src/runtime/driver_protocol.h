#pragma once

// The messages between the driver and its executors, carried as frames of a core::LocalChannel
// (frame types from 32 up; the channel reserves the low ones for its handshake). Payloads are
// JSON: they are small, and only control flows here — the data moves through shuffle files.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/column_batch.h"
#include "core/profile.h"
#include "runtime/fetch_failure.h"

namespace jobtuner::runtime {

enum class DriverFrame : uint8_t {
  kSetup = 32,       // driver -> executor: ExecutorSetup
  kLaunchTask = 33,  // driver -> executor: TaskLaunch
  kShutdown = 34,    // driver -> executor: finish running tasks' results, then exit
  kKillTask = 35,    // driver -> executor: TaskKill
  kReady = 40,       // executor -> driver: the plan is built, slots are free
  kSetupFailed = 41, // executor -> driver: the text of the error
  kTaskResult = 42,  // executor -> driver: TaskResult
  kHeartbeat = 43,   // executor -> driver: alive (empty), every heartbeat_interval
};

/// The driver asks an executor to end a running attempt.
struct TaskKill {
  int64_t taskId = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TaskKill, taskId)

/// A fault the driver injects into one task attempt (the profile's faults section).
enum class InjectedFault : uint8_t { kNone, kFail, kHang, kSlow };

/// One source as the driver resolved it: the files it read and the schema it declared or inferred.
struct ResolvedSource {
  core::Schema schema;
  std::vector<std::pair<std::string, int64_t>> files;  // path, size in bytes
};

/// Everything an executor needs to build the same plan as the driver.
struct ExecutorSetup {
  int executorId = 0;
  std::string appId;
  std::string runDir;
  std::string jobFile;      // for messages
  std::string jobText;      // after ${NAME} expansion
  core::Profile profile;     // the settings planning reads (partitions, broadcast, salting, splits)
  std::map<std::string, ResolvedSource> sources;
  std::string outputTempDir;  // where sink tasks write part files
  std::string sinkFormat;     // "csv" or "jsonl"
};

struct TaskLaunch {
  int64_t taskId = 0;
  int stageId = 0;
  int stageAttempt = 0;
  int index = 0;           // the partition
  int attempt = 0;
  std::string rangeBounds; // hex of a serialized batch: the split points of a range exchange
  InjectedFault fault = InjectedFault::kNone;
  int64_t faultDelayMs = 0; // kSlow: how long the attempt sleeps before it starts
};

/// What a task attempt measured, in the runtime's own units (the driver converts to Spark's).
struct TaskMeasurements {
  int64_t launchMs = 0;
  int64_t finishMs = 0;
  int64_t deserializeMs = 0;
  int64_t deserializeCpuNs = 0;
  int64_t runMs = 0;
  int64_t cpuNs = 0;
  int64_t resultSerializationMs = 0;
  int64_t blockedInMemoryManagerMs = 0;
  int64_t resultSizeBytes = 0;
  int64_t peakExecutionMemoryBytes = 0;
  int64_t memoryBytesSpilled = 0;
  int64_t diskBytesSpilled = 0;
  int64_t inputBytes = 0;
  int64_t inputRecords = 0;
  int64_t outputBytes = 0;
  int64_t outputRecords = 0;
  int64_t shuffleLocalBlocks = 0;
  int64_t shuffleLocalBytes = 0;
  int64_t shuffleFetchWaitMs = 0;
  int64_t shuffleReadRecords = 0;
  int64_t shuffleWriteBytes = 0;
  int64_t shuffleWriteRecords = 0;
  int64_t shuffleWriteTimeNs = 0;
  int64_t badRecords = 0;
};

struct KeySketchEntry {
  std::string key;
  int64_t records = 0;
  int64_t bytes = 0;
};

struct TaskResult {
  int64_t taskId = 0;
  bool succeeded = false;
  std::string error;        // a failed attempt's reason
  bool userError = false;   // bad input (no retry helps): the run fails with exit code 2
  bool killed = false;      // the driver asked the attempt to die (a speculative race lost)
  FetchFailure fetchFailure;  // a map output it could not read
  /// Files the attempt wrote under temporary names, and the names that commit them; the driver
  /// renames them for the first successful attempt of a task only (data before index).
  std::vector<std::pair<std::string, std::string>> commits;
  TaskMeasurements metrics;
  std::vector<KeySketchEntry> keySketch;  // the heaviest keys this task wrote to its shuffle
  std::string sortKeySample;              // hex of a serialized batch (range exchanges)
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TaskLaunch, taskId, stageId, stageAttempt, index, attempt,
                                                rangeBounds, fault, faultDelayMs)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TaskMeasurements, launchMs, finishMs, deserializeMs,
                                                deserializeCpuNs, runMs, cpuNs, resultSerializationMs,
                                                blockedInMemoryManagerMs, resultSizeBytes,
                                                peakExecutionMemoryBytes, memoryBytesSpilled, diskBytesSpilled,
                                                inputBytes, inputRecords, outputBytes, outputRecords,
                                                shuffleLocalBlocks, shuffleLocalBytes, shuffleFetchWaitMs,
                                                shuffleReadRecords, shuffleWriteBytes, shuffleWriteRecords,
                                                shuffleWriteTimeNs, badRecords)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KeySketchEntry, key, records, bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TaskResult, taskId, succeeded, error, userError, killed, fetchFailure,
                                                commits,
                                                metrics, keySketch, sortKeySample)

void to_json(nlohmann::json& out, const ExecutorSetup& setup);
void from_json(const nlohmann::json& in, ExecutorSetup& setup);

/// Hex encoding of binary blobs inside JSON messages.
std::string toHex(std::string_view bytes);
/// Throws core::SystemError on text that is not hex.
std::string fromHex(std::string_view hex);

}  // namespace jobtuner::runtime
