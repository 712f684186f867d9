#pragma once

// The driver's scheduling loop: submits each stage once its parents are done, puts its tasks on
// free executor slots, collects results, retries failed attempts up to task_max_failures, and
// reports everything to the observers. One thread; it waits on the executors' channels with poll.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/local_channel.h"
#include "runtime/clock.h"
#include "runtime/physical_plan.h"
#include "runtime/run_observer.h"

namespace jobtuner::runtime {

struct ExecutorConnection {
  int id = 0;
  int cores = 1;
  int64_t pid = 0;
  core::LocalChannel channel;
  int freeSlots = 0;
  bool alive = true;
};

struct SchedulerOptions {
  int taskMaxFailures = 4;
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

/// Runs every stage of `plan` on `executors`. Observers are called in event order.
ScheduleOutcome runStages(const PhysicalPlan& plan, std::vector<ExecutorConnection>& executors,
                          const std::vector<RunObserver*>& observers, const SchedulerOptions& options);

}  // namespace jobtuner::runtime
