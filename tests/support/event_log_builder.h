#pragma once

// Writes small event logs in Spark's format for tests: the events a Spark 3.x driver writes,
// with the fields the collector reads. Tests describe an app in a few calls and get the lines.

#include <cstdint>
#include <string>
#include <vector>

namespace jobtuner::testing {

struct TaskSpec {
  int64_t taskId = 0;
  int index = 0;
  int attempt = 0;
  std::string executorId = "1";
  int64_t launchTimeMs = 0;
  int64_t durationMs = 100;
  std::string reason = "Success";   // or "ExceptionFailure", "TaskKilled", "ExecutorLostFailure", "FetchFailed"
  int64_t runTimeMs = 90;
  int64_t gcTimeMs = 5;
  int64_t shuffleReadBytes = 0;
  int64_t shuffleWriteBytes = 0;
  int64_t memorySpilled = 0;
  int64_t diskSpilled = 0;
  int64_t inputBytes = 0;
  int64_t deserializeTimeMs = 3;
  int64_t jvmHeapBytes = 0;          // the executor's heap at the task's end; 0 leaves the metrics out
};

class EventLogBuilder {
 public:
  EventLogBuilder(std::string appId, std::string appName, std::string attemptId = {});

  EventLogBuilder& property(const std::string& key, const std::string& value);
  /// When the app starts (default 1700000000000); set it before adding executors and stages.
  EventLogBuilder& startTime(int64_t timeMs);
  EventLogBuilder& executor(const std::string& id, const std::string& host, int cores, int64_t timeMs);
  EventLogBuilder& removeExecutor(const std::string& id, int64_t timeMs, const std::string& reason);
  /// One job with one stage of the given tasks (submitted at the first launch, completed at the last finish).
  /// With a failure reason, the stage attempt and its job fail. `parentIds` are the stages whose
  /// shuffle output it reads.
  EventLogBuilder& stage(int jobId, int stageId, const std::string& name, const std::vector<TaskSpec>& tasks,
                         const std::string& failureReason = {}, const std::vector<int>& parentIds = {});
  EventLogBuilder& rawLine(const std::string& line);
  /// Leaves out ApplicationEnd (an app still running, or a log cut short).
  EventLogBuilder& withoutEnd();

  /// The log's lines, each ending in '\n'.
  std::string text() const;

 private:
  std::string appId_;
  std::string appName_;
  std::string attemptId_;
  std::vector<std::pair<std::string, std::string>> properties_;
  std::vector<std::string> body_;
  int64_t startTimeMs_ = 1700000000000;
  int64_t endTimeMs_ = 1700000000000;
  bool withEnd_ = true;
};

/// Tasks 0..n-1 on executor "1", each `durationMs` long, launched one after another.
std::vector<TaskSpec> uniformTasks(int count, int64_t firstTaskId, int64_t startMs, int64_t durationMs);

}  // namespace jobtuner::testing
