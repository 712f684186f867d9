#pragma once

// What happens during a run, as the driver sees it. The scheduler reports to observers; the event
// log (Spark's format, also streamed to the collector sidecar) and the console progress are two
// of them, so neither knows about the other.

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/driver_protocol.h"
#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

struct ExecutorEvent {
  int executorId = 0;
  int cores = 0;
  int64_t pid = 0;
  int64_t timeMs = 0;
  std::string reason;  // removal only
};

struct TaskEvent {
  int64_t taskId = 0;
  int stageId = 0;
  int stageAttempt = 0;
  int index = 0;
  int attempt = 0;
  int executorId = 0;
  int64_t launchMs = 0;
  int64_t finishMs = 0;     // end only
  bool succeeded = false;   // end only
  bool killed = false;      // end only
  std::string failureReason;
  std::string executorLossReason;  // an ExecutorLostFailure: why the executor was lost
  FetchFailure fetchFailure;       // a FetchFailed: the map output it could not read
  bool speculative = false;
  TaskMeasurements metrics; // end only
};

struct StageEvent {
  const PlanStage* stage = nullptr;
  int attempt = 0;
  int64_t submittedMs = 0;
  int64_t completedMs = 0;  // completion only
  std::string failureReason;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void executorAdded(const ExecutorEvent&) {}
  virtual void executorRemoved(const ExecutorEvent&) {}
  virtual void jobStarted(const PhysicalPlan&, int64_t /*timeMs*/) {}
  virtual void stageSubmitted(const StageEvent&) {}
  virtual void taskStarted(const TaskEvent&) {}
  virtual void taskEnded(const TaskEvent&) {}
  virtual void stageCompleted(const StageEvent&) {}
  /// The heaviest keys written to one shuffle, merged over its map tasks.
  virtual void keySketch(const PlanStage&, const ShuffleSpec&, const std::vector<KeySketchEntry>&) {}
  virtual void jobEnded(int64_t /*timeMs*/, bool /*succeeded*/, const std::string& /*failureReason*/) {}
};

}  // namespace jobtuner::runtime
