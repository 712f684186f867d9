#pragma once

// The driver's scheduling loop: submits each stage once its parents are done, puts its tasks on
// free executor slots, collects results, retries failed attempts up to task_max_failures, and
// reports everything to the observers. It also watches the executors: one that exits, stops
// heartbeating for network_timeout or grows past its memory limit is lost — its running attempts
// fail with ExecutorLostFailure and the pool starts a replacement. One thread; it waits on the
// executors' channels with poll.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/clock.h"
#include "runtime/executor_pool.h"
#include "runtime/fault_injector.h"
#include "runtime/physical_plan.h"
#include "runtime/run_observer.h"

namespace jobtuner::runtime {

struct SchedulerOptions {
  int taskMaxFailures = 4;
  /// executor_memory + memory_overhead: an executor resident beyond it is killed; 0: unwatched.
  int64_t memoryLimitBytes = 0;
  /// An executor silent this long is lost.
  int64_t networkTimeoutMs = 120'000;
  /// Executor losses tolerated; one more fails the job (Spark's spark.executor.maxNumFailures).
  int maxExecutorFailures = 3;
  /// Speculation (Spark's spark.speculation.*): once `speculationQuantile` of a stage's tasks have
  /// finished, an attempt running longer than `speculationMultiplier` times their median (and at
  /// least `speculationMinRuntimeMs`) gets a copy on another executor; the first to finish wins.
  bool speculation = false;
  double speculationMultiplier = 3;
  double speculationQuantile = 0.9;
  int64_t speculationMinRuntimeMs = 100;
  /// Injects the profile's faults; null when it has none.
  FaultInjector* faults = nullptr;
  /// Deletes (or, with `corrupt`, damages) one map output's shuffle files: faults.lose_map_output
  /// and corrupt_map_output.
  std::function<void(int shuffleId, int mapId, bool corrupt)> damageMapOutput;
  /// Lines for the driver's log (losses, injected faults).
  std::function<void(const std::string&)> log;
  /// Computes a range exchange's split points from the sort-key samples its map tasks returned
  /// (hex of serialized batches); returns the hex of the serialized bounds.
  std::function<std::string(const ShuffleSpec&, const std::vector<std::string>&)> rangeBounds;
  /// Asked often while waiting, so the driver can give up (returns true to abort, e.g. on SIGINT).
  std::function<bool()> shouldAbort;
};

struct ScheduleOutcome {
  bool succeeded = false;
  bool userError = false;   // a task failed on bad input: the run ends with exit code 2
  std::string failure;      // why the job failed
  int64_t tasks = 0;        // attempts launched
  int64_t badRecords = 0;   // skipped with on_bad_record: skip
  int64_t shuffleBytes = 0; // written
};

/// Runs every stage of `plan` on `executors` (ready, not yet announced to the observers) and the
/// replacements `pool` starts. Observers are called in event order. Returns with the executors
/// that are still alive in `executors`.
ScheduleOutcome runStages(const PhysicalPlan& plan, std::vector<ExecutorConnection>& executors, ExecutorPool& pool,
                          const std::vector<RunObserver*>& observers, const SchedulerOptions& options);

}  // namespace jobtuner::runtime
