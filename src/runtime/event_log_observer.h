#pragma once

// Writes what happens in a run as Spark's event log: the SparkListener* events with Spark's field
// names and units (CPU times in nanoseconds, shuffle write time in nanoseconds, the rest in
// milliseconds and bytes), so the collector reads the runtime's logs with the same code as a real
// cluster's, and Spark's own tools can open them. The heaviest shuffle keys go in a jobtuner event
// ("org.jobtuner.KeySketch") that Spark's tools skip.

#include <memory>
#include <string>
#include <vector>

#include "core/profile.h"
#include "runtime/event_sinks.h"
#include "runtime/run_observer.h"

namespace jobtuner::runtime {

struct PreparedJob;

class EventLogObserver final : public RunObserver {
 public:
  /// Writes LogStart, EnvironmentUpdate (the profile as Spark properties) and ApplicationStart.
  EventLogObserver(std::vector<std::unique_ptr<EventSink>>& sinks, const std::string& appId, const PreparedJob& job,
                   const core::Profile& profile, int64_t startMs);

  void executorAdded(const ExecutorEvent& event) override;
  void executorRemoved(const ExecutorEvent& event) override;
  void jobStarted(const PhysicalPlan& plan, int64_t timeMs) override;
  void stageSubmitted(const StageEvent& event) override;
  void taskStarted(const TaskEvent& task) override;
  void taskEnded(const TaskEvent& task) override;
  void stageCompleted(const StageEvent& event) override;
  void keySketch(const PlanStage& stage, const ShuffleSpec& shuffle, const std::vector<KeySketchEntry>& keys) override;
  void jobEnded(int64_t timeMs, bool succeeded, const std::string& failureReason) override;
  void applicationEnd(int64_t timeMs);

 private:
  void emit(const std::string& line);
  void flush();

  std::vector<std::unique_ptr<EventSink>>& sinks_;
  const PhysicalPlan* plan_ = nullptr;
};

}  // namespace jobtuner::runtime
